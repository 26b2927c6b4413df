// The commit a plain git checkout has checked out, read from the files git keeps (.git/HEAD, the
// loose ref, packed-refs) without spawning git: the daemon asks once per pass, and the container
// image need not ship git. A linked worktree (`git worktree add`, git-sync's checkouts) has a
// `.git` FILE naming its private git directory, whose `commondir` names the shared one where
// branches live. What the files cannot answer (a reftable repository, a ref that does not exist
// yet) is left to `git rev-parse`, and an unborn branch has no revision at all.
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';

/** A full object name: SHA-1 (40 hex) or SHA-256 (64 hex). */
const OBJECT_NAME = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export function isObjectName(text: string): boolean {
  return OBJECT_NAME.test(text);
}

/** Symbolic refs that point at symbolic refs: git itself stops at 5 levels. */
const MAX_SYMREF_DEPTH = 5;

/** `git rev-parse` is a fallback for layouts the files do not answer; it must not stall a pass. */
const GIT_TIMEOUT_MS = 5_000;

export type HeadLookup =
  | { kind: 'commit'; revision: string }
  /** The branch has no commit yet (a fresh `git init`). */
  | { kind: 'unborn'; ref: string }
  | { kind: 'unknown'; reason: string };

/**
 * The git directory of the checkout whose top level is `worktree`, or undefined when `worktree`
 * holds no `.git`. `.git` is a directory (a plain clone) or a file `gitdir: PATH` (a linked
 * worktree or a submodule).
 */
export async function findGitDir(worktree: string): Promise<string | undefined> {
  const dotGit = join(worktree, '.git');
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(dotGit)).isDirectory();
  } catch {
    return undefined;
  }
  if (isDirectory) return dotGit;
  const text = await readFile(dotGit, 'utf8').catch(() => '');
  const match = /^gitdir:\s*(.+?)\s*$/m.exec(text);
  if (!match) return undefined;
  return isAbsolute(match[1]!) ? match[1]! : resolve(worktree, match[1]!);
}

/** The commit HEAD names in `gitDir` (the checkout's own git directory). */
export async function readHead(gitDir: string, worktree: string): Promise<HeadLookup> {
  const commonDir = await readCommonDir(gitDir);
  let content: string;
  try {
    content = (await readFile(join(gitDir, 'HEAD'), 'utf8')).trim();
  } catch (err) {
    return { kind: 'unknown', reason: `cannot read ${join(gitDir, 'HEAD')} (${codeOf(err)})` };
  }
  for (let depth = 0; depth < MAX_SYMREF_DEPTH; depth++) {
    if (isObjectName(content)) return { kind: 'commit', revision: content };
    const symbolic = /^ref:\s*(\S+)$/.exec(content);
    if (!symbolic) break;
    const ref = symbolic[1]!;
    // Per-worktree refs (refs/bisect, refs/worktree, refs/rewritten) live in the worktree's git
    // directory; every other ref (branches, tags, remotes) in the common one.
    const perWorktree = /^refs\/(?:bisect|worktree|rewritten)\//.test(ref);
    const loose = await readLooseRef(perWorktree ? gitDir : commonDir, ref);
    if (loose !== undefined) {
      content = loose;
      continue;
    }
    const packed = await readPackedRef(commonDir, ref);
    if (packed !== undefined) return { kind: 'commit', revision: packed };
    // Either the branch has no commit yet, or refs are not files (reftable): git knows which.
    return (await revParse(worktree)) ?? { kind: 'unborn', ref };
  }
  return (await revParse(worktree)) ?? { kind: 'unknown', reason: `HEAD in ${gitDir} names no commit` };
}

async function readCommonDir(gitDir: string): Promise<string> {
  const text = await readFile(join(gitDir, 'commondir'), 'utf8').catch(() => undefined);
  if (text === undefined || text.trim() === '') return gitDir;
  const dir = text.trim();
  return isAbsolute(dir) ? dir : resolve(gitDir, dir);
}

async function readLooseRef(dir: string, ref: string): Promise<string | undefined> {
  // A ref name never climbs out of the git directory (git refuses such names): refuse it here too.
  if (ref.split('/').some((part) => part === '..' || part === '')) return undefined;
  const text = await readFile(join(dir, ref), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : text.trim();
}

/** `packed-refs` lines are `<object name> <ref>`; `^<name>` lines peel the tag above them. */
async function readPackedRef(commonDir: string, ref: string): Promise<string | undefined> {
  const text = await readFile(join(commonDir, 'packed-refs'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.startsWith('^')) continue;
    const space = line.indexOf(' ');
    if (space > 0 && line.slice(space + 1).trim() === ref && isObjectName(line.slice(0, space))) return line.slice(0, space);
  }
  return undefined;
}

/**
 * `git rev-parse --verify HEAD` in `worktree`; undefined when git is absent or says there is no
 * commit. node:child_process is imported here, on the fallback's first use: every one-shot command
 * loads this module and only this fallback spawns (loading child_process measured 0.44 ms directly;
 * a CPU profile had put it at about 8 ms, see docs/benchmarks.md round five).
 */
async function revParse(worktree: string): Promise<HeadLookup | undefined> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolvePromise) => {
    execFile('git', ['-C', worktree, 'rev-parse', '--verify', '--quiet', 'HEAD'], { timeout: GIT_TIMEOUT_MS, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } }, (error, stdout) => {
      const revision = stdout.trim();
      resolvePromise(!error && isObjectName(revision) ? { kind: 'commit', revision } : undefined);
    });
  });
}

function codeOf(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
}
