// Which version of a file a path names, from one stat: what lets a long-running process skip
// reading a file that has not changed since it last read it. This is git's index check: device,
// inode, size, and the modification and change times. A write changes the times (and usually the
// size); a save by rename (an editor, git-sync, this project's own atomic state writes) puts a new
// inode at the path. One thing a stat cannot see is a write within the file system's timestamp
// granularity of the stat recorded for the last read (same size, same times): so a stat is trusted
// only when the file had been unchanged for a while before it was taken (`settled`), as git treats
// "racily clean" files.
//
// The state file's cache of its last parse (src/state/file-state-store.ts) uses this rule; the
// profile parse cache has the same rule in src/desired/file-identity.ts (the state layer may not
// import the loader's), which can re-export this one.
import { statSync } from 'node:fs';

/**
 * Numbers, not BigInts: the times as milliseconds (a double: sub-microsecond at today's dates)
 * cannot tell apart two writes a few nanoseconds apart, and need not: a stat is trusted only once
 * the file has been left alone for RACY_WINDOW_MS (`settled`), and any later write is stamped at
 * least that much later than the times kept.
 */
export interface FileIdentity {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

/** A file's identity and the wall-clock time (ms) just before it was taken. */
export interface FileStat {
  identity: FileIdentity;
  takenAtMs: number;
}

/**
 * How long a file must have been left alone before a stat of it can stand for its content: more
 * than any file system's timestamp granularity (FAT's 2 s is the coarsest; ext4 and APFS keep
 * nanoseconds, but the kernel stamps with a clock that ticks every few ms).
 */
export const RACY_WINDOW_MS = 2_000;

/** The identity of what `path` leads to (links followed, as a read would), or undefined when it cannot be stat'ed. */
export function statFile(path: string, takenAtMs: number): FileStat | undefined {
  try {
    const s = statSync(path, { throwIfNoEntry: false });
    if (!s) return undefined;
    return { identity: { dev: s.dev, ino: s.ino, size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs }, takenAtMs };
  } catch {
    return undefined;
  }
}

export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.ino === b.ino && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.size === b.size && a.dev === b.dev;
}

/**
 * True when the file had been neither modified nor changed for RACY_WINDOW_MS when the stat was
 * taken, so any later write gets different times. A file stat'ed sooner (or stamped in the future
 * by a skewed clock) is read again every time until it is.
 */
export function settled(stat: FileStat): boolean {
  return stat.takenAtMs - RACY_WINDOW_MS > Math.max(stat.identity.mtimeMs, stat.identity.ctimeMs);
}
