// Commands that write the state directory (apply, import) take its lock before anything else:
// with a daemon or another command writing the same state, reading AWS and then failing at the
// first save wastes calls, and a state loaded before the lock can overwrite the holder's changes.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LOCK_FILE, StateLockedError } from '../state/file-state-store.js';
import { StateLock } from '../state/state-lock.js';
import { UserError } from './user-error.js';

/** Creates the state directory (0700) and takes its lock, or fails in one line naming the holder. */
export async function lockStateDirectory(stateDir: string): Promise<StateLock> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const lock = new StateLock(join(stateDir, LOCK_FILE));
  try {
    await lock.acquire();
  } catch (err) {
    if (err instanceof StateLockedError) throw new UserError(err.message);
    throw err;
  }
  return lock;
}
