// Real git repositories for revision tests: `git` runs with a fixed identity and no user or
// system configuration, so the tests behave the same on every machine.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';

const created: string[] = [];

afterEach(() => {
  while (created.length > 0) rmSync(created.pop()!, { recursive: true, force: true });
});

export function tempDir(prefix = 'appflow-gitops-rev-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

const GIT_ENV = {
  PATH: process.env.PATH,
  HOME: tmpdir(),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

/** A repository on branch `main` with one commit per entry of `commits`; returns the hashes in order. */
export function repositoryWithCommits(dir: string, commits: Array<Record<string, string>>): string[] {
  git(dir, 'init', '--quiet', '--initial-branch=main');
  return commits.map((files, i) => {
    writeFiles(dir, files);
    git(dir, 'add', '--all');
    git(dir, 'commit', '--quiet', '--allow-empty', '-m', `commit ${i + 1}`);
    return git(dir, 'rev-parse', 'HEAD');
  });
}

/**
 * What git-sync v4 does on each sync: check the commit out as a linked worktree under
 * `<root>/.worktrees/<hash>`, then point the link at it atomically (a temporary link renamed
 * over the old one), so a reader resolving the link sees the old tree or the new, never neither.
 */
export function gitSyncPublish(root: string, repo: string, hash: string, link = 'current'): void {
  git(repo, 'worktree', 'add', '--quiet', '--detach', join(root, '.worktrees', hash), hash);
  const temporary = join(root, `.${link}.tmp`);
  symlinkSync(join('.worktrees', hash), temporary);
  renameSync(temporary, join(root, link));
}
