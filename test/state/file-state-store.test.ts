import { mkdir, mkdtemp, readFile, readdir, rm, stat, utimes, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sensitive } from '../../src/model/sensitive.js';
import type { StateSnapshot } from '../../src/model/types.js';
import { createFileStateStore, emptyTargetState, StateUnreadableError } from '../../src/state/file-state-store.js';

const TARGET = 'us-east-1/default';

function sampleState(): StateSnapshot {
  const target = emptyTargetState();
  target.profiles.sales = {
    name: 'sales',
    origin: 'created',
    connectorType: 'Salesforce',
    credentialsFingerprint: 'ab'.repeat(32),
    sourceFile: 'sales.yaml',
    lastAppliedAt: '2026-01-01T00:00:00.000Z',
  };
  target.intents.sales = {
    operation: 'update',
    name: 'sales',
    clientToken: 'token-1',
    requestDigest: 'cd'.repeat(32),
    createdAt: '2026-01-01T00:00:00.000Z',
  };
  return { formatVersion: 1, targets: { [TARGET]: target } };
}

let dir: string;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'afg-state-')), 'state');
});
afterEach(async () => {
  await rm(join(dir, '..'), { recursive: true, force: true });
});

describe('load', () => {
  it('throws one line naming the file when state.json exists but cannot be read (EISDIR), and moves nothing aside', async () => {
    await mkdir(join(dir, 'state.json'), { recursive: true });
    const error = await createFileStateStore(dir).load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateUnreadableError);
    expect((error as Error).message).toMatch(new RegExp(`^cannot read state file ${join(dir, 'state.json')} \\(EISDIR\\); nothing was planned or saved\\.`));
    expect((error as Error).message).not.toContain('\n');
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('gives an empty snapshot and no warning on first run, without creating anything', async () => {
    const { state, warnings } = await createFileStateStore(dir).load();
    expect(state).toEqual({ formatVersion: 1, targets: {} });
    expect(warnings).toEqual([]);
    await expect(stat(dir)).rejects.toThrow();
  });

  it('round-trips a snapshot through save and load', async () => {
    const store = createFileStateStore(dir);
    await store.save(sampleState());
    const { state, warnings } = await createFileStateStore(dir).load();
    expect(warnings).toEqual([]);
    expect(state).toEqual(sampleState());
    const text = await readFile(join(dir, 'state.json'), 'utf8');
    expect(JSON.parse(text).formatVersion).toBe(1);
  });

  it('keeps a truncated state file aside and warns, never throws', async () => {
    const store = createFileStateStore(dir);
    await store.save(sampleState());
    const full = await readFile(join(dir, 'state.json'), 'utf8');
    await writeFile(join(dir, 'state.json'), full.slice(0, Math.floor(full.length / 2)));
    const { state, warnings } = await store.load();
    expect(state.targets).toEqual({});
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/unreadable \(not valid JSON/);
    expect(warnings[0]).toMatch(/Nothing will be deleted/);
    const files = await readdir(dir);
    const aside = files.find((f) => f.startsWith('state.json.corrupt-'));
    expect(aside).toBeDefined();
    expect(await readFile(join(dir, aside!), 'utf8')).toBe(full.slice(0, Math.floor(full.length / 2)));
    expect(files).not.toContain('state.json');
  });

  it.each([
    ['garbage text', 'garbage SENTINEL-STATE-CONTENT\nsecond line\n'],
    ['a syntax error mid-file', '{"formatVersion": 1,\n  "SENTINEL-STATE-CONTENT": ,\n}'],
  ])('reports %s in one line without quoting the file', async (_label, text) => {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'state.json'), text);
    const { warnings } = await createFileStateStore(dir).load();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/unreadable \(not valid JSON/);
    expect(warnings[0]).not.toContain('\n');
    expect(warnings[0]).not.toContain('SENTINEL');
    expect(warnings[0]).not.toContain('garbage');
  });

  it('locates a JSON syntax error by line and column', async () => {
    await mkdir(dir, { recursive: true });
    // Line 3, column 13 is the stray comma after "origin":.
    await writeFile(join(dir, 'state.json'), '{\n  "formatVersion": 1,\n  "origin": , "targets": {}\n}\n');
    const { warnings } = await createFileStateStore(dir).load();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/unreadable \(not valid JSON at line 3, column 13\)/);
  });

  it.each([
    ['a newer format version', JSON.stringify({ formatVersion: 2, targets: {} }), /unsupported formatVersion 2/],
    ['no format version', JSON.stringify({ targets: {} }), /unsupported formatVersion undefined/],
    ['an array', '[]', /not a JSON object/],
    ['targets not an object', JSON.stringify({ formatVersion: 1, targets: [] }), /targets is missing/],
    ['a target with a bad profiles map', JSON.stringify({ formatVersion: 1, targets: { t: { profiles: 3 } } }), /profiles is not an object/],
  ])('rejects %s with a warning and an empty snapshot', async (_label, text, pattern) => {
    await createFileStateStore(dir).save(sampleState());
    await writeFile(join(dir, 'state.json'), text);
    const { state, warnings } = await createFileStateStore(dir).load();
    expect(state).toEqual({ formatVersion: 1, targets: {} });
    expect(warnings.join('\n')).toMatch(pattern);
  });

  it('drops a single malformed record with a warning and keeps the rest', async () => {
    const good = sampleState();
    const raw = JSON.parse(JSON.stringify(good));
    raw.targets[TARGET].profiles.broken = { name: 'broken', origin: 'stolen', connectorType: 'Salesforce' };
    raw.targets[TARGET].intents.bad = { operation: 'create', name: 'bad' };
    await createFileStateStore(dir).save(good);
    await writeFile(join(dir, 'state.json'), JSON.stringify(raw));
    const { state, warnings } = await createFileStateStore(dir).load();
    expect(Object.keys(state.targets[TARGET]!.profiles)).toEqual(['sales']);
    expect(Object.keys(state.targets[TARGET]!.intents)).toEqual(['sales']);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/dropped inventory record "broken".*origin/);
    expect(warnings[1]).toMatch(/dropped pending write intent "bad".*clientToken/);
  });

  it('ignores a temp file left by a crash between write and rename', async () => {
    const store = createFileStateStore(dir);
    await store.save(sampleState());
    // The crash wrote half of the next state into a temp file and never renamed it.
    await writeFile(join(dir, `state.json.tmp-99999-deadbeef`), '{"formatVersion": 1, "targ');
    const { state, warnings } = await createFileStateStore(dir).load();
    expect(warnings).toEqual([]);
    expect(state).toEqual(sampleState());
  });
});

describe('save', () => {
  it('removes temp files a crash left behind once they are ten minutes old, and keeps younger ones', async () => {
    await mkdir(dir, { recursive: true });
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
    const old = join(dir, 'state.json.tmp-11111-0ld0ld00');
    const young = join(dir, 'state.json.tmp-22222-y0un6000');
    await writeFile(old, '{"formatVersion": 1, "targ');
    await writeFile(young, '{"formatVersion": 1, "targ');
    // Mtimes in the past instead of waiting: 10 min 30 s and 9 min 30 s.
    await utimes(old, minutesAgo(10.5), minutesAgo(10.5));
    await utimes(young, minutesAgo(9.5), minutesAgo(9.5));
    await createFileStateStore(dir).save(sampleState());
    const files = await readdir(dir);
    expect(files).not.toContain('state.json.tmp-11111-0ld0ld00');
    // A younger one may belong to a writer still running (another process on a shared volume).
    expect(files).toContain('state.json.tmp-22222-y0un6000');
  });

  it('creates the directory 0700 and the file 0600, and leaves no temp file', async () => {
    await createFileStateStore(dir).save(sampleState());
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'state.json'))).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('replaces the file atomically: the inode changes, the old content is never appended to', async () => {
    const store = createFileStateStore(dir);
    await store.save(sampleState());
    const before = await stat(join(dir, 'state.json'));
    const next = sampleState();
    delete next.targets[TARGET]!.intents.sales;
    await store.save(next);
    const after = await stat(join(dir, 'state.json'));
    expect(after.ino).not.toBe(before.ino);
    expect((await store.load()).state).toEqual(next);
  });

  it('applies concurrent saves in call order', async () => {
    const store = createFileStateStore(dir);
    const states = Array.from({ length: 10 }, (_, i) => {
      const s = sampleState();
      s.targets[TARGET]!.profiles.sales!.lastAppliedAt = `2026-01-01T00:00:0${i}.000Z`;
      return s;
    });
    await Promise.all(states.map((s) => store.save(s)));
    const { state } = await store.load();
    expect(state.targets[TARGET]!.profiles.sales!.lastAppliedAt).toBe('2026-01-01T00:00:09.000Z');
  });

  it('writes what was passed at call time, not later mutations', async () => {
    const store = createFileStateStore(dir);
    const s = sampleState();
    const pending = store.save(s);
    s.targets[TARGET]!.profiles.sales!.origin = 'adopted';
    await pending;
    expect((await store.load()).state.targets[TARGET]!.profiles.sales!.origin).toBe('created');
  });

  it('never writes a secret: a Sensitive box serialises as [REDACTED]', async () => {
    const sentinel = 'SENTINEL-SECRET-state-7f3a';
    const s = sampleState() as unknown as { targets: Record<string, { profiles: Record<string, Record<string, unknown>> }> };
    // A careless caller puts the resolved credentials into a record.
    s.targets[TARGET]!.profiles.sales!.credentials = new Sensitive({ password: sentinel });
    const store = createFileStateStore(dir);
    await store.save(s as unknown as StateSnapshot);
    await store.hmacKey();
    for (const file of await readdir(dir)) {
      const content = await readFile(join(dir, file), 'utf8');
      expect(content).not.toContain(sentinel);
    }
    expect(await readFile(join(dir, 'state.json'), 'utf8')).toContain('[REDACTED]');
  });
});

describe('hmacKey', () => {
  it('creates a 32-byte key with mode 0600 once and reuses it across stores', async () => {
    const key = await createFileStateStore(dir).hmacKey();
    expect(key).toHaveLength(32);
    expect((await stat(join(dir, 'fingerprint.key'))).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const again = await createFileStateStore(dir).hmacKey();
    expect(again.equals(key)).toBe(true);
  });

  it('gives one key to concurrent first users', async () => {
    const keys = await Promise.all(Array.from({ length: 5 }, () => createFileStateStore(dir).hmacKey()));
    for (const key of keys) expect(key.equals(keys[0]!)).toBe(true);
    expect((await readdir(dir)).filter((f) => f.startsWith('fingerprint.key'))).toEqual(['fingerprint.key']);
  });

  it('regenerates a short key, keeps the old one aside and warns via the next load', async () => {
    const first = createFileStateStore(dir);
    const original = await first.hmacKey();
    await writeFile(join(dir, 'fingerprint.key'), 'abc123\n');
    const store = createFileStateStore(dir);
    const key = await store.hmacKey();
    expect(key).toHaveLength(32);
    expect(key.equals(original)).toBe(false);
    const { warnings } = await store.load();
    expect(warnings.join('\n')).toMatch(/not a valid key.*re-sent once/);
    expect((await readdir(dir)).some((f) => f.startsWith('fingerprint.key.corrupt-'))).toBe(true);
    expect((await store.load()).warnings).toEqual([]);
  });

  it('tightens a key file readable by others and reports it through onWarning', async () => {
    await createFileStateStore(dir).hmacKey();
    await chmod(join(dir, 'fingerprint.key'), 0o644);
    const messages: string[] = [];
    await createFileStateStore(dir, { onWarning: (m) => messages.push(m) }).hmacKey();
    expect((await stat(join(dir, 'fingerprint.key'))).mode & 0o777).toBe(0o600);
    expect(messages.join('\n')).toMatch(/restricted it to 0600/);
  });
});
