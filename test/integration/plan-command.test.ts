// The plan command's own decisions, in process: colour, and reading state and key without writing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fingerprintKey, readStateReadOnly, useColor } from '../../src/cli/commands/plan.js';
import { createFileStateStore, emptySnapshot, KEY_FILE, STATE_FILE } from '../../src/state/file-state-store.js';
import type { TargetState } from '../../src/model/types.js';
import { removeDir, tempDir } from './plan-helpers.js';

describe('useColor', () => {
  it.each([
    { flag: true, tty: true, env: {}, expected: true },
    { flag: false, tty: true, env: {}, expected: false },
    { flag: true, tty: false, env: {}, expected: false },
    { flag: true, tty: true, env: { NO_COLOR: '1' }, expected: false },
    { flag: true, tty: true, env: { NO_COLOR: '' }, expected: true },
  ])('flag=$flag tty=$tty env=$env → $expected', ({ flag, tty, env, expected }) => {
    expect(useColor(flag, { isTTY: tty }, env)).toBe(expected);
  });
});

describe('fingerprintKey (read-only)', () => {
  let dir: string;
  const stored: TargetState = {
    profiles: { a: { name: 'a', origin: 'created', connectorType: 'Datadog', credentialsFingerprint: 'f'.repeat(64) } },
    intents: {},
  };
  beforeEach(async () => {
    dir = await tempDir('plan-key-');
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('without a key file: a throwaway key, fingerprints treated as unknown, a warning, and nothing written', async () => {
    const stateDir = join(dir, 'state');
    const result = await fingerprintKey(stateDir, stored);
    expect(result.hmacKey).toHaveLength(32);
    expect(result.state.profiles.a!.credentialsFingerprint).toBeUndefined();
    expect(stored.profiles.a!.credentialsFingerprint).toBe('f'.repeat(64)); // the input is not mutated
    expect(result.warning).toMatch(/fingerprint key .* is missing/);
    expect(existsSync(stateDir)).toBe(false);
  });

  it('without a key file and without fingerprints: no warning', async () => {
    const result = await fingerprintKey(join(dir, 'state'), { profiles: {}, intents: {} });
    expect(result.warning).toBeUndefined();
  });

  it('with the key file the state store created: the same key and the stored fingerprints', async () => {
    const store = createFileStateStore(dir);
    const key = await store.hmacKey();
    expect(existsSync(join(dir, KEY_FILE))).toBe(true);
    const result = await fingerprintKey(dir, stored);
    expect(result.hmacKey.equals(key)).toBe(true);
    expect(result.state).toBe(stored);
    expect(result.warning).toBeUndefined();
  });

  it('a corrupt key file is left alone: throwaway key and a warning', async () => {
    await writeFile(join(dir, KEY_FILE), 'not-a-key\n');
    const result = await fingerprintKey(dir, stored);
    expect(result.warning).toMatch(/is not a valid key/);
    expect(readFileSync(join(dir, KEY_FILE), 'utf8')).toBe('not-a-key\n');
  });
});

describe('readStateReadOnly', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir('plan-state-');
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('reads what the state store saved', async () => {
    const store = createFileStateStore(dir);
    const snapshot = emptySnapshot();
    snapshot.targets['us-east-1/default'] = { profiles: { a: { name: 'a', origin: 'adopted', connectorType: 'Datadog' } }, intents: {} };
    await store.save(snapshot);
    const { snapshot: read, warnings } = await readStateReadOnly(dir);
    expect(read.targets['us-east-1/default']!.profiles.a!.origin).toBe('adopted');
    expect(warnings).toEqual([]);
  });

  it('a missing state directory is empty state without a warning', async () => {
    expect(await readStateReadOnly(join(dir, 'nope'))).toEqual({ snapshot: emptySnapshot(), warnings: [] });
  });

  it('a corrupt state file gives empty state and a warning, and is not moved or rewritten', async () => {
    await writeFile(join(dir, STATE_FILE), '{ corrupt');
    const { snapshot, warnings } = await readStateReadOnly(dir);
    expect(snapshot).toEqual(emptySnapshot());
    expect(warnings[0]).toMatch(/unreadable .*planning from empty state/);
    expect(readdirSync(dir)).toEqual([STATE_FILE]);
    expect(readFileSync(join(dir, STATE_FILE), 'utf8')).toBe('{ corrupt');
  });
});
