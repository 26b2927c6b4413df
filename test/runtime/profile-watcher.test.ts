import { mkdtemp, mkdir, rm, writeFile, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/runtime/clock.js';
import { watchProfiles, type ProfileWatcher } from '../../src/runtime/profile-watcher.js';

let dir: string;
let watcher: ProfileWatcher | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'watch-'));
  await mkdir(join(dir, 'team'));
  await writeFile(join(dir, 'a.yaml'), 'name: a\n');
});

afterEach(async () => {
  await watcher?.close();
  watcher = undefined;
  await rm(dir, { recursive: true, force: true });
});

function start(): { batches: { at: number; paths: string[] }[] } {
  const record = { batches: [] as { at: number; paths: string[] }[] };
  watcher = watchProfiles({ dir, clock: systemClock, onChange: (paths) => record.batches.push({ at: Date.now(), paths }) });
  return record;
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return check();
}

describe('watchProfiles (real chokidar)', () => {
  it('reports an edit within a second of the write', async () => {
    const record = start();
    await watcher!.ready;
    const writtenAt = Date.now();
    await writeFile(join(dir, 'a.yaml'), 'name: a\nchanged: true\n');
    expect(await waitFor(() => record.batches.length > 0, 2000)).toBe(true);
    const latency = record.batches[0]!.at - writtenAt;
    expect(latency).toBeLessThan(1000);
    expect(record.batches[0]!.paths).toEqual(['a.yaml']);
  });

  it('reports new files in subdirectories and deletions', async () => {
    const record = start();
    await watcher!.ready;
    await writeFile(join(dir, 'team', 'b.yaml'), 'name: b\n');
    expect(await waitFor(() => record.batches.length > 0, 2000)).toBe(true);
    await unlink(join(dir, 'a.yaml'));
    expect(await waitFor(() => record.batches.length > 1, 2000)).toBe(true);
    expect(record.batches.map((b) => b.paths)).toEqual([['team/b.yaml'], ['a.yaml']]);
  });

  it('coalesces a burst of writes into one batch', async () => {
    const record = start();
    await watcher!.ready;
    await Promise.all(Array.from({ length: 20 }, (_, i) => writeFile(join(dir, `p${i}.yaml`), `name: p${i}\n`)));
    expect(await waitFor(() => record.batches.length > 0, 2000)).toBe(true);
    await new Promise((r) => setTimeout(r, 400));
    expect(record.batches).toHaveLength(1);
    expect(record.batches[0]!.paths).toHaveLength(20);
  });

  it('ignores editor temp files, backups and dotfiles', async () => {
    const record = start();
    await watcher!.ready;
    await writeFile(join(dir, '.a.yaml.swp'), 'x');
    await writeFile(join(dir, 'a.yaml~'), 'x');
    await writeFile(join(dir, '4913'), 'x');
    await writeFile(join(dir, '.hidden.yaml'), 'x');
    await writeFile(join(dir, 'a.yaml.tmp'), 'x');
    await new Promise((r) => setTimeout(r, 700));
    expect(record.batches).toEqual([]);
  });
});

describe('watchProfiles with a git-sync style symlink swap', () => {
  it('notices the swap and keeps watching the new target', async () => {
    const { symlink, rename } = await import('node:fs/promises');
    await mkdir(join(dir, 'rev1'));
    await mkdir(join(dir, 'rev2'));
    await writeFile(join(dir, 'rev1', 'a.yaml'), 'name: a\n');
    await writeFile(join(dir, 'rev2', 'a.yaml'), 'name: a\nrev: 2\n');
    await symlink(join(dir, 'rev1'), join(dir, 'current'));
    const batches: string[][] = [];
    watcher = watchProfiles({ dir: join(dir, 'current'), clock: systemClock, realpathPollMs: 200, onChange: (paths) => batches.push(paths) });
    await watcher.ready;
    // Atomic swap, as git-sync does it: a new link, renamed over the old one.
    await symlink(join(dir, 'rev2'), join(dir, 'current.tmp'));
    await rename(join(dir, 'current.tmp'), join(dir, 'current'));
    expect(await waitFor(() => batches.length > 0, 2000)).toBe(true);
    expect(batches[0]).toContain('.');
    // Later edits in the new revision are seen.
    await new Promise((r) => setTimeout(r, 300));
    const before = batches.length;
    await writeFile(join(dir, 'rev2', 'b.yaml'), 'name: b\n');
    expect(await waitFor(() => batches.length > before, 2000)).toBe(true);
    expect(batches.at(-1)).toEqual(['b.yaml']);
  });
});
