// Several `appflow-gitops run --state dynamodb://TABLE` processes (the built CLI) on one profiles
// directory, against the emulator and AWS's DynamoDB Local, with short leases (3 s, heartbeat
// 500 ms): one leader writes, standbys make no AWS call, every profile is created once, and the
// lease moves on kill -9, SIGSTOP and SIGTERM without a double or a stale write.
import { existsSync } from 'node:fs';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createStateTableClient, type StateTableClient } from '../../src/state/dynamodb/client.js';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../support/cli.js';
import { startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local.js';
import { profileWrites, resetEmulator, startEmulatorHarness, type EmulatorHarness } from '../support/emulator-harness.js';
import { waitFor } from '../support/wait-for.js';
import { datadog, ddSecret, removeDir, tempDir, writeProfiles } from '../integration/plan-helpers.js';
import { DaemonProcess, emulatorEnv } from './daemon-process.js';

const SOURCES = ['runtime/run-daemon.ts', 'runtime/shared-state.ts', 'runtime/daemon.ts', 'runtime/write-pause.ts', 'state/dynamodb/pause-item.ts', 'leadership/target-lease.ts', 'cli/commands/run.ts'];
const LEASE_MS = 3_000;
const HEARTBEAT_MS = 500;

let ddb: DynamoDbLocal;
let emu: EmulatorHarness;
let work: string;
let tables = 0;
const daemons: DaemonProcess[] = [];

beforeAll(async () => {
  ensureBuilt(SOURCES);
  [ddb, emu, work] = await Promise.all([startDynamoDbLocal(), startEmulatorHarness({ seed: { secrets: [ddSecret('dd', 'one')] } }), tempDir('ha-e2e-')]);
}, 180_000);

afterEach(async () => {
  for (const d of daemons.splice(0)) {
    if (d.child.signalCode === 'SIGSTOP' || d.child.exitCode === null) d.child.kill('SIGCONT');
    d.kill();
    await d.exited;
  }
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await Promise.all([ddb?.stop(), emu?.close(), work ? removeDir(work) : undefined]);
});

interface Fleet {
  table: string;
  profiles: string;
}

async function fleet(names: string[]): Promise<Fleet> {
  tables += 1;
  const table = `ha-${tables}`;
  const profiles = join(work, `profiles-${tables}`);
  await writeProfiles(profiles, Object.fromEntries(names.map((n) => [`${n}.json`, datadog(n)])));
  const { runBuiltCli } = await import('../support/cli.js');
  const init = await runBuiltCli(['state', 'init', '--state', `dynamodb://${table}`], { cwd: work, env: { ...ddb.env, HOME: work } });
  expect(init.code, init.stderr).toBe(0);
  resetEmulator(emu.emulator);
  return { table, profiles };
}

async function startDaemon(f: Fleet): Promise<DaemonProcess> {
  const d = new DaemonProcess(
    ['--profiles', f.profiles, '--state', `dynamodb://${f.table}`, '--listen', '127.0.0.1:0', '--interval', '1h', '--lease-duration', `${LEASE_MS}ms`, '--lease-heartbeat', `${HEARTBEAT_MS}ms`, '--log-format', 'json'],
    { ...emulatorEnv(emu.emulator.endpoint), ...ddb.env },
    work,
  );
  daemons.push(d);
  await d.started();
  return d;
}

const clients: StateTableClient[] = [];

/** A document client on DynamoDB Local for the test's own reads of the table. */
function tableDoc(): DynamoDBDocumentClient {
  clients[0] ??= createStateTableClient(ddb.sdkConfig());
  return clients[0].doc;
}

interface LeaseView {
  role: string;
  holder?: string;
  fence?: number;
}

async function role(d: DaemonProcess): Promise<LeaseView | undefined> {
  const status = await d.json<{ leadership?: LeaseView[] }>('/status').catch(() => undefined);
  return status?.leadership?.[0];
}

/** The one leader among `candidates` once exactly one says so and all others are standbys. */
async function leaderOf(candidates: DaemonProcess[], timeoutMs = 15_000): Promise<DaemonProcess> {
  return waitFor(async () => {
    const roles = await Promise.all(candidates.map(role));
    const leaders = candidates.filter((_, i) => roles[i]?.role === 'leader');
    return leaders.length === 1 && roles.every((r) => r?.role === 'leader' || r?.role === 'standby') ? leaders[0] : undefined;
  }, timeoutMs);
}

function writesOf(name: string, operation: string) {
  return profileWrites(emu.emulator).filter((w) => w.profileName === name && w.operation === operation && w.status === 200);
}

async function appliedAll(names: string[], timeoutMs = 20_000): Promise<void> {
  await waitFor(() => names.every((n) => writesOf(n, 'CreateConnectorProfile').length >= 1), timeoutMs);
}

describe('several daemons on one shared state', () => {
  it('two and then three replicas converge with every profile created once; an edit is applied once; standbys are ready and call no AWS API', async () => {
    const names = ['p1', 'p2', 'p3', 'p4', 'p5'];
    const f = await fleet(names);
    const [a, b] = await Promise.all([startDaemon(f), startDaemon(f)]);
    const leader = await leaderOf([a, b]);
    await appliedAll(names);
    const c = await startDaemon(f);
    await leaderOf([a, b, c]);
    for (const n of names) expect(writesOf(n, 'CreateConnectorProfile')).toHaveLength(1);

    // Standbys are ready (a healthy standby must not be restarted or unrouted).
    for (const d of [a, b, c]) await d.waitReady();
    const standby = [a, b, c].find((d) => d !== leader)!;
    const metrics = await standby.text('/metrics');
    expect(metrics).toMatch(/appflow_gitops_leader\{target="us-east-1\/default@local"\} 0/);
    expect(await leader.text('/metrics')).toMatch(/appflow_gitops_leader\{target="us-east-1\/default@local"\} 1/);
    expect(metrics).not.toMatch(/appflow_gitops_aws_calls_total\{/);

    await writeProfiles(f.profiles, { 'p1.json': datadog('p1', 'dd', 'https://api.datadoghq.eu') });
    await waitFor(() => writesOf('p1', 'UpdateConnectorProfile').length === 1, 20_000);
    // Every replica's watcher saw the edit; one more pass on every replica; still exactly one update.
    await Promise.all([a, b, c].map((d) => d.waitForLog((l) => l.event === 'daemon.files-changed')));
    const from = leader.lines.length;
    await Promise.all([a, b, c].map((d) => fetch(`${d.url}/reconcile`, { method: 'POST' })));
    await leader.waitForLog((l) => l.event === 'daemon.pass', 15_000, from);
    expect(writesOf('p1', 'UpdateConnectorProfile')).toHaveLength(1);

    // Suspend on shared state is held in memory: nothing is written to a path made of the URL.
    const suspended = await fetch(`${leader.url}/suspend`, { method: 'POST' });
    expect(suspended.status).toBe(200);
    expect(existsSync(join(work, 'dynamodb:'))).toBe(false);
  });

  it('suspend through one replica blocks writes on the other, shows on every replica, survives a restart, and resume on any replica lifts it', async () => {
    const f = await fleet(['u1']);
    const [a, b] = await Promise.all([startDaemon(f), startDaemon(f)]);
    const leader = await leaderOf([a, b]);
    const standby = leader === a ? b : a;
    await appliedAll(['u1']);
    await leader.waitForLog((l) => l.event === 'daemon.pass' && l.result === 'success', 15_000);

    // Suspended through the standby: the item is in the table, and the leader learns of it.
    expect((await fetch(`${standby.url}/suspend`, { method: 'POST' })).status).toBe(200);
    const items = (await tableDoc().send(new ScanCommand({ TableName: f.table, ConsistentRead: true }))).Items ?? [];
    expect(items.filter((i) => i.sk === 'suspended')).toHaveLength(1);
    await waitFor(async () => (await leader.json<{ suspended?: { suspended: boolean } }>('/status')).suspended?.suspended === true, 10_000);
    expect(await leader.text('/metrics')).toMatch(/^appflow_gitops_suspended 1$/m);
    expect(await standby.text('/metrics')).toMatch(/^appflow_gitops_suspended 1$/m);

    // An edit: the leader's pass reads it and writes nothing.
    let from = leader.lines.length;
    await writeProfiles(f.profiles, { 'u1.json': datadog('u1', 'dd', 'https://api.datadoghq.eu') });
    await leader.waitForLog((l) => l.event === 'daemon.pass', 15_000, from);
    expect(writesOf('u1', 'UpdateConnectorProfile')).toHaveLength(0);

    // Both replicas gone (kill -9), a new one starts: still suspended, still no write.
    for (const d of [a, b]) d.kill();
    await Promise.all([a.exited, b.exited]);
    const c = await startDaemon(f);
    await waitFor(async () => (await role(c))?.role === 'leader', 20_000);
    await c.waitForLog((l) => l.event === 'daemon.pass', 15_000);
    expect((await c.json<{ suspended?: { suspended: boolean } }>('/status')).suspended?.suspended).toBe(true);
    expect(writesOf('u1', 'UpdateConnectorProfile')).toHaveLength(0);

    // resume through a standby replica lifts it everywhere: the leader applies the edit, once.
    const d = await startDaemon(f);
    await leaderOf([c, d]);
    from = c.lines.length;
    expect((await fetch(`${d.url}/resume`, { method: 'POST' })).status).toBe(200);
    await waitFor(() => writesOf('u1', 'UpdateConnectorProfile').length === 1, 20_000);
    expect(((await tableDoc().send(new ScanCommand({ TableName: f.table, ConsistentRead: true }))).Items ?? []).filter((i) => i.sk === 'suspended')).toEqual([]);
    await c.waitForLog((l) => l.event === 'daemon.resumed', 10_000, from);
  }, 90_000);

  it('kill -9 of the leader: the standby applies the next edit within lease + heartbeat', async () => {
    const f = await fleet(['k1']);
    const [a, b] = await Promise.all([startDaemon(f), startDaemon(f)]);
    const leader = await leaderOf([a, b]);
    const standby = leader === a ? b : a;
    await appliedAll(['k1']);

    const from = standby.lines.length;
    leader.kill();
    const killedAt = Date.now();
    await writeProfiles(f.profiles, { 'k1.json': datadog('k1', 'dd', 'https://api.datadoghq.eu') });
    const tookOver = await standby.waitForLog((l) => l.event === 'lease.role' && l.role === 'leader', 30_000, from);
    await waitFor(() => writesOf('k1', 'UpdateConnectorProfile').length === 1, 30_000);
    const takeoverMs = tookOver.receivedAt - killedAt;
    const appliedMs = Date.now() - killedAt;
    console.log(`kill -9: takeover ${takeoverMs} ms, edit applied ${appliedMs} ms after the kill (lease ${LEASE_MS} ms, heartbeat ${HEARTBEAT_MS} ms)`);
    // The takeover waits one full lease from the standby's first sight of the last renewal, which
    // is at most a heartbeat after it, and happens on a heartbeat tick: lease + 2 heartbeats at
    // most, plus slack for a loaded machine.
    expect(takeoverMs).toBeLessThan(LEASE_MS + 2 * HEARTBEAT_MS + 3_000);
    expect((await role(standby))?.role).toBe('leader');
    expect((await role(standby))?.fence).toBe(2);
    expect(writesOf('k1', 'CreateConnectorProfile')).toHaveLength(1);
  });

  it('a leader paused (SIGSTOP) past its lease does not write after it wakes', async () => {
    const f = await fleet(['s1']);
    const [a, b] = await Promise.all([startDaemon(f), startDaemon(f)]);
    const first = await leaderOf([a, b]);
    const second = first === a ? b : a;
    await appliedAll(['s1']);
    // The pass that created s1 has finished (and logged) before the pause.
    await first.waitForLog((l) => l.event === 'daemon.pass' && l.result === 'success', 15_000);

    first.child.kill('SIGSTOP');
    await waitFor(async () => (await role(second))?.role === 'leader', 20_000);
    // Now pause the new leader too, and change the document while both sleep.
    second.child.kill('SIGSTOP');
    await writeProfiles(f.profiles, { 's1.json': datadog('s1', 'dd', 'https://api.datadoghq.eu') });
    const wokeAt = first.lines.length;
    first.child.kill('SIGCONT');
    // The first leader wakes, sees the edit, and finds it no longer holds the lease.
    await first.waitForLog((l) => l.event === 'lease.role' && l.role === 'standby', 15_000, wokeAt);
    expect(writesOf('s1', 'UpdateConnectorProfile')).toHaveLength(0);
    expect(first.lines.slice(wokeAt).filter((l) => l.event === 'profile.reconciled' && l.result === 'applied')).toEqual([]);

    // The second wakes, renews (nobody took its lease over) and applies the edit, once.
    second.child.kill('SIGCONT');
    await waitFor(() => writesOf('s1', 'UpdateConnectorProfile').length === 1, 20_000);
    await leaderOf([first, second]);
    expect(writesOf('s1', 'UpdateConnectorProfile')).toHaveLength(1);
  });

  it('SIGTERM releases the lease: the standby leads within a few seconds', async () => {
    const f = await fleet(['t1']);
    const [a, b] = await Promise.all([startDaemon(f), startDaemon(f)]);
    const leader = await leaderOf([a, b]);
    const standby = leader === a ? b : a;
    await appliedAll(['t1']);
    const from = standby.lines.length;
    const sentAt = Date.now();
    const exit = await leader.stop('SIGTERM');
    expect(exit.code).toBe(0);
    await standby.waitForLog((l) => l.event === 'lease.role' && l.role === 'leader', 10_000, from);
    const handover = Date.now() - sentAt;
    console.log(`SIGTERM hand-over: ${handover} ms (heartbeat ${HEARTBEAT_MS} ms; without release it would take over ${LEASE_MS} ms)`);
    expect(handover).toBeLessThan(LEASE_MS);
  });
});
