// Daemon replicas with declared targets on one shared DynamoDB state (the built CLI, the emulator
// with STS for two accounts, DynamoDB Local, lease 3 s / heartbeat 500 ms): each target is led by
// exactly one replica, targets spread over replicas (A leads dev-us while B leads prod-eu), every
// profile is created once, and kill -9 of a replica hands its targets to the other, which applies
// the next edit once. Synchronised on /status, log lines and the emulator's request log.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { StateTableClient } from '../../src/state/dynamodb/client.js';
import { ensureBuilt, runBuiltCli } from '../support/cli.js';
import type { DynamoDbLocal } from '../support/dynamodb-local.js';
import { resetEmulator, type EmulatorHarness } from '../support/emulator-harness.js';
import { DEV, DEV_KEY, PROD, PROD_KEY, seedSentinelSecrets, startSharedStateRig, TWO_TARGETS_CONFIG, type SharedStateRig } from '../support/two-targets-shared-state.js';
import { datadogDocument } from '../support/profile-documents.js';
import { waitFor } from '../support/wait-for.js';
import { profileDir } from '../desired/helpers.js';
import { DaemonProcess, emulatorEnv } from './daemon-process.js';

const SOURCES = ['runtime/run-daemon.ts', 'runtime/shared-state.ts', 'runtime/daemon-fleet.ts', 'leadership/target-lease.ts', 'cli/commands/run.ts'];
const LEASE_MS = 3_000;
const HEARTBEAT_MS = 500;
const SLOW = 120_000;
const SENTINEL = 'SENTINEL-SECRET-ha-targets';

let rig: SharedStateRig;
let ddb: DynamoDbLocal;
let harness: EmulatorHarness;
let table: StateTableClient;
const daemons: DaemonProcess[] = [];

beforeAll(async () => {
  ensureBuilt(SOURCES);
  rig = await startSharedStateRig();
  ({ ddb, harness, table } = rig);
}, SLOW);

afterEach(async () => {
  for (const d of daemons.splice(0)) {
    d.kill();
    await d.exited;
  }
});

afterAll(async () => {
  await rig?.stop();
});

interface Setup {
  dir: string;
  name: string;
}

async function setup(): Promise<Setup> {
  resetEmulator(harness.emulator);
  expect((await fetch(`${harness.emulator.endpoint}/__emulator/reset`, { method: 'POST' })).status).toBe(200);
  seedSentinelSecrets(harness.emulator, SENTINEL);
  const dir = profileDir({
    'appflow-gitops.yaml': TWO_TARGETS_CONFIG,
    'dev/a.yaml': stringify(datadogDocument('dev-a')),
    'dev/b.yaml': stringify(datadogDocument('dev-b')),
    'prod/c.yaml': stringify(datadogDocument('prod-c')),
  });
  const name = `ha-targets-${Date.now()}`;
  const init = await runBuiltCli(['state', 'init', '--state', `dynamodb://${name}`], { cwd: dir, env: { ...ddb.env, HOME: dir } });
  expect(init.code, init.stderr).toBe(0);
  return { dir, name };
}

async function start(s: Setup, ...extra: string[]): Promise<DaemonProcess> {
  const d = new DaemonProcess(
    ['--profiles', s.dir, '--state', `dynamodb://${s.name}`, '--listen', '127.0.0.1:0', '--interval', '1h', '--lease-duration', `${LEASE_MS}ms`, '--lease-heartbeat', `${HEARTBEAT_MS}ms`, '--log-format', 'json', ...extra],
    { ...emulatorEnv(harness.emulator.endpoint), ...ddb.env },
    s.dir,
  );
  daemons.push(d);
  await d.started();
  return d;
}

interface LeaseView {
  target: string;
  role: string;
  holder?: string;
  fence?: number;
}

async function roles(d: DaemonProcess): Promise<Record<string, string>> {
  const status = await d.json<{ leadership?: LeaseView[] }>('/status').catch(() => undefined);
  return Object.fromEntries((status?.leadership ?? []).map((l) => [l.target, l.role]));
}

/** Resolves once each key is led by exactly one of `replicas`, with the leader of each. */
async function leaders(replicas: DaemonProcess[], keys: string[], timeoutMs = 20_000): Promise<Record<string, DaemonProcess>> {
  return waitFor(async () => {
    const views = await Promise.all(replicas.map(roles));
    const result: Record<string, DaemonProcess> = {};
    for (const key of keys) {
      const leading = replicas.filter((_, i) => views[i]?.[key] === 'leader');
      if (leading.length !== 1) return undefined;
      result[key] = leading[0]!;
    }
    return result;
  }, timeoutMs);
}

function creates(name: string): number {
  return harness.emulator.requestLog().filter((e) => e.operation === 'CreateConnectorProfile' && e.profileName === name && e.status === 200).length;
}

function updates(name: string): number {
  return harness.emulator.requestLog().filter((e) => e.operation === 'UpdateConnectorProfile' && e.profileName === name && e.status === 200).length;
}

describe('daemon replicas with declared targets on one shared state', () => {
  it('targets spread over replicas, each led by one; every profile created once; kill -9 hands the targets over and the next edit is applied once', async () => {
    const s = await setup();
    // A reconciles dev-us only and leads it before B starts; B, with every target, takes prod-eu.
    const a = await start(s, '--target', 'dev-us');
    await leaders([a], [DEV_KEY]);
    const b = await start(s);
    const led = await leaders([a, b], [DEV_KEY, PROD_KEY]);
    expect(led[DEV_KEY]).toBe(a);
    expect(led[PROD_KEY]).toBe(b);
    expect((await roles(b))[DEV_KEY]).toBe('standby');
    await waitFor(() => creates('dev-a') === 1 && creates('dev-b') === 1 && creates('prod-c') === 1, 20_000);
    expect(harness.emulator.profileNames!(DEV)).toEqual(['dev-a', 'dev-b']);
    expect(harness.emulator.profileNames!(PROD)).toEqual(['prod-c']);

    // The leader gauge per target on each replica.
    const metricsB = await b.text('/metrics');
    expect(metricsB).toMatch(new RegExp(`appflow_gitops_leader\\{target="${DEV_KEY}"\\} 0`));
    expect(metricsB).toMatch(new RegExp(`appflow_gitops_leader\\{target="${PROD_KEY}"\\} 1`));
    // Both replicas are ready: a healthy standby is ready too.
    await Promise.all([a.waitReady(), b.waitReady()]);

    // kill -9 of A: B takes dev-us over (fence 2) and applies an edit to a dev file, once.
    const from = b.lines.length;
    a.kill();
    const killedAt = Date.now();
    writeFileSync(join(s.dir, 'dev', 'a.yaml'), stringify(datadogDocument('dev-a', { instanceUrl: 'https://api.datadoghq.eu' })));
    const tookOver = await b.waitForLog((l) => l.event === 'lease.role' && l.role === 'leader' && l.target === DEV_KEY, 30_000, from);
    await waitFor(() => updates('dev-a') === 1, 30_000);
    console.log(`kill -9 of the replica leading dev-us: takeover ${tookOver.receivedAt - killedAt} ms, edit applied ${Date.now() - killedAt} ms after the kill (lease ${LEASE_MS} ms, heartbeat ${HEARTBEAT_MS} ms)`);
    const after = await b.json<{ leadership: LeaseView[] }>('/status');
    expect(after.leadership.find((l) => l.target === DEV_KEY)).toMatchObject({ name: 'dev-us', role: 'leader', fence: 2 });
    expect(after.leadership.find((l) => l.target === PROD_KEY)).toMatchObject({ name: 'prod-eu', role: 'leader', fence: 1 });
    for (const name of ['dev-a', 'dev-b', 'prod-c']) expect(creates(name)).toBe(1);
    expect(updates('dev-a')).toBe(1);

    // Each target's inventory is in its own partition; nothing in the table holds a secret value.
    const items = (await table.doc.send(new ScanCommand({ TableName: s.name, ConsistentRead: true }))).Items ?? [];
    const profiles = items.filter((i) => String(i.sk).startsWith('profile#')).map((i) => `${String(i.pk)} ${String(i.sk)}`).sort();
    expect(profiles).toEqual([`target#${DEV_KEY} profile#dev-a`, `target#${DEV_KEY} profile#dev-b`, `target#${PROD_KEY} profile#prod-c`]);
    expect(JSON.stringify(items)).not.toContain(SENTINEL);
    for (const d of [a, b]) expect(d.rawStdout.join('\n') + d.stderr).not.toContain(SENTINEL);
  }, SLOW);

  it('apply fails only the target a daemon leads; a suspend through that daemon holds every replica, resume lifts it', async () => {
    const s = await setup();
    const a = await start(s, '--target', 'prod-eu');
    await leaders([a], [PROD_KEY]);
    await waitFor(() => creates('prod-c') === 1, 20_000);
    const holder = (await a.json<{ leadership: LeaseView[] }>('/status')).leadership[0]!.holder!;

    const apply = await runBuiltCli(['apply', '--profiles', s.dir, '--state', `dynamodb://${s.name}`], { cwd: s.dir, env: { ...emulatorEnv(harness.emulator.endpoint), ...ddb.env, NO_COLOR: '1' } });
    expect(apply.code).toBe(1);
    expect(apply.stdout).toContain(`Target failed: state.led-elsewhere: target ${PROD_KEY} in dynamodb://${s.name} is led by ${holder}`);
    expect(harness.emulator.profileNames!(DEV)).toEqual(['dev-a', 'dev-b']);
    expect(creates('prod-c')).toBe(1);
    expect(apply.stdout + apply.stderr).not.toContain(SENTINEL);

    // Suspended through A (prod-eu only): B, with every target, honours it for all of them.
    expect((await fetch(`${a.url}/suspend`, { method: 'POST' })).status).toBe(200);
    const b = await start(s);
    await leaders([a, b], [DEV_KEY, PROD_KEY]);
    await waitFor(async () => (await b.json<{ suspended?: { suspended: boolean } }>('/status')).suspended?.suspended === true, 10_000);
    let from = b.lines.length;
    writeFileSync(join(s.dir, 'dev', 'a.yaml'), stringify(datadogDocument('dev-a', { instanceUrl: 'https://api.datadoghq.eu' })));
    await b.waitForLog((l) => l.event === 'daemon.pass' && l.target === 'dev-us', 15_000, from);
    expect(updates('dev-a')).toBe(0);

    // resume through A lifts it on B too, which applies the edit once.
    from = b.lines.length;
    expect((await fetch(`${a.url}/resume`, { method: 'POST' })).status).toBe(200);
    await waitFor(() => updates('dev-a') === 1, 20_000);
    await b.waitForLog((l) => l.event === 'daemon.resumed', 10_000, from);
    expect(updates('dev-a')).toBe(1);
  }, SLOW);
});
