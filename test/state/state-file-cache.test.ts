// The file store keeps what it last parsed and hands a copy of it to a load whose stat shows the
// very file it read (settled then; src/model/file-identity.ts). These tests prove the copy is never
// stale: every other version of the file (another writer, a rename over it, an in-place rewrite of
// the same size, a write within the racy window, a deleted, corrupt or unreadable file) is read.
// Real files; the clock is moved instead of waiting (`later`: every file looks settled).
import { mkdir, mkdtemp, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RACY_WINDOW_MS } from '../../src/model/file-identity.js';
import { stateDigest } from '../../src/model/json-digest.js';
import type { StateSnapshot } from '../../src/model/types.js';
import { createFileStateStore, emptyTargetState } from '../../src/state/file-state-store.js';
import { serializeSnapshot } from '../../src/state/state-shape.js';

// Counts the reads of state files (the store reads with fs/promises' readFile); behaviour unchanged.
const reads = vi.hoisted(() => ({ count: 0 }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...fs,
    readFile: (...args: Parameters<typeof fs.readFile>) => {
      if (typeof args[0] === 'string' && args[0].endsWith('state.json')) reads.count += 1;
      return fs.readFile(...args);
    },
  };
});

const TARGET = 'us-east-1/default';
/** A clock this far ahead makes every file in the test look settled (written long before the stat). */
const later = () => new Date(Date.now() + 10 * RACY_WINDOW_MS);

function snapshotWith(url: string, extra: Record<string, unknown> = {}): StateSnapshot {
  const target = emptyTargetState();
  target.profiles.sales = { name: 'sales', origin: 'created', connectorType: 'Salesforce', sourceFile: url, lastAppliedAt: '2026-01-01T00:00:00.000Z', ...extra };
  target.intents.sales = { operation: 'update', name: 'sales', clientToken: 'token-1', requestDigest: 'cd'.repeat(32), createdAt: '2026-01-01T00:00:00.000Z' };
  return { formatVersion: 1, targets: { [TARGET]: target } };
}

let dir: string;
let statePath: string;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'afg-state-cache-')), 'state');
  statePath = join(dir, 'state.json');
  await mkdir(dir, { recursive: true });
  reads.count = 0;
});
afterEach(async () => {
  await rm(join(dir, '..'), { recursive: true, force: true });
});

describe('the file store keeps its last parse', () => {
  it('reads a settled, unchanged file once; each load gets its own copy and the digest of it', async () => {
    await writeFile(statePath, serializeSnapshot(snapshotWith('a.yaml')));
    const store = createFileStateStore(dir, { now: later, keepLastParse: true });
    const first = await store.load();
    first.state.targets[TARGET]!.profiles.sales!.sourceFile = 'changed-by-the-pass.yaml';
    delete first.state.targets[TARGET]!.intents.sales;
    const second = await store.load();
    const third = await store.load();
    expect(reads.count).toBe(1);
    expect(second.state).toEqual(snapshotWith('a.yaml'));
    expect(second.state).not.toBe(third.state);
    expect(second.state.targets[TARGET]!.profiles.sales).not.toBe(third.state.targets[TARGET]!.profiles.sales);
    // Names keep working as plain keys in the copies (no prototype), as in a parsed snapshot.
    expect(Object.getPrototypeOf(second.state.targets[TARGET]!.profiles)).toBeNull();
    expect(Object.getPrototypeOf(second.state.targets[TARGET]!.intents)).toBeNull();
    expect(second.digest).toBe(stateDigest(second.state));
    expect(first.digest).toBe(second.digest);
    expect(second.warnings).toEqual([]);
    // The snapshot as loaded, held by the store: untouched by what the first pass changed in its copy.
    expect(first.original).toEqual(snapshotWith('a.yaml'));
    expect(second.original).toBe(first.original);
    expect(second.original).not.toBe(second.state);
    expect(second.original!.targets[TARGET]!.profiles).not.toBe(second.state.targets[TARGET]!.profiles);
  });

  it('copies records exactly, an own `__proto__` key and nested values included (the same JSON, nothing shared)', async () => {
    const text = serializeSnapshot(snapshotWith('a.yaml', { lifecycle: { preventDestroy: true, extra: { deep: [1, { two: 2 }] } } })).replace(
      '"name": "sales",',
      '"name": "sales", "__proto__": { "polluted": true }, "constructor": "x",',
    );
    await writeFile(statePath, text);
    const store = createFileStateStore(dir, { now: later, keepLastParse: true });
    const first = await store.load();
    const second = await store.load();
    expect(reads.count).toBe(1);
    const record = second.state.targets[TARGET]!.profiles.sales! as unknown as Record<string, unknown>;
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(Object.keys(record)).toContain('__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(second.state)).toBe(JSON.stringify(JSON.parse(text)));
    expect(JSON.stringify(second.state)).toBe(JSON.stringify(first.state));
    const lifecycle = (second.state.targets[TARGET]!.profiles.sales!.lifecycle as Record<string, unknown>);
    expect(lifecycle).not.toBe(first.state.targets[TARGET]!.profiles.sales!.lifecycle);
    expect(lifecycle.extra).not.toBe((first.state.targets[TARGET]!.profiles.sales!.lifecycle as Record<string, unknown>).extra);
    expect(second.digest).toBe(stateDigest(second.state));
  });

  it('reads the file again after another writer renamed a new one over it, even with the same size and times', async () => {
    await writeFile(statePath, serializeSnapshot(snapshotWith('a.yaml')));
    const store = createFileStateStore(dir, { now: later, keepLastParse: true });
    await store.load();
    const before = await stat(statePath);
    await writeFile(`${statePath}.tmp`, serializeSnapshot(snapshotWith('b.yaml')));
    await utimes(`${statePath}.tmp`, before.atime, before.mtime);
    await rename(`${statePath}.tmp`, statePath);
    const { state, digest } = await store.load();
    expect(reads.count).toBe(2);
    expect(state).toEqual(snapshotWith('b.yaml'));
    expect(digest).toBe(stateDigest(state));
  });

  it('reads the file again after another process saved it (a CLI apply between two daemon passes)', async () => {
    const daemon = createFileStateStore(dir, { now: later, keepLastParse: true });
    await createFileStateStore(dir).save(snapshotWith('a.yaml'));
    expect((await daemon.load()).state).toEqual(snapshotWith('a.yaml'));
    await createFileStateStore(dir).save(snapshotWith('b.yaml'));
    expect((await daemon.load()).state).toEqual(snapshotWith('b.yaml'));
    expect(reads.count).toBe(2);
  });

  it('reads the file again after an in-place rewrite of the same size with the modification time put back', async () => {
    await writeFile(statePath, serializeSnapshot(snapshotWith('a.yaml')));
    const store = createFileStateStore(dir, { now: later, keepLastParse: true });
    await store.load();
    const before = await stat(statePath);
    await writeFile(statePath, serializeSnapshot(snapshotWith('b.yaml')));
    await utimes(statePath, before.atime, before.mtime);
    expect((await stat(statePath)).size).toBe(before.size);
    expect((await store.load()).state).toEqual(snapshotWith('b.yaml'));
  });

  it('reads a file written within the racy window before its stat every time (a same-second rewrite is seen)', async () => {
    // The real clock: the file was written just now, so a write in the same timestamp granule could follow unseen.
    await writeFile(statePath, serializeSnapshot(snapshotWith('a.yaml')));
    const store = createFileStateStore(dir, { keepLastParse: true });
    const first = await store.load();
    expect(first.digest).toBeUndefined();
    expect(first.original).toBeUndefined();
    await writeFile(statePath, serializeSnapshot(snapshotWith('b.yaml')));
    expect((await store.load()).state).toEqual(snapshotWith('b.yaml'));
    expect(reads.count).toBe(2);
  });

  it('gives an empty snapshot once the file is deleted, and a kept-aside warning for a corrupt one', async () => {
    await writeFile(statePath, serializeSnapshot(snapshotWith('a.yaml')));
    const store = createFileStateStore(dir, { now: later, keepLastParse: true });
    await store.load();
    await rm(statePath);
    expect(await store.load()).toEqual({ state: { formatVersion: 1, targets: {} }, warnings: [] });

    await writeFile(statePath, serializeSnapshot(snapshotWith('a.yaml')));
    await store.load();
    await writeFile(statePath, '{"formatVersion": 1, "targets": {');
    const corrupt = await store.load();
    expect(corrupt.state).toEqual({ formatVersion: 1, targets: {} });
    expect(corrupt.digest).toBeUndefined();
    expect(corrupt.warnings).toHaveLength(1);
    expect(corrupt.warnings[0]).toMatch(/is unreadable \(not valid JSON.*\); kept it as .*state\.json\.corrupt-/);
    expect((await readdir(dir)).filter((name) => name.startsWith('state.json.corrupt-'))).toHaveLength(1);
  });

  it('throws as before when the path stops being a readable file', async () => {
    await writeFile(statePath, serializeSnapshot(snapshotWith('a.yaml')));
    const store = createFileStateStore(dir, { now: later, keepLastParse: true });
    await store.load();
    await rm(statePath);
    await mkdir(statePath);
    await expect(store.load()).rejects.toThrow(/^cannot read state file .*\(EISDIR\)/);
  });

  it('returns the warnings of dropped records with every load, read or kept', async () => {
    const text = serializeSnapshot(snapshotWith('a.yaml')).replace('"origin": "created"', '"origin": "stolen"');
    await writeFile(statePath, text);
    const store = createFileStateStore(dir, { now: later, keepLastParse: true });
    const first = await store.load();
    const second = await store.load();
    expect(reads.count).toBe(1);
    expect(first.warnings).toEqual([`state: dropped inventory record "sales" of target ${TARGET}: origin is not created|adopted|imported`]);
    expect(second.warnings).toEqual(first.warnings);
    expect(second.state.targets[TARGET]!.profiles).toEqual({});
  });

  it('reads what its own save wrote, and a save that failed half-way leaves the file to be read as it is', async () => {
    const store = createFileStateStore(dir, { now: later, keepLastParse: true });
    await store.save(snapshotWith('a.yaml'));
    expect((await store.load()).state).toEqual(snapshotWith('a.yaml'));
    await store.save(snapshotWith('b.yaml'));
    expect((await store.load()).state).toEqual(snapshotWith('b.yaml'));
    // A save that fails (the directory is briefly not one) leaves the file as it was: read again.
    await rename(dir, `${dir}.away`);
    await writeFile(dir, 'not a directory');
    await expect(store.save(snapshotWith('c.yaml'))).rejects.toThrow();
    await rm(dir);
    await rename(`${dir}.away`, dir);
    expect((await store.load()).state).toEqual(snapshotWith('b.yaml'));
    expect(reads.count).toBe(3);
  });
  it('keeps nothing for a store not asked to (a one-shot command): every load reads the file, and no digest comes with it', async () => {
    await writeFile(statePath, serializeSnapshot(snapshotWith('a.yaml')));
    const store = createFileStateStore(dir, { now: later });
    const first = await store.load();
    const second = await store.load();
    expect(reads.count).toBe(2);
    expect(first.digest).toBeUndefined();
    expect(first.original).toBeUndefined();
    expect(second.digest).toBeUndefined();
    expect(second.state).toEqual(first.state);
    expect(second.state).not.toBe(first.state);
  });
});
