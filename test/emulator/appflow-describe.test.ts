// Contract suite, reads: DescribeConnectorProfiles through the real @aws-sdk/client-appflow against
// the emulator over HTTP (paging, filters, validation, and a 10,000-profile account).
import {
  DeleteConnectorProfileCommand,
  DescribeConnectorProfilesCommand,
  paginateDescribeConnectorProfiles,
  ValidationException,
  type ConnectorProfile,
} from '@aws-sdk/client-appflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { clientsFor, rejection, salesforceProfile } from './helpers.js';

describe('DescribeConnectorProfiles', () => {
  let paging: RunningEmulator;
  let client: ReturnType<typeof clientsFor>['appflow'];
  const names = Array.from({ length: 45 }, (_, i) => `page-${String(i).padStart(2, '0')}`);

  beforeAll(async () => {
    paging = await startEmulator({ profileQuota: 1000 });
    ({ appflow: client } = clientsFor(paging));
    paging.seed({
      profiles: [
        ...names.map((name) => salesforceProfile(name)),
        {
          connectorProfileName: 'custom-1',
          connectorType: 'CustomConnector',
          connectorLabel: 'MyConnector',
          connectionMode: 'Public',
          connectorProfileConfig: { connectorProfileProperties: { CustomConnector: { profileProperties: { k: 'v' } } } },
        },
        {
          connectorProfileName: 'custom-2',
          connectorType: 'CustomConnector',
          connectorLabel: 'OtherConnector',
          connectionMode: 'Public',
          connectorProfileConfig: { connectorProfileProperties: { CustomConnector: {} } },
        },
      ],
    });
  });
  afterAll(async () => {
    client.destroy();
    await paging.close();
  });

  it('pages 20 by default with an opaque token, and the paginator visits every profile once', async () => {
    const first = await client.send(new DescribeConnectorProfilesCommand({}));
    expect(first.connectorProfileDetails).toHaveLength(20);
    expect(first.nextToken).toBeTypeOf('string');
    const seen: string[] = [];
    for await (const page of paginateDescribeConnectorProfiles({ client, pageSize: 7 }, {})) {
      expect(page.connectorProfileDetails!.length).toBeLessThanOrEqual(7);
      seen.push(...page.connectorProfileDetails!.map((p) => p.connectorProfileName!));
    }
    expect(seen).toHaveLength(47);
    expect(new Set(seen).size).toBe(47);
  });

  it('keeps pagination stable while profiles are created and deleted between pages', async () => {
    const page1 = await client.send(new DescribeConnectorProfilesCommand({ maxResults: 10, connectorType: 'Salesforce' }));
    const firstNames = page1.connectorProfileDetails!.map((p) => p.connectorProfileName!);
    expect(firstNames).toEqual(names.slice(0, 10));
    // A profile sorting before the cursor and one after it appear; one already seen disappears.
    paging.seed({ profiles: [salesforceProfile('page-00a'), salesforceProfile('page-99')] });
    await client.send(new DeleteConnectorProfileCommand({ connectorProfileName: 'page-03' }));
    const rest: string[] = [];
    let token = page1.nextToken;
    while (token) {
      const page = await client.send(new DescribeConnectorProfilesCommand({ maxResults: 10, connectorType: 'Salesforce', nextToken: token }));
      rest.push(...page.connectorProfileDetails!.map((p) => p.connectorProfileName!));
      token = page.nextToken;
    }
    expect(rest).toEqual([...names.slice(10), 'page-99']);
    await client.send(new DeleteConnectorProfileCommand({ connectorProfileName: 'page-00a' }));
    await client.send(new DeleteConnectorProfileCommand({ connectorProfileName: 'page-99' }));
    paging.seed({ profiles: [salesforceProfile('page-03')] });
  });

  it('filters by names (unknown names give an empty list), connectorType and connectorLabel', async () => {
    const byName = await client.send(new DescribeConnectorProfilesCommand({ connectorProfileNames: ['page-02', 'nope', 'page-01'] }));
    expect(byName.connectorProfileDetails!.map((p) => p.connectorProfileName)).toEqual(['page-01', 'page-02']);
    const emptyList = await client.send(new DescribeConnectorProfilesCommand({ connectorProfileNames: [], maxResults: 100 }));
    expect(emptyList.connectorProfileDetails).toHaveLength(47);
    const unknown = await client.send(new DescribeConnectorProfilesCommand({ connectorProfileNames: ['nope'] }));
    expect(unknown.connectorProfileDetails).toEqual([]);
    expect(unknown.nextToken).toBeUndefined();
    const custom = await client.send(new DescribeConnectorProfilesCommand({ connectorType: 'CustomConnector' }));
    expect(custom.connectorProfileDetails!.map((p) => p.connectorProfileName)).toEqual(['custom-1', 'custom-2']);
    const labelled = await client.send(new DescribeConnectorProfilesCommand({ connectorType: 'CustomConnector', connectorLabel: 'MyConnector' }));
    const only: ConnectorProfile = labelled.connectorProfileDetails![0]!;
    expect(labelled.connectorProfileDetails).toHaveLength(1);
    expect(only).toMatchObject({ connectorProfileName: 'custom-1', connectorLabel: 'MyConnector' });
    expect(only.credentialsArn).toBeUndefined(); // created without credentials
  });

  it('paginates a names filter too (default page 20), in name order', async () => {
    const wanted = [...names].reverse();
    const first = await client.send(new DescribeConnectorProfilesCommand({ connectorProfileNames: wanted }));
    expect(first.connectorProfileDetails!.map((p) => p.connectorProfileName)).toEqual(names.slice(0, 20));
    const second = await client.send(new DescribeConnectorProfilesCommand({ connectorProfileNames: wanted, nextToken: first.nextToken }));
    expect(second.connectorProfileDetails!.map((p) => p.connectorProfileName)).toEqual(names.slice(20, 40));
    const all = await client.send(new DescribeConnectorProfilesCommand({ connectorProfileNames: wanted, maxResults: 100 }));
    expect(all.connectorProfileDetails).toHaveLength(45);
    expect(all.nextToken).toBeUndefined();
  });

  it('validates maxResults, the names list and the nextToken', async () => {
    for (const maxResults of [0, 101]) {
      // The SDK does not validate ranges client-side; the service does.
      const err = await rejection(client.send(new DescribeConnectorProfilesCommand({ maxResults })));
      expect(err).toBeInstanceOf(ValidationException);
      expect(err.message).toContain("at 'maxResults'");
    }
    const tooMany = await rejection(client.send(new DescribeConnectorProfilesCommand({ connectorProfileNames: Array.from({ length: 101 }, (_, i) => `n${i}`) })));
    expect(tooMany).toBeInstanceOf(ValidationException);
    const forged = await rejection(client.send(new DescribeConnectorProfilesCommand({ nextToken: 'not-a-token' })));
    expect(forged).toBeInstanceOf(ValidationException);
    const first = await client.send(new DescribeConnectorProfilesCommand({ maxResults: 1 }));
    const foreign = await rejection(client.send(new DescribeConnectorProfilesCommand({ nextToken: first.nextToken, connectorType: 'Salesforce' })));
    expect(foreign).toBeInstanceOf(ValidationException);
  });

  it('handles 10,000 profiles with fast, stable pages', async () => {
    const big = await startEmulator({ profileQuota: 10_000 });
    const { appflow: bigClient } = clientsFor(big);
    try {
      const started = performance.now();
      big.seed({ profiles: Array.from({ length: 10_000 }, (_, i) => salesforceProfile(`bulk-${i}`)) });
      const seeded = performance.now() - started;
      let count = 0;
      const pageStart = performance.now();
      for await (const page of paginateDescribeConnectorProfiles({ client: bigClient, pageSize: 100 }, {})) count += page.connectorProfileDetails!.length;
      const paged = performance.now() - pageStart;
      expect(count).toBe(10_000);
      expect(big.profileCount?.()).toBe(10_000);
      // Generous bounds (shared 2-core machine): a quadratic describe would take far longer.
      expect(seeded).toBeLessThan(15_000);
      expect(paged).toBeLessThan(20_000);
    } finally {
      bigClient.destroy();
      await big.close();
    }
  });
});
