// The daemon's young-generation collection when it goes idle (src/runtime/idle-collection.ts):
// made once the last running pass has ended, on a later turn, never while a pass runs; and, with
// V8's own collector, it empties the young generation. The rules are checked with a hand-cranked
// turn (each test says when "later" comes); the daemon's wiring with a real daemon in process.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { IdleCollection } from '../../src/runtime/idle-collection.js';
import { capturedLogger, startTestDaemon, startTestEmulator, testWorkDir } from '../support/in-process-daemon.js';
import { datadogDocument } from '../support/profile-documents.js';
import { waitFor } from '../support/wait-for.js';

/** An IdleCollection whose "later" turns run only when the test says, recording each collection and what was running then. */
function cranked() {
  const turns: (() => void)[] = [];
  const collected: number[] = [];
  let running = 0;
  const idle = new IdleCollection(
    () => collected.push(running),
    (callback) => turns.push(callback),
  );
  const runTurns = () => {
    for (const turn of turns.splice(0)) turn();
  };
  /** A pass the test finishes by hand. */
  const pass = () => {
    let finish!: (value: string) => void;
    let fail!: (err: Error) => void;
    const done = idle.around(() => {
      running += 1;
      return new Promise<string>((resolve, reject) => {
        finish = (value) => {
          running -= 1;
          resolve(value);
        };
        fail = (err) => {
          running -= 1;
          reject(err);
        };
      });
    });
    return { done, finish: (value = 'ok') => finish(value), fail: (err: Error) => fail(err) };
  };
  return { idle, turns, collected, runTurns, pass };
}

describe('IdleCollection', () => {
  it('collects once, on a later turn, after a pass has ended; passes its result through', async () => {
    const c = cranked();
    const p = c.pass();
    expect(c.turns).toHaveLength(0);
    p.finish('report');
    expect(await p.done).toBe('report');
    expect(c.collected).toEqual([]); // not in the pass's own turn
    expect(c.turns).toHaveLength(1);
    c.runTurns();
    expect(c.collected).toEqual([0]);
    expect(c.idle.collections).toBe(1);
    expect(c.idle.lastCollectionMs).toBeGreaterThanOrEqual(0);
  });

  it('waits for the last of overlapping passes, and collects once for all of them', async () => {
    const c = cranked();
    const a = c.pass();
    const b = c.pass();
    a.finish();
    await a.done;
    expect(c.turns).toHaveLength(0); // b still runs
    b.finish();
    await b.done;
    c.runTurns();
    expect(c.collected).toEqual([0]);
  });

  it('skips the turn when a pass has started before it, and collects after that pass', async () => {
    const c = cranked();
    const a = c.pass();
    a.finish();
    await a.done;
    const b = c.pass(); // a watch event's pass, started before the turn came
    c.runTurns();
    expect(c.collected).toEqual([]);
    b.finish();
    await b.done;
    c.runTurns();
    expect(c.collected).toEqual([0]);
  });

  it('a pass that fails still ends (and is collected after); its error reaches the caller', async () => {
    const c = cranked();
    const p = c.pass();
    p.fail(new Error('pass crashed'));
    await expect(p.done).rejects.toThrow('pass crashed');
    c.runTurns();
    expect(c.collected).toEqual([0]);
  });

  it('a collector that throws costs nothing but the collection; settled() still resolves', async () => {
    const idle = new IdleCollection(() => {
      throw new Error('no gc here');
    });
    await idle.around(async () => 'done');
    await idle.settled();
    expect(idle.collections).toBe(0);
    await idle.settled(); // nothing scheduled: resolves at once
  });

  it("with V8's collector, empties the young generation once the pass is over", async () => {
    const young = () => v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')!.space_used_size;
    const idle = new IdleCollection();
    const kept: object[] = [];
    await idle.around(async () => {
      // A pass's garbage: about 4 MB of small objects, a few kept alive.
      for (let i = 0; i < 100_000; i++) {
        const o = { name: `profile-${i}`, values: [i, i + 1] };
        if (i % 1000 === 0) kept.push(o);
      }
    });
    const before = young();
    await idle.settled();
    expect(idle.collections).toBe(1);
    expect(young()).toBeLessThan(before);
    expect(young()).toBeLessThan(512 * 1024);
    expect(kept).toHaveLength(100);
  });
});

describe('the daemon', () => {
  it('collects its young generation after its passes, never while one runs', async () => {
    const emu = await startTestEmulator({ seed: { secrets: [{ name: 'dd', secretString: JSON.stringify({ apiKey: 'SENTINEL-SECRET-idle-a', applicationKey: 'SENTINEL-SECRET-idle-b' }) }] } });
    const work = await testWorkDir('daemon-idle-collection-');
    const profiles = join(work, 'profiles');
    await mkdir(profiles);
    await writeFile(join(profiles, 'idle-a.json'), JSON.stringify(datadogDocument('idle-a')));
    let daemonBusy: () => boolean = () => false;
    const busyAtCollection: boolean[] = [];
    const idle = new IdleCollection(() => busyAtCollection.push(daemonBusy()));

    const d = await startTestDaemon(emu, { profilesDir: profiles, stateDir: join(work, 'state'), logger: capturedLogger({ level: 'silent' }).logger, idleCollection: idle });
    daemonBusy = () => d.daemon.status().reconciling;
    await waitFor(() => d.daemon.status().lastReconcile, 15_000);
    await d.daemon.whenIdle();
    await idle.settled();
    expect(d.daemon.status().profiles.map((p) => [p.name, p.condition])).toEqual([['idle-a', 'Ready']]);
    expect(idle.collections).toBeGreaterThanOrEqual(1);

    const after = idle.collections;
    d.daemon.requestReconcile('resync');
    await d.daemon.whenIdle();
    await idle.settled();
    expect(idle.collections).toBe(after + 1);
    expect(busyAtCollection).not.toContain(true);
  }, 60_000);
});
