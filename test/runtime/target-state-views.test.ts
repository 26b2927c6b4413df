// The fleet's one state.json: each target's pass loads the whole snapshot at its start and saves
// after every write. Through its view a target saves only its own entry, so two targets writing
// at the same time lose nothing; saving whole snapshots (the control) does lose writes.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stateDigest } from '../../src/model/json-digest.js';
import type { StateSnapshot, StateStore } from '../../src/model/types.js';
import { targetStateViews } from '../../src/runtime/target-state-views.js';
import { createFileStateStore, emptyTargetState, type FileStateStore } from '../../src/state/file-state-store.js';

const KEYS = ['111111111111/us-east-1@local', '222222222222/eu-west-1@local'];
const WRITES = 40;

let dir: string;
let store: FileStateStore;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'afg-views-')), 'state');
  store = createFileStateStore(dir, { lock: true });
});
afterEach(async () => {
  await store.release();
  await rm(join(dir, '..'), { recursive: true, force: true });
});

/** One target's pass: the snapshot it loaded at its start, then a save after each of its writes, all in flight at once. */
async function pass(through: StateStore, key: string, snapshot: StateSnapshot): Promise<void> {
  const mine = (snapshot.targets[key] ??= emptyTargetState());
  await Promise.all(
    Array.from({ length: WRITES }, async (_, i) => {
      await Promise.resolve();
      mine.profiles[`p${i}`] = { name: `p${i}`, origin: 'created', connectorType: 'Datadog', lastAppliedAt: new Date(0).toISOString() };
      await through.save(snapshot);
    }),
  );
}

async function saved(): Promise<Record<string, string[]>> {
  const json = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as StateSnapshot;
  return Object.fromEntries(Object.entries(json.targets).map(([key, t]) => [key, Object.keys(t.profiles).sort()]));
}

const every = Array.from({ length: WRITES }, (_, i) => `p${i}`).sort();

describe('per-target state views', () => {
  it('two targets saving concurrently into one state.json lose nothing', async () => {
    const views = targetStateViews(store);
    const stores = KEYS.map((key) => views.forTarget(() => key));
    // Both passes have loaded before either saves, as two targets' passes side by side do.
    const loaded = await Promise.all(stores.map(async (s) => (await s.load()).state));
    await Promise.all(KEYS.map((key, i) => pass(stores[i]!, key, loaded[i]!)));
    expect(await saved()).toEqual({ [KEYS[0]!]: every, [KEYS[1]!]: every });
  });

  it('keeps what other processes of the fleet saved before (another target, untouched)', async () => {
    const before = { formatVersion: 1 as const, targets: { 'other/key': emptyTargetState() } };
    await store.save(before);
    const views = targetStateViews(store);
    const view = views.forTarget(() => KEYS[0]!);
    await pass(view, KEYS[0]!, (await view.load()).state);
    expect(Object.keys((await saved()))).toEqual(['other/key', KEYS[0]]);
  });

  it('moves a pre-targets inventory to the first target that claims it, once; the next save drops the old key', async () => {
    const legacy = 'us-east-1/arn:aws:iam::111111111111:role/appflow-gitops';
    const old = emptyTargetState();
    old.profiles.kept = { name: 'kept', origin: 'created', connectorType: 'Datadog' };
    await store.save({ formatVersion: 1, targets: { [legacy]: old } });
    const views = targetStateViews(store);
    const first = views.forTarget(() => KEYS[0]!, [legacy]);
    const second = views.forTarget(() => KEYS[1]!, [legacy]);
    // Whichever pass loads first claims it (here `first`, by awaiting it first).
    const a = await first.load();
    const b = await second.load();
    expect(Object.keys(a.state.targets[KEYS[0]!]!.profiles)).toEqual(['kept']);
    expect(a.warnings).toEqual([`state: this target now keeps its inventory under ${KEYS[0]} (moved from ${legacy}, the key before targets)`]);
    // The second claimant finds it taken, even though the file still holds it.
    expect(b.state.targets[KEYS[1]!]).toBeUndefined();
    await first.save(a.state);
    expect(await saved()).toEqual({ [KEYS[0]!]: ['kept'] });
    expect((await second.load()).state.targets[KEYS[1]!]).toBeUndefined();
  });

  it('hands on the store\'s digest of the loaded snapshot only when the view did not change it (a moved legacy key)', async () => {
    const legacy = 'us-east-1/arn:aws:iam::111111111111:role/appflow-gitops';
    const old = emptyTargetState();
    old.profiles.kept = { name: 'kept', origin: 'created', connectorType: 'Datadog' };
    await store.save({ formatVersion: 1, targets: { [legacy]: old } });
    // A clock far ahead: the file looks settled, so the store keeps its parse and digest.
    const settledStore = createFileStateStore(dir, { now: () => new Date(Date.now() + 60_000), keepLastParse: true });
    expect((await settledStore.load()).digest).toBe(stateDigest({ formatVersion: 1, targets: { [legacy]: old } }));
    const views = targetStateViews(settledStore);
    const moved = await views.forTarget(() => KEYS[0]!, [legacy]).load();
    expect(Object.keys(moved.state.targets)).toEqual([KEYS[0]]);
    expect(moved.digest).toBeUndefined();
    const untouched = await views.forTarget(() => KEYS[1]!).load();
    expect(untouched.digest).toBe(stateDigest(untouched.state));
  });

  it('control: whole-snapshot saves from two passes overwrite each other (why the views exist)', async () => {
    const loaded = await Promise.all(KEYS.map(async () => (await store.load()).state));
    await Promise.all(KEYS.map((key, i) => pass(store, key, loaded[i]!)));
    const result = await saved();
    expect(Object.keys(result).length).toBeLessThan(2);
  });
});

describe('the fleet snapshot in memory', () => {
  /** The file store, counting its reads. */
  function counting(inner: StateStore): StateStore & { loads: number } {
    const counted = {
      loads: 0,
      load: () => {
        counted.loads += 1;
        return inner.load();
      },
      save: (snapshot: StateSnapshot) => inner.save(snapshot),
      hmacKey: () => inner.hmacKey(),
    };
    return counted;
  }

  it('reads state.json once, at the first save; every later save is one write and no read', async () => {
    const counted = counting(store);
    const views = targetStateViews(counted, undefined, { statePath: store.statePath });
    const stores = KEYS.map((key) => views.forTarget(() => key));
    const loaded = await Promise.all(stores.map(async (s) => (await s.load()).state));
    const loadsOfPasses = counted.loads;
    await Promise.all(KEYS.map((key, i) => pass(stores[i]!, key, loaded[i]!)));
    expect(counted.loads - loadsOfPasses).toBe(1);
    expect(await saved()).toEqual({ [KEYS[0]!]: every, [KEYS[1]!]: every });
  });

  it('a state file replaced by another process (the lock lost while paused) is read again before the next save, with a warning', async () => {
    const warnings: string[] = [];
    const views = targetStateViews(store, (message) => warnings.push(message), { statePath: store.statePath });
    const view = views.forTarget(() => KEYS[0]!);
    const mine = (await view.load()).state;
    await pass(view, KEYS[0]!, mine);
    // Another process, holding the lock after ours went stale, saves its own target's entry.
    const other = createFileStateStore(dir);
    const theirs = (await other.load()).state;
    theirs.targets['other/key'] = emptyTargetState();
    await other.save(theirs);
    await view.save(mine);
    expect(Object.keys(await saved()).sort()).toEqual([KEYS[0], 'other/key'].sort());
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('was changed by another process');
    // Our own save is no change from outside: the next one neither reads nor warns.
    await view.save(mine);
    expect(warnings).toHaveLength(1);
  });

  it('a failed save leaves the file as it was and the next save starts from the file', async () => {
    let fail = true;
    const flaky: StateStore = {
      load: () => store.load(),
      save: (snapshot) => (fail ? Promise.reject(new Error('disk full')) : store.save(snapshot)),
      hmacKey: () => store.hmacKey(),
    };
    const views = targetStateViews(flaky, undefined, { statePath: store.statePath });
    const [a, b] = KEYS.map((key) => views.forTarget(() => key));
    const first = (await a!.load()).state;
    first.targets[KEYS[0]!] = emptyTargetState();
    await expect(a!.save(first)).rejects.toThrow('disk full');
    fail = false;
    const second = (await b!.load()).state;
    second.targets[KEYS[1]!] = emptyTargetState();
    await b!.save(second);
    expect(Object.keys(await saved())).toEqual([KEYS[1]]);
  });
});
