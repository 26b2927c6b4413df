// swapPoints: the entries whose replacement would move a path's real path (what the profile
// watcher watches through their parent directories to notice git-sync's link swaps).
import { mkdir, mkdtemp, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { swapPoints } from '../../src/runtime/swap-points.js';

let dir: string;
beforeEach(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'swap-points-')));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('swapPoints', () => {
  it('a path without links has none', async () => {
    await mkdir(join(dir, 'a', 'b'), { recursive: true });
    expect(swapPoints(join(dir, 'a', 'b'))).toEqual([]);
  });

  it('names a link anywhere on the path, by its parent directory', async () => {
    await mkdir(join(dir, 'rev1', 'profiles'), { recursive: true });
    await symlink('rev1', join(dir, 'current'));
    expect(swapPoints(join(dir, 'current', 'profiles'))).toEqual([{ parent: dir, name: 'current' }]);
  });

  it('follows a link whose target goes through another link', async () => {
    await mkdir(join(dir, 'worktrees', 'abc'), { recursive: true });
    await symlink(join(dir, 'worktrees', 'abc'), join(dir, 'stage'));
    await symlink(join(dir, 'stage'), join(dir, 'current'));
    expect(swapPoints(join(dir, 'current'))).toEqual([
      { parent: dir, name: 'current' },
      { parent: dir, name: 'stage' },
    ]);
  });

  it('names the first missing component, whose creation would move the path', async () => {
    expect(swapPoints(join(dir, 'not-yet', 'profiles'))).toEqual([{ parent: dir, name: 'not-yet' }]);
  });
});
