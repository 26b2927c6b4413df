// Crash-safe file replacement: a reader (or a process restarted after a crash) sees either the
// old file or the new one, never a torn mix. The temp file lives in the same directory so the
// rename stays on one filesystem (rename(2) is atomic only there).
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rename, unlink, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Prefix of temp files for `target`; anything matching it is ignored by readers. */
export function tempPrefix(target: string): string {
  return `${basename(target)}.tmp-`;
}

/** fsync a directory so that a rename inside it survives a power loss. Best effort on platforms without directory fsync. */
export async function fsyncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, constants.O_RDONLY);
    await handle.sync();
  } catch (err) {
    // EISDIR/EPERM/EINVAL: some filesystems (and Windows) cannot fsync a directory; the rename is
    // still atomic, only its durability across power loss is weaker.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw err;
  } finally {
    await handle?.close();
  }
}

/** Writes `data` to a fresh temp file beside `target` (mode `mode`), fsyncs it and returns its path. */
export async function writeTempFile(target: string, data: string | Buffer, mode: number): Promise<string> {
  const temp = join(dirname(target), `${tempPrefix(target)}${process.pid}-${randomBytes(4).toString('hex')}`);
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await handle.close();
  return temp;
}

/** Atomically replaces `target` with `data`: temp file, fsync, rename over, fsync the directory. */
export async function writeFileAtomic(target: string, data: string | Buffer, mode = 0o600): Promise<void> {
  const temp = await writeTempFile(target, data, mode);
  try {
    await rename(temp, target);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await fsyncDirectory(dirname(target));
}

/**
 * Removes temp files left by a crash between "write temp" and "rename". Only files older than
 * `minAgeMs` are touched so a concurrent writer's in-flight temp file is never pulled away.
 */
export async function removeStaleTempFiles(target: string, minAgeMs: number, now = Date.now()): Promise<number> {
  const dir = dirname(target);
  const prefix = tempPrefix(target);
  let removed = 0;
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return 0;
  }
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const path = join(dir, entry);
    try {
      const info = await stat(path);
      if (now - info.mtimeMs >= minAgeMs) {
        await unlink(path);
        removed += 1;
      }
    } catch {
      // Raced with another cleaner or the writer's own rename: nothing to do.
    }
  }
  return removed;
}
