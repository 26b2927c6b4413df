// Taking over a stale state lock without a race. POSIX has no "delete this file only if it is still
// the one I looked at", so two processes that both judged a lock stale could each delete what is
// at the path, one of them the other's fresh lock, and both go on to hold it. Instead, the right to
// remove one particular stale lock (its *incarnation*: content, inode and mtime) is itself claimed
// with O_EXCL, under a claim file named after that incarnation:
//   1. read the lock and fingerprint it; judge it stale (the caller's rules);
//   2. create `<lock>.takeover-<fingerprint>-<n>` with O_EXCL; only one process can;
//   3. re-read the lock: still the same incarnation? then remove it (no one else may: any other
//      contender for it lost step 2), and let the caller create its own with O_EXCL as usual;
//      otherwise someone else already replaced it: give up.
// A claim whose creator died mid-takeover (milliseconds) would block that incarnation for good,
// so the next contender judges the claim like a lock and, when it is stale, claims slot n + 1
// instead of deleting it: no file is ever deleted by anyone but its creator, except claims of
// incarnations that are gone (harmless: step 3 fails for them).
// An OS lock (flock/fcntl) would avoid all of this, but Node has no API for it without a native
// addon, and it does not work across hosts on a shared volume, where the heartbeat rule applies.
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface LockInfo {
  pid: number;
  hostname: string;
  instance: string;
  acquiredAt: string;
}

/** One state of a lock file: who it names, how old its heartbeat is, and a fingerprint of exactly this file. */
export interface LockIncarnation {
  holder: LockInfo | undefined;
  ageMs: number;
  fingerprint: string;
}

/** Reads the lock at `path`; undefined when there is none. */
export async function readIncarnation(path: string): Promise<LockIncarnation | undefined> {
  let text: string;
  let ino: number;
  let mtimeMs: number;
  try {
    const handle = await open(path, constants.O_RDONLY);
    try {
      ({ ino, mtimeMs } = await handle.stat());
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const fingerprint = createHash('sha256').update(`${ino}\0${mtimeMs}\0${text}`).digest('hex').slice(0, 24);
  return { holder: parseHolder(text), ageMs: Date.now() - mtimeMs, fingerprint };
}

function parseHolder(text: string): LockInfo | undefined {
  try {
    const parsed = JSON.parse(text) as LockInfo;
    return typeof parsed.pid === 'number' && typeof parsed.hostname === 'string' ? parsed : undefined;
  } catch {
    return undefined; // being written, or garbage
  }
}

/** More claim slots than this for one incarnation means something else is wrong: stop. */
const MAX_CLAIM_SLOTS = 8;
const CLAIM_MARK = '.takeover-';

/**
 * 'gone': the stale incarnation is no longer at the path (this process removed it, or another did
 * and may have put its own lock there): the caller tries its O_EXCL create again, which exactly one
 * process wins. 'busy': a live contender is taking it over; `claimHolder` names it.
 */
export type TakeoverResult = { outcome: 'gone' } | { outcome: 'busy'; claimHolder: LockInfo | undefined };

/**
 * Removes the stale lock `stale` if this process wins the right to. `isStale` judges a claim
 * left by a contender the same way as a lock.
 */
export async function takeOverStaleLock(
  path: string,
  stale: LockIncarnation,
  me: LockInfo,
  isStale: (incarnation: LockIncarnation) => boolean,
): Promise<TakeoverResult> {
  for (let slot = 0; slot < MAX_CLAIM_SLOTS; slot += 1) {
    const claim = `${path}${CLAIM_MARK}${stale.fingerprint}-${slot}`;
    if (!(await createExclusive(claim, me))) {
      const other = await readIncarnation(claim);
      if (other && !isStale(other)) return { outcome: 'busy', claimHolder: other.holder };
      continue; // its creator is gone (or it vanished): the next slot
    }
    try {
      const now = await readIncarnation(path);
      if (now?.fingerprint !== stale.fingerprint) return { outcome: 'gone' };
      await unlink(path);
      await removeClaimsOfGoneLocks(path);
      return { outcome: 'gone' };
    } finally {
      await unlink(claim).catch(() => undefined);
    }
  }
  return { outcome: 'busy', claimHolder: undefined };
}

/** Creates `path` with O_EXCL holding `info`; false when it exists. */
export async function createExclusive(path: string, info: LockInfo): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await handle.writeFile(`${JSON.stringify(info)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

/** Claims left by contenders that died mid-takeover name an incarnation that no longer exists. */
async function removeClaimsOfGoneLocks(path: string): Promise<void> {
  const prefix = `${basename(path)}${CLAIM_MARK}`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const claim = join(dirname(path), name);
    // Only old ones: a fresh claim may belong to a contender that is still verifying (and will fail).
    const ageMs = await stat(claim).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (ageMs > 60_000) await unlink(claim).catch(() => undefined);
  }
}

export async function readHolder(path: string): Promise<LockInfo | undefined> {
  return parseHolder(await readFile(path, 'utf8').catch(() => ''));
}
