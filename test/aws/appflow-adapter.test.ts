import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { awsErrorCode } from '../../src/aws/error-codes.js';
import type { AwsAdapters } from '../../src/aws/ports.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { resetEmulator, startEmulatorHarness, type EmulatorHarness } from '../support/emulator-harness.js';
import { countCalls, datadogProfile } from './helpers.js';

const names = Array.from({ length: 250 }, (_, i) => `profile-${String(i).padStart(3, '0')}`);

let harness: EmulatorHarness | undefined;
let emu: RunningEmulator;
let aws: AwsAdapters;

beforeAll(async () => {
  harness = await startEmulatorHarness({ profileQuota: 400, seed: { profiles: names.map((name) => datadogProfile(name)) } });
  ({ emulator: emu, adapters: aws } = harness);
});
afterAll(async () => {
  await harness?.close();
});
beforeEach(() => resetEmulator(emu));

describe('describeByNames', () => {
  it('reads 250 profiles with 3 DescribeConnectorProfiles calls (100/100/50) and nothing else', async () => {
    const shuffled = [...names].reverse();
    const observed = await aws.appflow.describeByNames(shuffled);
    expect(observed).toHaveLength(250);
    expect(observed.map((p) => p.name)).toEqual(shuffled);
    expect(countCalls(emu, 'DescribeConnectorProfiles')).toBe(3);
    expect(emu.requestLog()).toHaveLength(3);
    // Asked in the order the service answers (no sort needed): the same order, the same answer.
    const inOrder = await aws.appflow.describeByNames(names);
    expect(inOrder.map((p) => p.name)).toEqual(names);
    expect(inOrder).toEqual([...observed].reverse());
  });

  it('maps the SDK output to ObservedProfile: the properties as returned, lastUpdatedAt, nothing unread', async () => {
    const [observed] = await aws.appflow.describeByNames(['profile-007']);
    expect(observed).toMatchObject({
      name: 'profile-007',
      connectorType: 'Datadog',
      connectionMode: 'Public',
      properties: { Datadog: { instanceUrl: 'https://api.datadoghq.com' } },
    });
    expect(observed!.lastUpdatedAt).toBeInstanceOf(Date);
    // Held by every pass for every profile, so only what something reads (10,000 profiles: ~3 MB less).
    expect(Object.keys(observed!).sort()).toEqual(['connectionMode', 'connectorType', 'lastUpdatedAt', 'name', 'properties']);
    expect(JSON.stringify(observed)).not.toContain('SENTINEL-SECRET');
  });

  it('leaves unknown names out, dedupes names, and makes no call for an empty list', async () => {
    const observed = await aws.appflow.describeByNames(['profile-001', 'nope-1', 'profile-001', 'nope-2']);
    expect(observed.map((p) => p.name)).toEqual(['profile-001']);
    expect(countCalls(emu, 'DescribeConnectorProfiles')).toBe(1);
    emu.clearRequestLog();
    expect(await aws.appflow.describeByNames([])).toEqual([]);
    expect(emu.requestLog()).toHaveLength(0);
  });
});

describe('describeAll', () => {
  it('pages through every profile with maxResults 100', async () => {
    const observed = await aws.appflow.describeAll();
    expect(new Set(observed.map((p) => p.name))).toEqual(new Set(names));
    expect(observed).toHaveLength(250);
    expect(countCalls(emu, 'DescribeConnectorProfiles')).toBe(3);
  });

  it('passes the connector type filter', async () => {
    expect(await aws.appflow.describeAll({ connectorType: 'Salesforce' })).toEqual([]);
    expect(await aws.appflow.describeAll({ connectorType: 'Datadog' })).toHaveLength(250);
  });
});

describe('writes', () => {
  it('creates, updates and deletes with one SDK call each', async () => {
    const created = await aws.appflow.create({ ...datadogProfile('write-test'), clientToken: 'token-create-1' });
    expect(created.connectorProfileArn).toMatch(/connectorprofile\/write-test$/);
    const request = datadogProfile('write-test', 'https://api.datadoghq.eu');
    await aws.appflow.update({
      connectorProfileName: 'write-test',
      connectionMode: 'Public',
      connectorProfileConfig: request.connectorProfileConfig,
      clientToken: 'token-update-1',
    });
    const [observed] = await aws.appflow.describeByNames(['write-test']);
    expect(observed!.properties).toEqual({ Datadog: { instanceUrl: 'https://api.datadoghq.eu' } });
    await aws.appflow.delete('write-test', false);
    expect(await aws.appflow.describeByNames(['write-test'])).toEqual([]);
    const writes = emu.requestLog().filter((e) => e.operation !== 'DescribeConnectorProfiles');
    expect(writes.map((e) => [e.operation, e.clientToken])).toEqual([
      ['CreateConnectorProfile', 'token-create-1'],
      ['UpdateConnectorProfile', 'token-update-1'],
      ['DeleteConnectorProfile', undefined],
    ]);
  });

  it('surfaces service errors as SDK exceptions with their AWS code', async () => {
    const err = await aws.appflow.create({ ...datadogProfile('profile-001'), clientToken: 'token-dup' }).catch((e: unknown) => e);
    expect(awsErrorCode(err)).toBe('ConflictException');
  });
});
