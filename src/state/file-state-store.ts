// The state directory (default ./.appflow-gitops):
//   state.json              inventory, credential fingerprints and pending write intents, by target
//   fingerprint.key         the HMAC key for credential fingerprints (0600)
//   state.json.corrupt-*    a state file that could not be read, kept aside so nothing is lost
//   lock                    only when the store is created with { lock: true }
// Reading: a missing state file is an empty snapshot (first run); a corrupt (unparseable) one is
// kept aside and also read as empty, with a warning; an empty snapshot can never cause a delete
// (prune only deletes what the inventory lists). A file that exists but cannot be read (EACCES,
// EIO, EMFILE, EISDIR, ...) is different: its content is probably fine and only out of reach for
// now, so load() throws StateUnreadableError and the pass stops before planning. Reading it as
// empty would re-adopt every profile, re-send credentials and overwrite the inventory for good.
// A long-running process (the daemon) loads the state every pass, and nearly always finds the file
// as it left it: with `keepLastParse`, the store keeps what it last parsed, with its digest, and while one stat shows the
// very file it read (device, inode, size, modification and change times, stat'ed before the read
// and settled then: src/model/file-identity.ts, the parse cache's rule for profile files) a load
// hands out a copy of that instead of reading and parsing the file again (4-15 ms of a warm pass at
// 1,000 profiles). Anything else reads the file as before: another process's write, a rename over
// it, a file written less than 2 s before its stat, a deleted or unreadable one.
import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { sameIdentity, settled, statFile, type FileIdentity } from '../model/file-identity.js';
import { stateDigest } from '../model/json-digest.js';
import type { LoadedState, StateSnapshot, StateStore } from '../model/types.js';
import { removeStaleTempFiles, writeFileAtomic } from './atomic-write.js';
import { loadOrCreateHmacKey } from './hmac-key-file.js';
import { StateLock } from './state-lock.js';
import { copySnapshot, emptySnapshot, parseStateText, serializeSnapshot } from './state-shape.js';

export { emptySnapshot, emptyTargetState } from './state-shape.js';
export { StateLockedError } from './state-lock.js';

export const STATE_FILE = 'state.json';
export const KEY_FILE = 'fingerprint.key';
export const LOCK_FILE = 'lock';

/** state.json exists but could not be read; the message is one line naming the file. */
export class StateUnreadableError extends Error {
  constructor(
    readonly path: string,
    readonly code: string,
  ) {
    super(
      `cannot read state file ${path} (${code}); nothing was planned or saved. ` +
        'Make it a readable regular file again (permissions, mount), or move it away to start from empty state.',
    );
    this.name = 'StateUnreadableError';
  }
}

export interface FileStateStoreOptions {
  /**
   * Hold an exclusive lock on the directory from the first save until `release()` or process
   * exit, so two processes (say a daemon and a manual `apply`) cannot overwrite each other's
   * intents. Off by default: read-only commands never need it.
   */
  lock?: boolean;
  /** Receives warnings raised outside load() (e.g. a regenerated key). Otherwise they are returned by the next load(). */
  onWarning?: (message: string) => void;
  /** Injectable clock: the timestamps of kept-aside files, and what a stat of the state file is compared with. */
  now?: () => Date;
  /**
   * Keep the last parse of the file for the next load (see the top of this file): for a process
   * that loads the state again and again (the daemon). A one-shot command loads it once, and the
   * copy it would keep is work for nothing.
   */
  keepLastParse?: boolean;
}

export interface FileStateStore extends StateStore {
  readonly dir: string;
  readonly statePath: string;
  /** Releases the directory lock (no-op without { lock: true }). */
  release(): Promise<void>;
}

/** The state file as last parsed, while a stat can stand for its text; never handed out itself. */
interface LastParse {
  identity: FileIdentity;
  snapshot: StateSnapshot;
  warnings: readonly string[];
  digest: string;
}

function asideSuffix(now: Date): string {
  return now.toISOString().replace(/[:.]/g, '-');
}

export function createFileStateStore(dir: string, options: FileStateStoreOptions = {}): FileStateStore {
  const statePath = join(dir, STATE_FILE);
  const keyPath = join(dir, KEY_FILE);
  const now = options.now ?? (() => new Date());
  const lock = options.lock ? new StateLock(join(dir, LOCK_FILE)) : undefined;
  const pendingWarnings: string[] = [];
  let cachedKey: Promise<Buffer> | undefined;
  // Saves are serialised so that the file on disk always ends up as the last save called.
  let saveChain: Promise<void> = Promise.resolve();
  let cleanedTemps = false;
  let lastParse: LastParse | undefined;

  const warn = (message: string): void => {
    if (options.onWarning) options.onWarning(message);
    else pendingWarnings.push(message);
  };

  async function ensureDir(): Promise<void> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  }

  async function keepAside(reason: string): Promise<string> {
    const aside = `${statePath}.corrupt-${asideSuffix(now())}`;
    try {
      await rename(statePath, aside);
      return `state: ${statePath} is unreadable (${reason}); kept it as ${aside} and started from empty state. ` +
        'Nothing will be deleted; credentials will be re-sent once and existing profiles re-adopted.';
    } catch {
      return `state: ${statePath} is unreadable (${reason}) and could not be moved aside; started from empty state. ` +
        'Nothing will be deleted; credentials will be re-sent once.';
    }
  }

  async function load(): Promise<LoadedState> {
    const warnings = pendingWarnings.splice(0);
    // Taken before the read: a write after it changes the times, so the next stat differs.
    const stat = options.keepLastParse === true ? statFile(statePath, now().getTime()) : undefined;
    const kept = lastParse;
    if (kept !== undefined && stat !== undefined && sameIdentity(kept.identity, stat.identity)) {
      const state = copySnapshot(kept.snapshot)!;
      return { state, warnings: [...warnings, ...kept.warnings], digest: kept.digest, original: kept.snapshot };
    }
    lastParse = undefined;
    let text: string;
    try {
      text = await readFile(statePath, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        // First run (or only `plan` ran so far): not a problem worth a warning. A state file that
        // was deleted looks the same; the plan then shows adoptions and "credentials unknown",
        // which explains itself, and nothing is deleted.
        return { state: emptySnapshot(), warnings };
      }
      throw new StateUnreadableError(statePath, code ?? (err as Error).message);
    }
    const parsed = parseStateText(text);
    if (!parsed.ok) {
      warnings.push(await keepAside(parsed.reason));
      return { state: emptySnapshot(), warnings };
    }
    const loaded: LoadedState = { state: parsed.snapshot, warnings: [...warnings, ...parsed.warnings] };
    // Kept only when the stat before the read can stand for this text (settled); the caller gets a
    // copy, since a pass changes its snapshot.
    const copy = options.keepLastParse === true && stat !== undefined && settled(stat) ? copySnapshot(parsed.snapshot) : undefined;
    if (stat === undefined || copy === undefined) return loaded;
    const digest = stateDigest(parsed.snapshot);
    lastParse = { identity: stat.identity, snapshot: parsed.snapshot, warnings: parsed.warnings, digest };
    return { ...loaded, state: copy, digest, original: parsed.snapshot };
  }

  async function doSave(text: string): Promise<void> {
    await ensureDir();
    if (lock) await lock.acquire();
    if (!cleanedTemps) {
      cleanedTemps = true;
      // Temp files of a crash are invisible to readers; clear old ones so they do not pile up.
      await removeStaleTempFiles(statePath, 10 * 60_000);
    }
    await writeFileAtomic(statePath, text, 0o600);
  }

  function save(state: StateSnapshot): Promise<void> {
    // Serialise now, so later mutation of `state` by the caller cannot change what gets written
    // (once: the text is what gets written; a large inventory made a second round trip costly).
    const text = serializeSnapshot(state);
    // The file is about to be replaced (a new inode): what was parsed before is not worth keeping.
    lastParse = undefined;
    const result = saveChain.then(() => doSave(text));
    saveChain = result.catch(() => undefined);
    return result;
  }

  function hmacKey(): Promise<Buffer> {
    cachedKey ??= (async () => {
      await ensureDir();
      const { key, warnings } = await loadOrCreateHmacKey(keyPath, now);
      for (const message of warnings) warn(message);
      return key;
    })();
    // A failed attempt (e.g. read-only filesystem) is not cached, so the next call retries.
    cachedKey.catch(() => {
      cachedKey = undefined;
    });
    return cachedKey;
  }

  return {
    dir,
    statePath,
    load,
    save,
    hmacKey,
    release: async () => {
      await lock?.release();
    },
  };
}
