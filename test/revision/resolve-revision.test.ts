import { mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REVISION_ENV, RevisionOverrideError, resolveProfilesSource, revisionProblem } from '../../src/revision/resolve-revision.js';
import { git, gitSyncPublish, repositoryWithCommits, tempDir } from './git-fixtures.js';

const NO_ENV: NodeJS.ProcessEnv = {};

describe('a plain git checkout', () => {
  it('reads HEAD through the branch ref from a subdirectory of the checkout', async () => {
    const repo = tempDir();
    const [, second] = repositoryWithCommits(repo, [{ 'profiles/a.yaml': 'a: 1\n' }, { 'profiles/a.yaml': 'a: 2\n' }]);
    const source = await resolveProfilesSource(join(repo, 'profiles'), { env: NO_ENV });
    expect(source).toMatchObject({ revision: second, revisionSource: 'git', checkout: realpathSync(repo), root: realpathSync(join(repo, 'profiles')) });
  });

  it('finds a branch that only packed-refs holds (after git pack-refs / gc)', async () => {
    const repo = tempDir();
    const [hash] = repositoryWithCommits(repo, [{ 'profiles/a.yaml': 'a: 1\n' }]);
    git(repo, 'pack-refs', '--all', '--prune');
    expect(() => readFileSync(join(repo, '.git', 'refs', 'heads', 'main'))).toThrow();
    const source = await resolveProfilesSource(join(repo, 'profiles'), { env: NO_ENV });
    expect(source.revision).toBe(hash);
  });

  it('needs no git program for loose and packed refs (the container image has none)', async () => {
    const repo = tempDir();
    const [hash] = repositoryWithCommits(repo, [{ 'a.yaml': 'a: 1\n' }]);
    git(repo, 'branch', 'packed');
    git(repo, 'pack-refs', '--all', '--prune');
    git(repo, 'checkout', '--quiet', 'packed');
    const path = process.env.PATH;
    process.env.PATH = '';
    try {
      expect((await resolveProfilesSource(repo, { env: NO_ENV })).revision).toBe(hash);
    } finally {
      process.env.PATH = path;
    }
  });

  it('reads a detached HEAD', async () => {
    const repo = tempDir();
    const [first] = repositoryWithCommits(repo, [{ 'a.yaml': 'a: 1\n' }, { 'a.yaml': 'a: 2\n' }]);
    git(repo, 'checkout', '--quiet', '--detach', first!);
    expect((await resolveProfilesSource(repo, { env: NO_ENV })).revision).toBe(first);
  });

  it('reads a linked worktree, whose .git is a file and whose branches live in the common directory', async () => {
    const repo = tempDir();
    const [first, second] = repositoryWithCommits(repo, [{ 'profiles/a.yaml': 'a: 1\n' }, { 'profiles/a.yaml': 'a: 2\n' }]);
    const linked = join(tempDir(), 'linked');
    git(repo, 'worktree', 'add', '--quiet', '-b', 'feature', linked, first!);
    expect((await resolveProfilesSource(join(linked, 'profiles'), { env: NO_ENV })).revision).toBe(first);
    expect((await resolveProfilesSource(join(repo, 'profiles'), { env: NO_ENV })).revision).toBe(second);
  });

  it('has no revision on a branch without a commit, and says why', async () => {
    const repo = tempDir();
    git(repo, 'init', '--quiet', '--initial-branch=main');
    mkdirSync(join(repo, 'profiles'));
    const source = await resolveProfilesSource(join(repo, 'profiles'), { env: NO_ENV });
    expect(source.revision).toBeUndefined();
    expect(source.note).toContain('refs/heads/main has no commit yet');
  });

  it('has no revision outside any checkout', async () => {
    const dir = tempDir();
    const source = await resolveProfilesSource(dir, { env: NO_ENV });
    expect(source).toMatchObject({ root: realpathSync(dir) });
    expect(source.revision).toBeUndefined();
    expect(source.note).toContain('not inside a git checkout');
  });
});

describe('a git-sync checkout', () => {
  it('takes the hash from the name of the worktree the link points at, and follows an atomic link swap', async () => {
    const repo = tempDir();
    const [first, second] = repositoryWithCommits(repo, [{ 'profiles/a.yaml': 'revision: one\n' }, { 'profiles/a.yaml': 'revision: two\n' }]);
    const root = tempDir('appflow-gitops-git-sync-');
    gitSyncPublish(root, repo, first!);

    const before = await resolveProfilesSource(join(root, 'current', 'profiles'), { env: NO_ENV });
    expect(before).toMatchObject({ revision: first, revisionSource: 'git-sync', checkout: realpathSync(join(root, '.worktrees', first!)) });

    gitSyncPublish(root, repo, second!);
    const after = await resolveProfilesSource(join(root, 'current', 'profiles'), { env: NO_ENV });
    expect(after.revision).toBe(second);

    // A pass that resolved before the swap reads the tree of the revision it reports, not the new one.
    expect(readFileSync(join(before.root, 'a.yaml'), 'utf8')).toBe('revision: one\n');
    expect(readFileSync(join(after.root, 'a.yaml'), 'utf8')).toBe('revision: two\n');
  });

  it('is recognised by the .worktrees/<hash> layout alone (the hash is the contract, not the .git file)', async () => {
    const root = tempDir('appflow-gitops-git-sync-');
    const hash = 'a'.repeat(40);
    mkdirSync(join(root, '.worktrees', hash, 'deep', 'profiles'), { recursive: true });
    const source = await resolveProfilesSource(join(root, '.worktrees', hash, 'deep', 'profiles'), { env: NO_ENV });
    expect(source).toMatchObject({ revision: hash, revisionSource: 'git-sync' });
  });
});

describe('--revision and APPFLOW_GITOPS_REVISION', () => {
  it('the flag wins over the environment, which wins over the checkout', async () => {
    const repo = tempDir();
    repositoryWithCommits(repo, [{ 'a.yaml': 'a: 1\n' }]);
    expect(await resolveProfilesSource(repo, { flag: 'from-flag', env: { [REVISION_ENV]: 'from-env' } })).toMatchObject({ revision: 'from-flag', revisionSource: 'flag' });
    expect(await resolveProfilesSource(repo, { env: { [REVISION_ENV]: 'from-env' } })).toMatchObject({ revision: 'from-env', revisionSource: 'env' });
    expect(await resolveProfilesSource(repo, { env: { [REVISION_ENV]: '' } })).toMatchObject({ revisionSource: 'git' });
  });

  it('names a directory that does not exist without failing (the loader reports it)', async () => {
    const missing = join(tempDir(), 'gone');
    expect(await resolveProfilesSource(missing, { env: { [REVISION_ENV]: 'abc123' } })).toMatchObject({ root: missing, revision: 'abc123' });
  });

  it('rejects an unusable value, naming where it came from', async () => {
    const dir = tempDir();
    await expect(resolveProfilesSource(dir, { flag: '' })).rejects.toThrow(new RevisionOverrideError('--revision is empty'));
    await expect(resolveProfilesSource(dir, { env: { [REVISION_ENV]: 'a b' } })).rejects.toThrow(`${REVISION_ENV} holds whitespace or control characters`);
    expect(revisionProblem('x'.repeat(129))).toBe('is longer than 128 characters');
    expect(revisionProblem('v1.2.3')).toBeUndefined();
  });
});

describe('symbolic refs', () => {
  it('follows a branch that is itself a symbolic ref to another branch', async () => {
    const repo = tempDir();
    const [hash] = repositoryWithCommits(repo, [{ 'a.yaml': 'a: 1\n' }]);
    git(repo, 'symbolic-ref', 'refs/heads/alias', 'refs/heads/main');
    git(repo, 'symbolic-ref', 'HEAD', 'refs/heads/alias');
    expect((await resolveProfilesSource(repo, { env: NO_ENV })).revision).toBe(hash);
  });
});
