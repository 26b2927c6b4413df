// Checks run before a command touches AWS or the state directory, so that a wrong path gives one
// line naming the path and the reason instead of an errno message about a temporary file deep in
// the state store (`EEXIST: file already exists, mkdir ...`, `EACCES: ... fingerprint.key.tmp-...`).
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UserError } from './user-error.js';

/**
 * `apply` with a profiles directory that does not exist is almost always a wrong --profiles (or a
 * wrong working directory): fail before reading AWS, as `plan` does, instead of reporting
 * "no changes" with exit 0. With --allow-empty the caller has said "no profiles" on purpose.
 */
export async function checkProfilesDirectory(dir: string, opts: { allowEmpty: boolean; command: string }): Promise<void> {
  if (opts.allowEmpty) return;
  const problem = await directoryProblem(dir, constants.R_OK | constants.X_OK);
  if (problem === 'missing') {
    throw new UserError(`profiles directory '${dir}' does not exist (pass --profiles DIR, or --allow-empty to ${opts.command} with no profiles)`);
  }
  if (problem !== undefined) throw new UserError(`profiles directory '${dir}' ${problem}`);
}

/**
 * The state directory must be a writable directory, or creatable: the nearest existing ancestor
 * must be a writable directory. Read-only mounts (EROFS) and permissions are caught here.
 */
export async function checkStateDirectory(dir: string): Promise<void> {
  const problem = await directoryProblem(dir, constants.W_OK | constants.X_OK);
  if (problem === undefined) return;
  if (problem !== 'missing') throw new UserError(`state directory '${dir}' ${problem}; pass --state DIR`);
  let ancestor = dirname(resolve(dir));
  for (;;) {
    const parentProblem = await directoryProblem(ancestor, constants.W_OK | constants.X_OK);
    if (parentProblem === undefined) return;
    if (parentProblem !== 'missing') {
      throw new UserError(`state directory '${dir}' cannot be created: '${ancestor}' ${parentProblem}; pass --state DIR`);
    }
    const next = dirname(ancestor);
    if (next === ancestor) return;
    ancestor = next;
  }
}

/** undefined when `path` is a directory with the given access, 'missing', or a short reason. */
async function directoryProblem(path: string, mode: number): Promise<string | undefined> {
  try {
    const info = await stat(path);
    if (!info.isDirectory()) return 'is not a directory';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ENOTDIR: an ancestor is a file; the caller's walk up names it.
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    return `cannot be read: ${code ?? String(err)}`;
  }
  try {
    await access(path, mode);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EROFS') return 'is on a read-only file system';
    if (code === 'EACCES' || code === 'EPERM') return (mode & constants.W_OK) !== 0 ? 'is not writable (permission denied)' : 'is not readable (permission denied)';
    return `is not accessible: ${code ?? String(err)}`;
  }
}
