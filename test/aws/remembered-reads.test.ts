// The daemon's remembered reads (src/aws/remembered-reads.ts): a byte-identical answer is handed
// out again without being deserialised, and anything else takes the SDK's own path. Real SDK
// clients over HTTP to the emulator.
import { AppflowClient, DescribeConnectorProfilesCommand, UpdateConnectorProfileCommand } from '@aws-sdk/client-appflow';
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { AwsRestJsonProtocol } from '@aws-sdk/core/protocols';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { awsErrorCode } from '../../src/aws/error-codes.js';
import type { AwsAdapters } from '../../src/aws/ports.js';
import { AnswerMemo, rememberingProtocol } from '../../src/aws/remembered-reads.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { adaptersFor, resetEmulator, sdkConfigFor, startEmulatorHarness, type EmulatorHarness } from '../support/emulator-harness.js';
import { countCalls, datadogProfile, secretRef } from './helpers.js';

const names = Array.from({ length: 150 }, (_, i) => `profile-${String(i).padStart(3, '0')}`);
const SENTINEL_OLD = 'SENTINEL-SECRET-remembered-old';
const SENTINEL_NEW = 'SENTINEL-SECRET-remembered-new';

let harness: EmulatorHarness | undefined;
let emu: RunningEmulator;
let remembering: AwsAdapters;
let plain: AwsAdapters;

beforeAll(async () => {
  harness = await startEmulatorHarness({
    profileQuota: 400,
    seed: {
      profiles: names.map((name) => datadogProfile(name)),
      secrets: [
        { name: 'app/rotating', secretString: JSON.stringify({ password: SENTINEL_OLD }) },
        { name: 'app/steady', secretString: JSON.stringify({ password: 'SENTINEL-SECRET-steady' }) },
      ],
    },
  });
  emu = harness.emulator;
  remembering = adaptersFor(emu, { rememberReads: true });
  plain = adaptersFor(emu);
});
afterAll(async () => {
  remembering?.destroy();
  plain?.destroy();
  await harness?.close();
});
beforeEach(() => resetEmulator(emu));

describe('DescribeConnectorProfiles, remembered', () => {
  it('hands out the same frozen profiles for a byte-identical answer, and still makes every call', async () => {
    const first = await remembering.appflow.describeByNames(names);
    const second = await remembering.appflow.describeByNames(names);
    expect(second).toHaveLength(150);
    for (let i = 0; i < names.length; i++) expect(second[i]).toBe(first[i]);
    expect(Object.isFrozen(second[0])).toBe(true);
    expect(Object.isFrozen(second[0]!.properties)).toBe(true);
    // Nothing skipped on the wire: two passes, two calls each (100 + 50 names).
    expect(countCalls(emu, 'DescribeConnectorProfiles')).toBe(4);
    // Without the setting (one-shot commands) each answer is deserialised afresh.
    const a = await plain.appflow.describeByNames(['profile-001']);
    const b = await plain.appflow.describeByNames(['profile-001']);
    expect(a[0]).not.toBe(b[0]);
    expect(a[0]).toEqual(b[0]);
  });

  it('reads a changed answer afresh: the changed profile is new, the pages that did not change are not', async () => {
    const before = await remembering.appflow.describeByNames(names);
    await harness!.sdk.appflow.send(
      new UpdateConnectorProfileCommand({
        connectorProfileName: 'profile-120',
        connectionMode: 'Public',
        connectorProfileConfig: datadogProfile('profile-120', 'https://changed.example.com').connectorProfileConfig,
      }),
    );
    const after = await remembering.appflow.describeByNames(names);
    expect(after[120]!.properties).toMatchObject({ Datadog: { instanceUrl: 'https://changed.example.com' } });
    expect(after[120]).not.toBe(before[120]);
    // The first page (profiles 0-99) answered with the same bytes.
    expect(after[5]).toBe(before[5]);
  });

  it('gives each call its own $metadata over shared, frozen members', async () => {
    const client = new AppflowClient({
      ...sdkConfigFor(emu),
      protocol: rememberingProtocol(AwsRestJsonProtocol, new Set(['DescribeConnectorProfiles'])),
    });
    try {
      const input = { connectorProfileNames: ['profile-002'], maxResults: 100 };
      const one = await client.send(new DescribeConnectorProfilesCommand(input));
      const two = await client.send(new DescribeConnectorProfilesCommand(input));
      expect(two.connectorProfileDetails).toBe(one.connectorProfileDetails);
      expect(two.$metadata).not.toBe(one.$metadata);
      expect(two.$metadata.httpStatusCode).toBe(200);
      expect(two.$metadata.attempts).toBe(1);
      expect(two.$metadata.requestId).not.toBe(one.$metadata.requestId);
      expect(() => {
        (two.connectorProfileDetails as unknown[]).push({});
      }).toThrow(TypeError);
    } finally {
      client.destroy();
    }
  });

  it('leaves errors to the SDK: a throttled read is retried and a refused one throws its code', async () => {
    emu.faults.failNext('DescribeConnectorProfiles', 1, { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' });
    const observed = await remembering.appflow.describeByNames(['profile-003']);
    expect(observed.map((p) => p.name)).toEqual(['profile-003']);
    expect(countCalls(emu, 'DescribeConnectorProfiles')).toBe(2);
    emu.faults.failNext('DescribeConnectorProfiles', 1, { status: 400, code: 'ValidationException', message: 'no' });
    const err = await remembering.appflow.describeByNames(['profile-003']).catch((e: unknown) => e);
    expect(awsErrorCode(err)).toBe('ValidationException');
  });

  it('remembers nothing past its budget', async () => {
    const client = new AppflowClient({
      ...sdkConfigFor(emu),
      protocol: rememberingProtocol(AwsRestJsonProtocol, new Set(['DescribeConnectorProfiles']), 100),
    });
    try {
      const describe = () => client.send(new DescribeConnectorProfilesCommand({ connectorProfileNames: ['profile-010'], maxResults: 100 }));
      const first = await describe();
      const second = await describe();
      expect(second.connectorProfileDetails).not.toBe(first.connectorProfileDetails);
      expect(second.connectorProfileDetails).toEqual(first.connectorProfileDetails);
    } finally {
      client.destroy();
    }
  });
});

describe('AnswerMemo', () => {
  it('forgets the least recently used answers beyond its budget of text', () => {
    const memo = new AnswerMemo(10);
    const a = Object.freeze({ a: 1 });
    const b = Object.freeze({ b: 1 });
    const c = Object.freeze({ c: 1 });
    memo.keep('aaaa', a);
    memo.keep('bbbb', b);
    expect(memo.take('aaaa')?.members).toBe(a); // now the most recently used
    memo.keep('cccc', c); // 12 > 10: the least recently used ('bbbb') goes
    expect(memo.take('bbbb')).toBeUndefined();
    expect(memo.take('aaaa')?.members).toBe(a);
    expect(memo.take('cccc')?.members).toBe(c);
    memo.keep('x'.repeat(11), a); // larger than the whole budget: not kept, nothing evicted
    expect(memo.take('x'.repeat(11))).toBeUndefined();
    expect(memo.take('cccc')?.members).toBe(c);
  });
});

describe('BatchGetSecretValue, remembered', () => {
  it('sees a rotation on the next resolve, and hands out the unchanged answer again', async () => {
    const refs = [secretRef('app/rotating', 'password'), secretRef('app/steady', 'password')];
    const first = await remembering.secrets.resolve(refs);
    expect(first.get(refs[0]!.raw)).toMatchObject({ ok: true, value: SENTINEL_OLD });
    const again = await remembering.secrets.resolve(refs);
    expect(again.get(refs[1]!.raw)).toBe(first.get(refs[1]!.raw));
    await harness!.sdk.secrets.send(new PutSecretValueCommand({ SecretId: 'app/rotating', SecretString: JSON.stringify({ password: SENTINEL_NEW }) }));
    const rotated = await remembering.secrets.resolve(refs);
    expect(rotated.get(refs[0]!.raw)).toMatchObject({ ok: true, value: SENTINEL_NEW });
    expect((rotated.get(refs[0]!.raw) as { versionId?: string }).versionId).not.toBe((first.get(refs[0]!.raw) as { versionId?: string }).versionId);
    expect(countCalls(emu, 'BatchGetSecretValue')).toBe(3);
  });
});
