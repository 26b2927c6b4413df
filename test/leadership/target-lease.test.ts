// Leases against AWS's DynamoDB Local, with each replica's monotonic clock injected, so takeovers
// are decided by the clocks the test moves and never by how fast this machine happens to be.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseNotHeldError, TargetLease, type LeaseRole } from '../../src/leadership/target-lease.js';
import type { StateTableClient } from '../../src/state/dynamodb/client.js';
import { createDynamoDbStateStore, StateWriteFencedError } from '../../src/state/dynamodb/dynamodb-state-store.js';
import { startLocalStateTable, type LocalStateTable } from '../support/local-state-table.js';

const TABLE = 'leases';
const LEASE_MS = 10_000;
const HEARTBEAT_MS = 2_000;
let client: StateTableClient;
let targetCount = 0;

let local: LocalStateTable | undefined;

beforeAll(async () => {
  local = await startLocalStateTable(TABLE);
  ({ client } = local);
}, 120_000);

afterAll(() => local?.stop());

interface Replica {
  lease: TargetLease;
  clock: { now: number };
  roles: LeaseRole[];
}

function replicas(...owners: string[]): { target: string; all: Replica[] } {
  targetCount += 1;
  const target = `us-east-1/t${targetCount}`;
  const all = owners.map((owner) => {
    const clock = { now: 1_000_000 };
    const roles: LeaseRole[] = [];
    const lease = new TargetLease({
      doc: client.doc,
      table: TABLE,
      target,
      owner,
      leaseMs: LEASE_MS,
      heartbeatMs: HEARTBEAT_MS,
      monotonicNow: () => clock.now,
      onRoleChange: (role) => roles.push(role),
    });
    return { lease, clock, roles };
  });
  return { target, all };
}

async function leaseItem(target: string) {
  return (await client.doc.send(new GetCommand({ TableName: TABLE, Key: { pk: `target#${target}`, sk: 'lease' }, ConsistentRead: true }))).Item;
}

describe('target lease', () => {
  it('one replica leads; the other watches while the leader renews, however long it watches', async () => {
    const { target, all } = replicas('a', 'b');
    const [a, b] = all as [Replica, Replica];
    await a.lease.heartbeat();
    await b.lease.heartbeat();
    expect(a.lease.role).toBe('leader');
    expect(b.lease.role).toBe('standby');
    expect(a.lease.guard()).toEqual({ owner: 'a', fence: 1 });
    for (let i = 0; i < 10; i += 1) {
      b.clock.now += LEASE_MS; // the standby waits a whole lease between looks, every time...
      a.clock.now += HEARTBEAT_MS;
      await a.lease.heartbeat(); // ...but the leader renewed in between: the rvn moved.
      await b.lease.heartbeat();
    }
    expect(b.lease.role).toBe('standby');
    expect(b.lease.status()).toMatchObject({ role: 'standby', holder: 'a', fence: 1, healthy: true });
    expect(await leaseItem(target)).toMatchObject({ owner: 'a', fence: 1 });
  });

  it('a leader that stops renewing is taken over after one lease on the standby\'s clock, with a higher fence', async () => {
    const { target, all } = replicas('a', 'b');
    const [a, b] = all as [Replica, Replica];
    await a.lease.heartbeat();
    await b.lease.heartbeat(); // b starts watching rvn X
    b.clock.now += LEASE_MS - 1;
    await b.lease.heartbeat();
    expect(b.lease.role).toBe('standby'); // not a full lease yet
    b.clock.now += 1;
    await b.lease.heartbeat();
    expect(b.lease.role).toBe('leader');
    expect(b.lease.guard()).toEqual({ owner: 'b', fence: 2 });
    expect(await leaseItem(target)).toMatchObject({ owner: 'b', fence: 2 });

    // The old leader, paused all that time, wakes up: its validity is gone, it must not write...
    a.clock.now += LEASE_MS;
    expect(() => a.lease.guard()).toThrow(LeaseNotHeldError);
    await expect(a.lease.confirm()).rejects.toThrow(LeaseNotHeldError);
    // ...and its next renewal finds the lease taken, so it steps down.
    await a.lease.heartbeat();
    expect(a.lease.role).toBe('standby');
    expect(a.roles).toEqual(['leader', 'standby']);
  });

  it('release on shutdown hands over at the standby\'s next heartbeat, without waiting out the lease', async () => {
    const { target, all } = replicas('a', 'b');
    const [a, b] = all as [Replica, Replica];
    await a.lease.heartbeat();
    await b.lease.heartbeat();
    await a.lease.stop();
    expect(a.lease.role).toBe('standby');
    await b.lease.heartbeat(); // no clock movement at all
    expect(b.lease.role).toBe('leader');
    expect(await leaseItem(target)).toMatchObject({ owner: 'b', fence: 2 });
  });

  it('three replicas: exactly one leads after any number of simultaneous rounds', async () => {
    const { all } = replicas('a', 'b', 'c');
    for (let round = 0; round < 5; round += 1) {
      await Promise.all(all.map((r) => r.lease.heartbeat()));
      expect(all.filter((r) => r.lease.role === 'leader')).toHaveLength(1);
    }
  });

  it('state saves are fenced: the old leader\'s save is refused after a takeover, the new leader\'s goes through', async () => {
    const { target, all } = replicas('a', 'b');
    const [a, b] = all as [Replica, Replica];
    await a.lease.heartbeat();
    const storeA = createDynamoDbStateStore({ table: TABLE, client, targets: [target], leaseGuard: () => a.lease.guard() });
    const snapshot = (names: string[]) => ({
      formatVersion: 1 as const,
      targets: { [target]: { profiles: Object.fromEntries(names.map((name) => [name, { name, origin: 'created' as const, connectorType: 'Datadog' }])), intents: {} } },
    });
    await storeA.save(snapshot(['x']));

    await b.lease.heartbeat();
    b.clock.now += LEASE_MS;
    await b.lease.heartbeat();
    expect(b.lease.role).toBe('leader');

    // a's clock did not move (it does not know it was paused): its local check passes, but the
    // table's condition on (owner, fence) refuses the write.
    await expect(storeA.save(snapshot(['x', 'from-old-leader']))).rejects.toBeInstanceOf(StateWriteFencedError);
    const storeB = createDynamoDbStateStore({ table: TABLE, client, targets: [target], leaseGuard: () => b.lease.guard() });
    await storeB.load();
    await storeB.save(snapshot(['x', 'from-new-leader']));
    const names = Object.keys((await createDynamoDbStateStore({ table: TABLE, client, targets: [target] }).load()).state.targets[target]!.profiles);
    expect(names.sort()).toEqual(['from-new-leader', 'x']);
  });
});
