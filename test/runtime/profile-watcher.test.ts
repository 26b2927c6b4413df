// The watcher with real chokidar events and a manual clock: file events arrive when the file
// system delivers them, but the debounce and the 1 s cap only move when the test advances time,
// so no assertion depends on how fast this machine is.
import { watch as fsWatch } from 'node:fs';
import { mkdtemp, mkdir, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, type TimerHandle } from '../../src/runtime/clock.js';
import {
  DEFAULT_WATCH_DEBOUNCE_MS,
  DEFAULT_WATCH_MAX_WAIT_MS,
  watchProfiles,
  type ProfileWatcher,
  type ProfileWatcherOptions,
} from '../../src/runtime/profile-watcher.js';
import { waitFor } from '../support/wait-for.js';

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

/**
 * A manual clock that counts the timers armed: with the realpath poll off, the watcher arms one
 * debounce timer per file event it records, so the count says "the watcher has seen N events".
 */
class CountingClock extends ManualClock {
  armed = 0;
  override setTimer(fn: () => void, ms: number): TimerHandle {
    this.armed += 1;
    return super.setTimer(fn, ms);
  }
}

function start(options: Partial<ProfileWatcherOptions> = {}) {
  const clock = new CountingClock(0);
  const batches: { at: number; paths: string[] }[] = [];
  watcher = watchProfiles({
    dir,
    clock,
    realpathPollMs: 0,
    writeStableMs: 20,
    onChange: (paths) => batches.push({ at: clock.now(), paths }),
    ...options,
  });
  /** Resolves once the watcher has recorded at least `n` events in all. */
  const events = (n: number) => waitFor(() => clock.armed >= n, 10_000);
  return { clock, batches, events, ready: watcher.ready };
}

describe('watchProfiles (real chokidar, manual clock)', () => {
  it('the documented defaults: 50 ms quiet period, at most 1 s per burst', () => {
    expect(DEFAULT_WATCH_DEBOUNCE_MS).toBe(50);
    expect(DEFAULT_WATCH_MAX_WAIT_MS).toBe(1000);
  });

  it('reports an edit once the quiet period after its event has passed', async () => {
    const w = start({ writeStableMs: undefined });
    await w.ready;
    await writeFile(join(dir, 'a.yaml'), 'name: a\nchanged: true\n');
    await w.events(1);
    w.clock.advance(DEFAULT_WATCH_DEBOUNCE_MS - 1);
    expect(w.batches).toEqual([]);
    w.clock.advance(1);
    expect(w.batches).toEqual([{ at: DEFAULT_WATCH_DEBOUNCE_MS, paths: ['a.yaml'] }]);
  });

  it('reports new files in subdirectories and deletions', async () => {
    const w = start();
    await w.ready;
    await writeFile(join(dir, 'team', 'b.yaml'), 'name: b\n');
    await w.events(1);
    w.clock.advance(DEFAULT_WATCH_DEBOUNCE_MS);
    await unlink(join(dir, 'a.yaml'));
    await w.events(2);
    w.clock.advance(DEFAULT_WATCH_DEBOUNCE_MS);
    expect(w.batches.map((b) => b.paths)).toEqual([['team/b.yaml'], ['a.yaml']]);
  });

  it('coalesces a burst of writes into one batch', async () => {
    const w = start();
    await w.ready;
    await Promise.all(Array.from({ length: 20 }, (_, i) => writeFile(join(dir, `p${i}.yaml`), `name: p${i}\n`)));
    await w.events(20);
    w.clock.advance(DEFAULT_WATCH_DEBOUNCE_MS);
    expect(w.batches).toHaveLength(1);
    expect(w.batches[0]!.paths).toHaveLength(20);
  });

  it('never holds a burst longer than the 1 s cap, however the events keep coming', async () => {
    // A quiet period longer than half the cap: the second event would push the flush to 1.15 s
    // without the cap; with it, the batch goes out exactly 1 s after the burst's first event.
    const debounceMs = 600;
    const w = start({ debounceMs });
    await w.ready;
    await writeFile(join(dir, 'a.yaml'), 'name: a\nrev: 1\n');
    await w.events(1);
    expect(w.clock.pendingTimers()).toEqual([debounceMs]);
    w.clock.advance(550);
    expect(w.batches).toEqual([]);
    await writeFile(join(dir, 'b.yaml'), 'name: b\n');
    await w.events(2);
    expect(w.clock.pendingTimers()).toEqual([DEFAULT_WATCH_MAX_WAIT_MS - 550]);
    w.clock.advance(DEFAULT_WATCH_MAX_WAIT_MS - 550 - 1);
    expect(w.batches).toEqual([]);
    w.clock.advance(1);
    expect(w.batches).toHaveLength(1);
    expect(w.batches[0]!.at).toBe(DEFAULT_WATCH_MAX_WAIT_MS);
    expect(w.batches[0]!.paths).toContain('a.yaml');
  });

  it('ignores editor temp files, backups and dotfiles', async () => {
    const w = start();
    await w.ready;
    await writeFile(join(dir, '.a.yaml.swp'), 'x');
    await writeFile(join(dir, 'a.yaml~'), 'x');
    await writeFile(join(dir, '4913'), 'x');
    await writeFile(join(dir, '.hidden.yaml'), 'x');
    await writeFile(join(dir, 'a.yaml.tmp'), 'x');
    // A real profile file last: once its event is in, the ignored ones had their chance.
    await writeFile(join(dir, 'z.yaml'), 'name: z\n');
    await w.events(1);
    w.clock.advance(DEFAULT_WATCH_DEBOUNCE_MS);
    expect(w.batches.map((b) => b.paths)).toEqual([['z.yaml']]);
    expect(w.clock.armed).toBe(1);
  });
});

/** Two revisions, each with an `a.yaml`, under `root` (`<root>/rev1` and `<root>/rev2`, plus `sub` below each if given). */
async function twoRevisions(root: string, sub = '') {
  for (const rev of ['rev1', 'rev2']) {
    await mkdir(join(root, rev, sub), { recursive: true });
    await writeFile(join(root, rev, sub, 'a.yaml'), `name: a\nrev: ${rev}\n`);
  }
}

/** Atomic swap, as git-sync does it: a new link, renamed over the old one. */
async function swapLink(link: string, target: string) {
  await symlink(target, `${link}.tmp`);
  await rename(`${link}.tmp`, link);
}

/** Starts the watcher on `path` with a manual clock and the given poll; its batches collect in `batches`. */
async function watchSwapping(path: string, realpathPollMs: number): Promise<{ clock: ManualClock; batches: string[][] }> {
  const clock = new ManualClock(0);
  const batches: string[][] = [];
  watcher = watchProfiles({ dir: path, clock, realpathPollMs, onChange: (paths) => batches.push(paths) });
  await watcher.ready;
  return { clock, batches };
}

/**
 * Waits until the swap is reported ('.' in a batch), then until an edit in the new revision is.
 * The clock moves by `stepMs` per probe, so a test whose poll interval is far beyond what the
 * probes add up to proves that something other than the poll noticed the swap.
 */
async function expectSwapFollowed(clock: ManualClock, batches: string[][], newDir: string, stepMs: number) {
  await waitFor(() => {
    clock.advance(stepMs);
    return batches.length > 0;
  }, 10_000);
  expect(batches[0]).toContain('.');
  // Later edits in the new revision are seen. The new watch becomes ready on its own schedule,
  // so the edit is repeated until it is reported (each repeat is a real change of the file).
  let probes = 0;
  const seen = await waitFor(async () => {
    // Every 25th probe (about every half second): long enough for the write to settle.
    if (probes++ % 25 === 0) await writeFile(join(newDir, 'b.yaml'), `name: b\nrev: ${probes}\n`);
    clock.advance(stepMs);
    return batches.some((b) => b.includes('b.yaml'));
  }, 10_000);
  expect(seen).toBe(true);
}

describe('watchProfiles with a git-sync style symlink swap', () => {
  // Far longer than the probes below advance the clock in all (at most 500 x 100 ms): when one of
  // these tests sees the swap, the watch on the link's parent directory noticed it, not the poll.
  const NO_POLL_IN_TIME = 10 * 60_000;

  it('notices the swap and keeps watching the new target', async () => {
    await twoRevisions(dir);
    await symlink(join(dir, 'rev1'), join(dir, 'current'));
    const { clock, batches } = await watchSwapping(join(dir, 'current'), 200);
    await swapLink(join(dir, 'current'), join(dir, 'rev2'));
    await expectSwapFollowed(clock, batches, join(dir, 'rev2'), 200);
  });

  it('notices the swap through the watch on the link\'s parent, long before the poll is due', async () => {
    await twoRevisions(dir);
    await symlink(join(dir, 'rev1'), join(dir, 'current'));
    const { clock, batches } = await watchSwapping(join(dir, 'current'), NO_POLL_IN_TIME);
    await swapLink(join(dir, 'current'), join(dir, 'rev2'));
    await expectSwapFollowed(clock, batches, join(dir, 'rev2'), 100);
  });

  it('notices a swap of a link deeper in the path (dir/link/profiles with link -> rev1)', async () => {
    await twoRevisions(dir, 'profiles');
    // A relative target, as git-sync writes it (current -> .worktrees/<hash>).
    await symlink('rev1', join(dir, 'link'));
    const { clock, batches } = await watchSwapping(join(dir, 'link', 'profiles'), NO_POLL_IN_TIME);
    await swapLink(join(dir, 'link'), 'rev2');
    await expectSwapFollowed(clock, batches, join(dir, 'rev2', 'profiles'), 100);
  });

  it('notices each swap of a chain of links (current -> stage -> rev1), and the swaps that follow', async () => {
    await twoRevisions(dir);
    await mkdir(join(dir, 'rev3'));
    await symlink('rev1', join(dir, 'stage'));
    await symlink('stage', join(dir, 'current'));
    const { clock, batches } = await watchSwapping(join(dir, 'current'), NO_POLL_IN_TIME);
    // The inner link first, then the outer one to a link that did not exist at start.
    await swapLink(join(dir, 'stage'), 'rev2');
    await expectSwapFollowed(clock, batches, join(dir, 'rev2'), 100);
    batches.length = 0;
    await symlink('rev3', join(dir, 'next'));
    await swapLink(join(dir, 'current'), 'next');
    await expectSwapFollowed(clock, batches, join(dir, 'rev3'), 100);
    batches.length = 0;
    await swapLink(join(dir, 'next'), 'rev1');
    await expectSwapFollowed(clock, batches, join(dir, 'rev1'), 100);
  });

  it('the poll notices a plain directory on the path replaced by a link (nothing watches its parent)', async () => {
    await twoRevisions(dir, 'profiles');
    await rename(join(dir, 'rev1'), join(dir, 'plain'));
    const { clock, batches } = await watchSwapping(join(dir, 'plain', 'profiles'), 200);
    await rename(join(dir, 'plain'), join(dir, 'old'));
    await symlink('rev2', join(dir, 'plain'));
    await expectSwapFollowed(clock, batches, join(dir, 'rev2', 'profiles'), 200);
  });

  it('reports nothing after close(), even when the link is swapped', async () => {
    await twoRevisions(dir);
    await symlink(join(dir, 'rev1'), join(dir, 'current'));
    const { clock, batches } = await watchSwapping(join(dir, 'current'), NO_POLL_IN_TIME);
    await watcher?.close();
    watcher = undefined;
    // A watch of the test's own on the same directory: libuv delivers an inotify event to every
    // handle on that directory in the same turn, so once this one has seen the swap, a parent
    // watch left open would have seen it too and recorded it (synchronously, on the manual clock).
    let swapSeen = false;
    const probe = fsWatch(dir, { persistent: false }, (_event, name) => {
      if (name === 'current') swapSeen = true;
    });
    try {
      await swapLink(join(dir, 'current'), join(dir, 'rev2'));
      await waitFor(() => swapSeen, 10_000);
    } finally {
      probe.close();
    }
    expect(clock.pendingTimers()).toEqual([]);
    clock.advance(NO_POLL_IN_TIME);
    expect(batches).toEqual([]);
  });
});
