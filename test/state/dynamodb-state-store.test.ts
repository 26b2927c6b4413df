// The DynamoDB state store against AWS's DynamoDB Local (started once for this file): the same
// logical contents as the file backend, per target; only changed items written; saves fenced by
// the lease; a missing table in one line; throttling retried over real HTTP.
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StateSnapshot, TargetState } from '../../src/model/types.js';
import { createStateTableClient, type StateTableClient } from '../../src/state/dynamodb/client.js';
import { createDynamoDbStateStore, StateWriteFencedError } from '../../src/state/dynamodb/dynamodb-state-store.js';
import { initStateTable, StateTableMissingError } from '../../src/state/dynamodb/table.js';
import { startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local.js';
import { startThrottleProxy, type ThrottleProxy } from '../support/dynamodb-throttle-proxy.js';

let ddb: DynamoDbLocal;
let client: StateTableClient;
let proxy: ThrottleProxy;
let tableCount = 0;

beforeAll(async () => {
  ddb = await startDynamoDbLocal();
  console.log(`DynamoDB Local started in ${ddb.startupMs} ms`);
  client = createStateTableClient(ddb.sdkConfig());
  proxy = await startThrottleProxy(ddb.endpoint);
}, 120_000);

afterAll(async () => {
  client?.destroy();
  await proxy?.close();
  await ddb?.stop();
});

async function freshTable(): Promise<string> {
  tableCount += 1;
  const table = `state-${tableCount}`;
  await initStateTable(client.raw, table);
  return table;
}

function target(names: string[], intents: string[] = []): TargetState {
  const state: TargetState = { profiles: {}, intents: {} };
  for (const name of names) {
    state.profiles[name] = { name, origin: 'created', connectorType: 'Datadog', credentialsFingerprint: `fp-${name}`, sourceFile: `${name}.yaml`, lastAppliedAt: '2026-01-01T00:00:00.000Z' };
  }
  for (const name of intents) {
    state.intents[name] = { operation: 'create', name, clientToken: `token-${name}`, requestDigest: `digest-${name}`, createdAt: new Date().toISOString() };
  }
  return state;
}

async function scanAll(table: string): Promise<Record<string, unknown>[]> {
  return (await client.doc.send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? [];
}

describe('DynamoDB state store', () => {
  it('state init is idempotent and a second run changes nothing', async () => {
    const table = await freshTable();
    await expect(initStateTable(client.raw, table)).resolves.toEqual({ created: false, ttlEnabled: true });
  });

  it('round-trips the same snapshot as the file backend, per target, and reads only its own targets', async () => {
    const table = await freshTable();
    const writer = createDynamoDbStateStore({ table, client });
    const snapshot: StateSnapshot = { formatVersion: 1, targets: { 'us-east-1/a': target(['p1', 'p2'], ['p3']), 'eu-west-1/b': target(['q1']) } };
    await writer.save(snapshot);

    expect((await createDynamoDbStateStore({ table, client }).load()).state).toEqual(snapshot);
    const scoped = await createDynamoDbStateStore({ table, client, targets: ['eu-west-1/b'] }).load();
    expect(scoped.state.targets).toEqual({ 'eu-west-1/b': snapshot.targets['eu-west-1/b'] });

    const items = await scanAll(table);
    const intent = items.find((item) => item.sk === 'intent#p3')!;
    expect(typeof intent.expiresAt).toBe('number'); // the TTL attribute
  });

  it('a save writes only what changed, and deletes what is gone', async () => {
    const table = await freshTable();
    const store = createDynamoDbStateStore({ table, client, targets: ['t'] });
    const snapshot: StateSnapshot = { formatVersion: 1, targets: { t: target(['a', 'b', 'c'], ['a']) } };
    await store.save(snapshot);
    // An item changed behind the store's back (another tool) is not rewritten unless it changed here.
    await client.doc.send(new PutCommand({ TableName: table, Item: { pk: 'target#t', sk: 'profile#c', record: { ...snapshot.targets.t!.profiles.c, sourceFile: 'elsewhere.yaml' } } }));
    const next = structuredClone(snapshot);
    delete next.targets.t!.intents.a;
    delete next.targets.t!.profiles.b;
    next.targets.t!.profiles.a!.lastAppliedAt = '2026-02-02T00:00:00.000Z';
    await store.save(next);
    const loaded = (await createDynamoDbStateStore({ table, client }).load()).state.targets.t!;
    expect(Object.keys(loaded.profiles).sort()).toEqual(['a', 'c']);
    expect(loaded.intents).toEqual({});
    expect(loaded.profiles.a!.lastAppliedAt).toBe('2026-02-02T00:00:00.000Z');
    expect(loaded.profiles.c!.sourceFile).toBe('elsewhere.yaml');
  });

  it('more than one transaction of items (250 records) saves and loads', async () => {
    const table = await freshTable();
    const names = Array.from({ length: 250 }, (_, i) => `profile-${String(i).padStart(3, '0')}`);
    await createDynamoDbStateStore({ table, client }).save({ formatVersion: 1, targets: { t: target(names) } });
    expect(Object.keys((await createDynamoDbStateStore({ table, client, targets: ['t'] }).load()).state.targets.t!.profiles)).toHaveLength(250);
  });

  it('a guarded save is refused, writing nothing, once the lease is held by someone else', async () => {
    const table = await freshTable();
    await client.doc.send(new PutCommand({ TableName: table, Item: { pk: 'target#t', sk: 'lease', owner: 'me', fence: 3, rvn: 'x', leaseMs: 15000 } }));
    const guard = { owner: 'me', fence: 3 };
    const store = createDynamoDbStateStore({ table, client, targets: ['t'], leaseGuard: () => guard });
    await store.save({ formatVersion: 1, targets: { t: target(['a']) } });
    // Taken over: fence 4 belongs to another replica.
    await client.doc.send(new PutCommand({ TableName: table, Item: { pk: 'target#t', sk: 'lease', owner: 'other', fence: 4, rvn: 'y', leaseMs: 15000 } }));
    await expect(store.save({ formatVersion: 1, targets: { t: target(['a', 'b']) } })).rejects.toBeInstanceOf(StateWriteFencedError);
    expect(Object.keys((await createDynamoDbStateStore({ table, client }).load()).state.targets.t!.profiles)).toEqual(['a']);
    // A guard that throws (the replica cannot prove its lease) sends nothing at all.
    const unsure = createDynamoDbStateStore({ table, client, targets: ['t'], leaseGuard: () => { throw new Error('lease not proven'); } });
    await expect(unsure.save({ formatVersion: 1, targets: { t: target(['z']) } })).rejects.toThrow('lease not proven');
  });

  it('a missing table is one line naming it and state init', async () => {
    const store = createDynamoDbStateStore({ table: 'no-such-table', client, targets: ['t'] });
    const error = await store.load().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(StateTableMissingError);
    expect((error as Error).message).toBe(
      'state table "no-such-table" does not exist in us-east-1; create it with: appflow-gitops state init --state dynamodb://no-such-table',
    );
  });

  it('throttling (ProvisionedThroughputExceededException) is retried by reads and writes', async () => {
    const table = await freshTable();
    const throttledClient = createStateTableClient({ ...ddb.sdkConfig(), endpoint: proxy.endpoint });
    try {
      const store = createDynamoDbStateStore({ table, client: throttledClient, targets: ['t'] });
      proxy.throttleNext(2, ['TransactWriteItems']);
      await store.save({ formatVersion: 1, targets: { t: target(['a']) } });
      proxy.throttleNext(2, ['Query']);
      expect(Object.keys((await store.load()).state.targets.t!.profiles)).toEqual(['a']);
      expect(proxy.throttled.get('TransactWriteItems')).toBe(2);
      expect(proxy.throttled.get('Query')).toBe(2);
    } finally {
      throttledClient.destroy();
    }
  });
});
