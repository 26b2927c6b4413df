// The plan command's own decisions, in process: colour, and the fingerprint key it never creates.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fingerprintKey, useColor } from '../../src/cli/commands/plan.js';
import { createFileStateStore, KEY_FILE } from '../../src/state/file-state-store.js';
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

describe('fingerprintKey', () => {
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
    let read = 0;
    const result = await fingerprintKey(stateDir, stored, async () => {
      read += 1;
      return Buffer.alloc(32);
    });
    expect(read).toBe(0);
    expect(result.hmacKey).toHaveLength(32);
    expect(result.state.profiles.a!.credentialsFingerprint).toBeUndefined();
    expect(stored.profiles.a!.credentialsFingerprint).toBe('f'.repeat(64)); // the input is not mutated
    expect(result.warning).toMatch(/fingerprint key .* is missing/);
    expect(existsSync(stateDir)).toBe(false);
  });

  it('without a key file and without fingerprints: no warning', async () => {
    const result = await fingerprintKey(join(dir, 'state'), { profiles: {}, intents: {} }, async () => Buffer.alloc(32));
    expect(result.warning).toBeUndefined();
  });

  it('with a key file: the stored key and the stored fingerprints', async () => {
    const store = createFileStateStore(dir);
    const key = await store.hmacKey();
    expect(existsSync(join(dir, KEY_FILE))).toBe(true);
    const result = await fingerprintKey(dir, stored, () => store.hmacKey());
    expect(result.hmacKey.equals(key)).toBe(true);
    expect(result.state).toBe(stored);
    expect(result.warning).toBeUndefined();
  });
});
