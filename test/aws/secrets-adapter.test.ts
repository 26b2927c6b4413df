import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AwsAdapters } from '../../src/aws/ports.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { deepFreeze } from '../../src/model/deep-frozen.js';
import type { SecretReference } from '../../src/model/types.js';
import { resetEmulator, sdkConfigFor, startEmulatorHarness, type EmulatorHarness } from '../support/emulator-harness.js';
import { countCalls, secretRef } from './helpers.js';

const SECRET_COUNT = 45;
const sentinel = (i: number, key: string) => `SENTINEL-SECRET-${key}-${i}`;

let harness: EmulatorHarness | undefined;
let emu: RunningEmulator;
let aws: AwsAdapters;

beforeAll(async () => {
  harness = await startEmulatorHarness({
    seed: {
      secrets: [
        ...Array.from({ length: SECRET_COUNT }, (_, i) => ({
          name: `app/secret-${i}`,
          secretString: JSON.stringify({ user: sentinel(i, 'user'), password: sentinel(i, 'password') }),
        })),
        { name: 'plain-text', secretString: 'SENTINEL-SECRET-plain' },
        { name: 'rotated', secretString: JSON.stringify({ password: 'SENTINEL-SECRET-old' }) },
      ],
    },
  });
  ({ emulator: emu, adapters: aws } = harness);
  // A rotation: the old value becomes AWSPREVIOUS.
  emu.seed({ secrets: [{ name: 'rotated', secretString: JSON.stringify({ password: 'SENTINEL-SECRET-new' }) }] });
});
afterAll(async () => {
  await harness?.close();
});
beforeEach(() => resetEmulator(emu));

/** Three references (two keys, one duplicated) to each of the 45 secrets. */
function manyRefs(): SecretReference[] {
  return Array.from({ length: SECRET_COUNT }, (_, i) => [
    secretRef(`app/secret-${i}`, 'user'),
    secretRef(`app/secret-${i}`, 'password'),
    secretRef(`app/secret-${i}`, 'password'),
  ]).flat();
}

describe('resolve', () => {
  it('fetches each distinct secret once, with BatchGetSecretValue in chunks of 20', async () => {
    const refs = manyRefs();
    const resolved = await aws.secrets.resolve(refs);
    expect(resolved.size).toBe(SECRET_COUNT * 2);
    for (let i = 0; i < SECRET_COUNT; i += 1) {
      expect(resolved.get(secretRef(`app/secret-${i}`, 'user').raw)).toEqual({ ok: true, value: sentinel(i, 'user'), versionId: expect.any(String) });
      expect(resolved.get(secretRef(`app/secret-${i}`, 'password').raw)).toEqual({ ok: true, value: sentinel(i, 'password'), versionId: expect.any(String) });
    }
    const batches = emu.requestLog().filter((e) => e.operation === 'BatchGetSecretValue');
    expect(batches.map((e) => e.secretIds?.length)).toEqual([20, 20, 5]);
    const requested = batches.flatMap((e) => e.secretIds ?? []);
    expect(new Set(requested).size).toBe(requested.length);
    expect(countCalls(emu, 'GetSecretValue')).toBe(0);
  });

  it('falls back to one GetSecretValue per secret when BatchGetSecretValue is denied', async () => {
    emu.faults.failNext('BatchGetSecretValue', 1, { status: 400, code: 'AccessDeniedException', message: 'not allowed' });
    const resolved = await aws.secrets.resolve(manyRefs());
    expect([...resolved.values()].every((r) => r.ok)).toBe(true);
    expect(resolved.get(secretRef('app/secret-44', 'password').raw)).toEqual({ ok: true, value: sentinel(44, 'password'), versionId: expect.any(String) });
    // One failed batch call, then no further batch attempts in this resolve.
    expect(countCalls(emu, 'BatchGetSecretValue')).toBe(1);
    const singles = emu.requestLog().filter((e) => e.operation === 'GetSecretValue');
    expect(singles).toHaveLength(SECRET_COUNT);
  });

  it.each(['UnknownOperationException', 'ValidationException'])('falls back on %s from the batch call', async (code) => {
    emu.faults.failNext('BatchGetSecretValue', 1, { status: 400, code });
    const resolved = await aws.secrets.resolve([secretRef('app/secret-1', 'user'), secretRef('app/secret-2', 'user')]);
    expect(resolved.get(secretRef('app/secret-2', 'user').raw)).toEqual({ ok: true, value: sentinel(2, 'user'), versionId: expect.any(String) });
    expect(countCalls(emu, 'GetSecretValue')).toBe(2);
  });

  it('fails only the references to a missing secret, a missing key or a non-JSON secret', async () => {
    const good = secretRef('app/secret-3', 'password');
    const missingSecret = secretRef('does-not-exist', 'password');
    const missingKey = secretRef('app/secret-4', 'token');
    const notJson = secretRef('plain-text', 'password');
    const resolved = await aws.secrets.resolve([good, missingSecret, missingKey, notJson]);
    expect(resolved.get(good.raw)).toEqual({ ok: true, value: sentinel(3, 'password'), versionId: expect.any(String) });
    expect(resolved.get(missingSecret.raw)).toMatchObject({ ok: false, error: { code: 'secret.not-found' } });
    expect(resolved.get(missingKey.raw)).toMatchObject({ ok: false, error: { code: 'secret.key-missing' } });
    expect(resolved.get(notJson.raw)).toMatchObject({ ok: false, error: { code: 'secret.not-json' } });
    const messages = [missingSecret, missingKey, notJson].map((r) => {
      const lookup = resolved.get(r.raw)!;
      return lookup.ok ? '' : lookup.error.message;
    });
    expect(messages[0]).toMatch(/"does-not-exist" \(key "password"\) not found/);
    expect(messages[1]).toMatch(/"app\/secret-4" has no key "token"/);
    expect(messages[2]).toMatch(/"plain-text" is not a JSON object/);
    expect(messages.join('\n')).not.toContain('SENTINEL-SECRET');
    // The missing secret was answered inside the batch: no extra call for it.
    expect(countCalls(emu, 'BatchGetSecretValue')).toBe(1);
    expect(countCalls(emu, 'GetSecretValue')).toBe(0);
  });

  it('resolves an empty JSON key to the whole secret string', async () => {
    const whole = secretRef('plain-text', '');
    expect((await aws.secrets.resolve([whole])).get(whole.raw)).toEqual({ ok: true, value: 'SENTINEL-SECRET-plain', versionId: expect.any(String) });
  });

  it('fetches pinned versions with GetSecretValue, separately from the current version', async () => {
    const current = secretRef('rotated', 'password');
    const explicitCurrent = secretRef('rotated', 'password', { versionStage: 'AWSCURRENT' });
    const previous = secretRef('rotated', 'password', { versionStage: 'AWSPREVIOUS' });
    const resolved = await aws.secrets.resolve([current, explicitCurrent, previous]);
    expect(resolved.get(current.raw)).toEqual({ ok: true, value: 'SENTINEL-SECRET-new', versionId: expect.any(String) });
    expect(resolved.get(explicitCurrent.raw)).toEqual({ ok: true, value: 'SENTINEL-SECRET-new', versionId: expect.any(String) });
    expect(resolved.get(previous.raw)).toEqual({ ok: true, value: 'SENTINEL-SECRET-old', versionId: expect.any(String) });
    expect(countCalls(emu, 'BatchGetSecretValue')).toBe(1);
    const singles = emu.requestLog().filter((e) => e.operation === 'GetSecretValue');
    expect(singles).toHaveLength(1);
  });

  it('reports a missing pinned version as not found for that reference only', async () => {
    const pinned = secretRef('rotated', 'password', { versionId: '00000000-0000-0000-0000-000000000000' });
    const current = secretRef('rotated', 'password');
    const resolved = await aws.secrets.resolve([pinned, current]);
    expect(resolved.get(pinned.raw)).toMatchObject({ ok: false, error: { code: 'secret.not-found' } });
    expect(resolved.get(current.raw)).toEqual({ ok: true, value: 'SENTINEL-SECRET-new', versionId: expect.any(String) });
  });

  it('turns a batch call that keeps failing into errors for that chunk only, after the SDK retries', async () => {
    // 20 secrets in the first chunk fail (3 SDK attempts, all 500); the second chunk succeeds.
    emu.faults.failNext('BatchGetSecretValue', 3, { status: 500, code: 'InternalServiceError', message: 'boom' });
    const refs = Array.from({ length: 25 }, (_, i) => secretRef(`app/secret-${i}`, 'user'));
    const resolved = await aws.secrets.resolve(refs);
    const failed = refs.filter((r) => !resolved.get(r.raw)!.ok);
    expect(failed).toHaveLength(20);
    expect(resolved.get(refs[0]!.raw)).toMatchObject({ ok: false, error: { code: 'secret.error' } });
    expect(resolved.get(refs[24]!.raw)).toEqual({ ok: true, value: sentinel(24, 'user'), versionId: expect.any(String) });
    expect(countCalls(emu, 'BatchGetSecretValue')).toBe(4);
  });

  it('matches batch answers to references by full ARN and by partial ARN', async () => {
    const sdk = new SecretsManagerClient(sdkConfigFor(emu));
    const { ARN } = await sdk.send(new DescribeSecretCommand({ SecretId: 'app/secret-5' }));
    sdk.destroy();
    expect(ARN).toMatch(/:secret:app\/secret-5-.{6}$/);
    emu.clearRequestLog();
    const byArn = secretRef(ARN!, 'user');
    const byName = secretRef('app/secret-5', 'password');
    const byPartialArn = secretRef(ARN!.slice(0, -7), 'password');
    const resolved = await aws.secrets.resolve([byArn, byName, byPartialArn]);
    expect(resolved.get(byPartialArn.raw)).toEqual({ ok: true, value: sentinel(5, 'password'), versionId: expect.any(String) });
    expect(resolved.get(byArn.raw)).toEqual({ ok: true, value: sentinel(5, 'user'), versionId: expect.any(String) });
    expect(resolved.get(byName.raw)).toEqual({ ok: true, value: sentinel(5, 'password'), versionId: expect.any(String) });
    expect(countCalls(emu, 'BatchGetSecretValue')).toBe(1);
    expect(countCalls(emu, 'GetSecretValue')).toBe(0);
  });

  it('hands out the same frozen lookups while a secret keeps its version, and the new value in the pass after a rotation', async () => {
    emu.seed({ secrets: [{ name: 'reused', secretString: JSON.stringify({ user: 'SENTINEL-SECRET-u1', password: 'SENTINEL-SECRET-p1' }) }] });
    const user = secretRef('reused', 'user');
    const password = secretRef('reused', 'password');
    const first = await aws.secrets.resolve([user, password]);
    const second = await aws.secrets.resolve([user, password]);
    expect(second.get(user.raw)).toBe(first.get(user.raw));
    expect(second.get(password.raw)).toEqual({ ok: true, value: 'SENTINEL-SECRET-p1', versionId: expect.any(String) });
    expect(Object.isFrozen(second.get(password.raw))).toBe(true);
    // Asked again every time: nothing is skipped, only the extraction is not repeated.
    expect(countCalls(emu, 'BatchGetSecretValue')).toBe(2);

    emu.seed({ secrets: [{ name: 'reused', secretString: JSON.stringify({ user: 'SENTINEL-SECRET-u1', password: 'SENTINEL-SECRET-p2' }) }] });
    const rotated = await aws.secrets.resolve([user, password]);
    expect(rotated.get(password.raw)).toEqual({ ok: true, value: 'SENTINEL-SECRET-p2', versionId: expect.any(String) });
    expect((rotated.get(password.raw) as { versionId: string }).versionId).not.toBe((first.get(password.raw) as { versionId: string }).versionId);
    expect(rotated.get(user.raw)).not.toBe(first.get(user.raw));
    // A key that went missing in the new version is an error at once, not a remembered value.
    emu.seed({ secrets: [{ name: 'reused', secretString: JSON.stringify({ user: 'SENTINEL-SECRET-u1' }) }] });
    expect((await aws.secrets.resolve([user, password])).get(password.raw)).toMatchObject({ ok: false, error: { code: 'secret.key-missing' } });
  });

  it('reuses the grouping of a deep-frozen reference list, still reading every secret each pass and a rotation at once', async () => {
    emu.seed({ secrets: [{ name: 'frozen-list', secretString: JSON.stringify({ user: 'SENTINEL-SECRET-f1', password: 'SENTINEL-SECRET-f2' }) }] });
    const refs = deepFreeze([secretRef('frozen-list', 'user'), secretRef('frozen-list', 'password'), secretRef('rotated', 'password', { versionStage: 'AWSPREVIOUS' }), ...manyRefs()]);
    const first = await aws.secrets.resolve(refs);
    const second = await aws.secrets.resolve(refs);
    expect(second).toEqual(first);
    expect(second.get(refs[0]!.raw)).toBe(first.get(refs[0]!.raw));
    expect(second.get(refs[2]!.raw)).toEqual({ ok: true, value: 'SENTINEL-SECRET-old', versionId: expect.any(String) });
    // Every pass asks again: the same batches and the pinned read, twice.
    const batches = emu.requestLog().filter((e) => e.operation === 'BatchGetSecretValue');
    expect(batches.map((e) => e.secretIds?.length)).toEqual([20, 20, 6, 20, 20, 6]);
    expect(countCalls(emu, 'GetSecretValue')).toBe(2);

    emu.seed({ secrets: [{ name: 'frozen-list', secretString: JSON.stringify({ user: 'SENTINEL-SECRET-f1', password: 'SENTINEL-SECRET-f3' }) }] });
    const rotated = await aws.secrets.resolve(refs);
    expect(rotated.get(refs[1]!.raw)).toEqual({ ok: true, value: 'SENTINEL-SECRET-f3', versionId: expect.any(String) });
    expect(rotated.get(refs[0]!.raw)).toEqual({ ok: true, value: 'SENTINEL-SECRET-f1', versionId: expect.any(String) });
  });

  it('hands out the same answer map for the same frozen list while every secret is unchanged, and a new one after any change', async () => {
    emu.seed({ secrets: [{ name: 'whole', secretString: JSON.stringify({ user: 'SENTINEL-SECRET-w1', password: 'SENTINEL-SECRET-w2' }) }] });
    const refs = deepFreeze([secretRef('whole', 'user'), secretRef('whole', 'password'), ...manyRefs()]);
    const first = await aws.secrets.resolve(refs);
    const second = await aws.secrets.resolve(refs);
    expect(second).toBe(first);
    // Every secret was still read, both times.
    expect(countCalls(emu, 'BatchGetSecretValue')).toBe(6);

    // A rotation (a new version, a new string): a new map with the new value.
    emu.seed({ secrets: [{ name: 'whole', secretString: JSON.stringify({ user: 'SENTINEL-SECRET-w1', password: 'SENTINEL-SECRET-w3' }) }] });
    const rotated = await aws.secrets.resolve(refs);
    expect(rotated).not.toBe(first);
    expect(rotated.get(refs[1]!.raw)).toEqual({ ok: true, value: 'SENTINEL-SECRET-w3', versionId: expect.any(String) });
    expect(await aws.secrets.resolve(refs)).toBe(rotated);

    // A key missing from the new version: an error, and never an answer handed out again.
    emu.seed({ secrets: [{ name: 'whole', secretString: JSON.stringify({ user: 'SENTINEL-SECRET-w1' }) }] });
    const missing = await aws.secrets.resolve(refs);
    expect(missing.get(refs[1]!.raw)).toMatchObject({ ok: false, error: { code: 'secret.key-missing' } });
    expect(await aws.secrets.resolve(refs)).not.toBe(missing);

    // Another list (the same references, a new frozen array): answered afresh.
    const other = await aws.secrets.resolve(deepFreeze([...refs]));
    expect(other).not.toBe(missing);
    expect(other).toEqual(missing);
  });

  it('a read that fails after a reused answer is reported at once, not answered from the last pass', async () => {
    const refs = deepFreeze([secretRef('app/secret-0', 'user'), secretRef('app/secret-1', 'password')]);
    const first = await aws.secrets.resolve(refs);
    expect(await aws.secrets.resolve(refs)).toBe(first);
    emu.faults.failNext('BatchGetSecretValue', 3, { status: 500, code: 'InternalServiceError', message: 'boom' });
    const failed = await aws.secrets.resolve(refs);
    expect(failed).not.toBe(first);
    expect(failed.get(refs[0]!.raw)).toMatchObject({ ok: false, error: { code: 'secret.error' } });
    const recovered = await aws.secrets.resolve(refs);
    expect(recovered).not.toBe(first);
    expect(recovered).toEqual(first);
  });

  it('groups a list that is not deep-frozen again on every call (it may have changed)', async () => {
    const refs = [secretRef('app/secret-0', 'user')];
    expect((await aws.secrets.resolve(refs)).size).toBe(1);
    refs.push(secretRef('app/secret-1', 'user'));
    const again = await aws.secrets.resolve(refs);
    expect(again.get(refs[1]!.raw)).toEqual({ ok: true, value: sentinel(1, 'user'), versionId: expect.any(String) });
  });

  it('makes no call for no references', async () => {
    expect((await aws.secrets.resolve([])).size).toBe(0);
    expect(emu.requestLog()).toHaveLength(0);
  });
});

describe('describeVersions (CI plans: metadata only)', () => {
  it('gives each reference the version id it resolves to now, from DescribeSecret alone, agreeing with resolve()', async () => {
    const current = secretRef('rotated', 'password');
    const previous = secretRef('rotated', 'password', { versionStage: 'AWSPREVIOUS' });
    const resolved = await aws.secrets.resolve([current, previous]);
    const pinned = secretRef('rotated', 'password', { versionId: (resolved.get(previous.raw) as { versionId: string }).versionId });
    const unknownVersion = secretRef('rotated', 'password', { versionId: '00000000-0000-0000-0000-000000000000' });
    const missing = secretRef('no-such-secret', 'password');
    resetEmulator(emu);

    const versions = await aws.secrets.describeVersions!([current, previous, pinned, unknownVersion, missing]);
    expect(versions.get(current.raw)).toEqual({ ok: true, versionId: (resolved.get(current.raw) as { versionId: string }).versionId });
    expect(versions.get(previous.raw)).toEqual({ ok: true, versionId: (resolved.get(previous.raw) as { versionId: string }).versionId });
    expect(versions.get(pinned.raw)).toEqual(versions.get(previous.raw));
    expect(versions.get(unknownVersion.raw)).toMatchObject({ ok: false, error: { code: 'secret.not-found' } });
    expect(versions.get(missing.raw)).toMatchObject({ ok: false, error: { code: 'secret.not-found', message: expect.stringContaining('"no-such-secret"') } });
    // One DescribeSecret per distinct secret, and no value read.
    expect(countCalls(emu, 'DescribeSecret')).toBe(2);
    expect(countCalls(emu, 'GetSecretValue') + countCalls(emu, 'BatchGetSecretValue')).toBe(0);
  });
});
