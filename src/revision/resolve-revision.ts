// Which git revision the profiles of this pass come from, and the directory to read them from so
// that content and revision agree.
//
// The profiles directory is often a subdirectory of a checkout, and often reached through a link
// that git-sync swaps atomically to a new `.worktrees/<hash>` on every sync. So the directory is
// resolved to its real path ONCE, the revision is read from the checkout that real path lies in,
// and the pass reads its files through that same real path: a swap during the pass changes
// neither (the next pass sees the new revision). Order of precedence:
//   1. `--revision` (the caller passes it as `flag`), then APPFLOW_GITOPS_REVISION (CI systems
//      that build from an exported tree know the commit but have no .git);
//   2. git-sync: a directory `.worktrees/<hash>` on the way up; the hash is its name (git-sync's
//      documented contract);
//   3. a plain git checkout: the nearest `.git` on the way up, HEAD read from its files.
import { realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { findGitDir, isObjectName, readHead } from './git-head.js';

export const REVISION_ENV = 'APPFLOW_GITOPS_REVISION';

export type RevisionSource = 'flag' | 'env' | 'git-sync' | 'git';

export interface ProfilesSource {
  /** The profiles directory with every link resolved: read this pass's files through it. */
  root: string;
  /** Commit hash (git-sync, git) or the text given by flag or environment; absent when unknown. */
  revision?: string;
  revisionSource?: RevisionSource;
  /** Top level of the checkout the profiles live in (git-sync worktree or git checkout). */
  checkout?: string;
  /** Why there is no revision (not a checkout, a branch with no commit yet): for a debug line, never an error. */
  note?: string;
}

export interface ResolveOptions {
  /** `--revision` as given on the command line. */
  flag?: string;
  env?: NodeJS.ProcessEnv;
}

/** At most this long, printable, no whitespace: it lands in logs, status, plan files and commit-status URLs. */
const MAX_REVISION_LENGTH = 128;

/** Why `text` is not usable as a revision, or undefined when it is. */
export function revisionProblem(text: string): string | undefined {
  if (text.length === 0) return 'is empty';
  if (text.length > MAX_REVISION_LENGTH) return `is longer than ${MAX_REVISION_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(text)) return 'holds whitespace or control characters';
  return undefined;
}

export async function resolveProfilesSource(profilesDir: string, options: ResolveOptions = {}): Promise<ProfilesSource> {
  const env = options.env ?? process.env;
  const absolute = resolve(profilesDir);
  let root: string;
  try {
    root = await realpath(absolute);
  } catch {
    // The loader reports the missing or unreadable directory; an override still names the revision.
    root = absolute;
  }
  const override = revisionOverride(options.flag, env);
  if (override) return { root, ...override };
  return { root, ...(await revisionOfCheckout(root)) };
}

/** A `--revision` or APPFLOW_GITOPS_REVISION that cannot be used; the message names which. */
export class RevisionOverrideError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RevisionOverrideError';
  }
}

/** The revision given by flag or environment, checked; throws RevisionOverrideError when unusable. */
export function revisionOverride(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Pick<ProfilesSource, 'revision' | 'revisionSource'> | undefined {
  const given: Array<[string | undefined, RevisionSource, string]> = [
    [flag, 'flag', '--revision'],
    // An empty variable is taken as unset (a CI template that expands to nothing).
    [env[REVISION_ENV] === '' ? undefined : env[REVISION_ENV], 'env', REVISION_ENV],
  ];
  for (const [text, source, label] of given) {
    if (text === undefined) continue;
    const problem = revisionProblem(text);
    if (problem) throw new RevisionOverrideError(`${label} ${problem}`);
    return { revision: text, revisionSource: source };
  }
  return undefined;
}

/** Walks up from `realDir` (already a real path) to the nearest git-sync worktree or git checkout. */
export async function revisionOfCheckout(realDir: string): Promise<Omit<ProfilesSource, 'root'>> {
  for (let dir = realDir; ; dir = dirname(dir)) {
    if (isObjectName(basename(dir)) && basename(dirname(dir)) === '.worktrees') {
      return { revision: basename(dir), revisionSource: 'git-sync', checkout: dir };
    }
    const gitDir = await findGitDir(dir);
    if (gitDir !== undefined) {
      const head = await readHead(gitDir, dir);
      if (head.kind === 'commit') return { revision: head.revision, revisionSource: 'git', checkout: dir };
      const note = head.kind === 'unborn' ? `the branch ${head.ref} has no commit yet` : head.reason;
      return { checkout: dir, note };
    }
    if (dirname(dir) === dir) return { note: `${realDir} is not inside a git checkout` };
  }
}

/**
 * `paths` that lie under `profilesDir` moved under `root` (the directory as a pass resolved it),
 * e.g. a --config file inside a linked profiles directory that the loader must still skip.
 */
export function pathsUnderRoot(paths: readonly string[], profilesDir: string, root: string): string[] {
  const base = resolve(profilesDir);
  return paths.map((path) => (path.startsWith(base + sep) ? join(root, path.slice(base.length + 1)) : path));
}
