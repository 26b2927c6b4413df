// The daemon with declared targets, end to end: the built CLI's `run` against the emulator with two
// accounts x two regions (the default account's keys, and a role in account 222222222222 assumed
// through STS). One Daemon per target behind one watcher and one HTTP server: each target
// converges in isolation, /status groups profiles by target, metrics carry the target label,
// every log line of a pass names its target, and no sentinel secret reaches any output.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runBuiltCli } from '../support/cli.js';
import { startEmulatorHarness, type EmulatorHarness } from '../support/emulator-harness.js';
import { FOUR_PLACES, fourTargetsConfig, freshFourTargets, SPOKE_ROLE, type FourTargetName } from '../support/four-targets.js';
import { datadogCreateRequest, datadogDocument } from '../support/profile-documents.js';
import { waitFor } from '../support/wait-for.js';
import { DaemonProcess, emulatorEnv } from './daemon-process.js';

const SLOW = 120_000;
const ROLE = SPOKE_ROLE;
const SENTINEL = 'SENTINEL-SECRET-fleet';
const PLACES = FOUR_PLACES;
type TargetName = FourTargetName;

interface TargetEntry {
  name: string;
  key: string;
  accountId?: string;
  region: string;
  endpoint?: string;
  emulator: boolean;
  ready: boolean;
  error?: string;
  lastReconcile?: { result: string };
  profiles: { name: string; target: string; condition: string }[];
}
interface FleetStatus {
  ready: boolean;
  profiles: { name: string; target: string; condition: string }[];
  targets: TargetEntry[];
  lastReconcile?: { result: string };
}

let harness: EmulatorHarness;
let dir: string;
let state: string;
const daemons: DaemonProcess[] = [];
const outputs: string[] = [];

beforeAll(async () => {
  harness = await startEmulatorHarness();
});
afterEach(async () => {
  for (const d of daemons.splice(0)) {
    await d.stop();
    outputs.push(d.rawStdout.join('\n'), d.stderr);
  }
});
afterAll(async () => {
  await harness.close();
  // Nothing the daemons logged or served may hold a secret value.
  expect(outputs.join('\n')).not.toContain(SENTINEL);
});
beforeEach(async () => {
  ({ dir, state } = await freshFourTargets(harness.emulator, SENTINEL));
});

const datadogCreate = (name: string) => datadogCreateRequest(name, { apiKey: `${SENTINEL}-x`, applicationKey: `${SENTINEL}-y` }, 'https://api.datadoghq.com');
const names = (target: TargetName) => harness.emulator.profileNames!(PLACES[target]);

async function startFleet(...extra: string[]): Promise<DaemonProcess> {
  const daemon = new DaemonProcess(['--profiles', dir, '--state', state, '--listen', '127.0.0.1:0', '--interval', '1h', ...extra], emulatorEnv(harness.emulator.endpoint), dir);
  daemons.push(daemon);
  await daemon.started();
  return daemon;
}

const passLines = (daemon: DaemonProcess, from = 0) => daemon.lines.slice(from).filter((l) => l.event === 'daemon.pass');
const appflowCalls = () => harness.emulator.requestLog().filter((e) => e.service === 'appflow');

/** Resolves once each named target has logged a finished pass with this result (from line `from`). */
async function passesDone(daemon: DaemonProcess, results: Partial<Record<TargetName, string>>, from = 0): Promise<void> {
  for (const [target, result] of Object.entries(results)) {
    await daemon.waitForLog((l) => l.event === 'daemon.pass' && l.target === target && l.result === result, 30_000, from);
  }
}

describe('run with declared targets (built CLI, emulator with STS)', () => {
  it('converges every target in its own account and region; /status by target; metrics and logs carry the target', async () => {
    const daemon = await startFleet();
    await daemon.waitReady(30_000);
    expect(names('dev-us')).toEqual(['common', 'dev-app']);
    expect(names('dev-eu')).toEqual(['dev-app']);
    expect(names('prod-us')).toEqual(['common', 'prod-app']);
    expect(names('prod-eu')).toEqual(['prod-app']);

    const status = await daemon.json<FleetStatus>('/status');
    expect(status.ready).toBe(true);
    expect(status.targets.map((t) => [t.name, t.key, t.accountId, t.region, t.emulator, t.ready])).toEqual([
      ['dev-us', '123456789012/us-east-1@local', '123456789012', 'us-east-1', true, true],
      ['dev-eu', '123456789012/eu-west-1@local', '123456789012', 'eu-west-1', true, true],
      ['prod-us', '222222222222/us-east-1@local', '222222222222', 'us-east-1', true, true],
      ['prod-eu', '222222222222/eu-west-1@local', '222222222222', 'eu-west-1', true, true],
    ]);
    expect(status.targets.map((t) => t.profiles.map((p) => `${p.target}:${p.name}:${p.condition}`))).toEqual([
      ['dev-us:common:Ready', 'dev-us:dev-app:Ready'],
      ['dev-eu:dev-app:Ready'],
      ['prod-us:common:Ready', 'prod-us:prod-app:Ready'],
      ['prod-eu:prod-app:Ready'],
    ]);
    // The top level keeps every profile, each naming its target.
    expect(status.profiles.map((p) => `${p.target}:${p.name}`)).toHaveLength(6);

    const metrics = await daemon.text('/metrics');
    for (const target of Object.keys(PLACES)) {
      expect(metrics).toContain(`appflow_gitops_profiles{condition="Ready",target="${target}"} ${target.endsWith('us') ? 2 : 1}`);
      expect(metrics).toMatch(new RegExp(`appflow_gitops_aws_calls_total\\{service="appflow",operation="CreateConnectorProfile",code="Success",target="${target}"\\} [12]`));
      expect(metrics).toMatch(new RegExp(`appflow_gitops_reconcile_total\\{result="success",target="${target}"\\} 1`));
    }
    expect(metrics).not.toContain('target="default"');

    // Every line logged by a target's daemon, pass or executor names that target.
    const passScoped = daemon.lines.filter((l) => typeof l.reconcileId === 'string');
    expect(passScoped.length).toBeGreaterThan(8);
    for (const line of passScoped) expect(Object.keys(PLACES), JSON.stringify(line)).toContain(line.target);
    const writes = daemon.lines.filter((l) => l.event === 'profile.reconciled');
    expect(writes.map((l) => `${String(l.target)}:${String(l.profile ?? l.name)}`).sort()).toHaveLength(6);
    expect(JSON.stringify(status) + metrics).not.toContain(SENTINEL);
  }, SLOW);

  it('a file edit wakes only the targets that take it (event-synchronised)', async () => {
    const daemon = await startFleet();
    await daemon.waitReady(30_000);
    const from = daemon.lines.length;
    writeFileSync(join(dir, 'prod', 'more.yaml'), stringify(datadogDocument('prod-more')));
    // Both prod targets are told in the same burst; then each finishes its pass.
    await daemon.waitForLog((l) => l.event === 'daemon.files-changed' && l.target === 'prod-eu', 15_000, from);
    await daemon.waitForLog((l) => l.event === 'daemon.pass' && l.target === 'prod-eu', 15_000, from);
    await daemon.waitForLog((l) => l.event === 'daemon.pass' && l.target === 'prod-us', 15_000, from);
    const woken = daemon.lines.slice(from).filter((l) => l.event === 'daemon.files-changed').map((l) => l.target);
    expect(woken.sort()).toEqual(['prod-eu', 'prod-us']);
    expect(passLines(daemon, from).map((l) => l.target).sort()).toEqual(['prod-eu', 'prod-us']);
    expect(names('prod-eu')).toEqual(['prod-app', 'prod-more']);
    expect(names('dev-us')).toEqual(['common', 'dev-app']);
  }, SLOW);

  it('a denied role fails only its targets: the others converge, /status names the error, /readyz waits, a retry recovers', async () => {
    harness.emulator.faults.denyRole!(ROLE);
    const daemon = await startFleet();
    await passesDone(daemon, { 'dev-us': 'success', 'dev-eu': 'success', 'prod-us': 'error', 'prod-eu': 'error' });
    expect(names('dev-us')).toEqual(['common', 'dev-app']);
    expect(names('dev-eu')).toEqual(['dev-app']);
    expect(names('prod-us')).toEqual([]);
    expect(appflowCalls().every((e) => e.accountId === '123456789012')).toBe(true);

    const status = await daemon.json<FleetStatus>('/status');
    const byName = Object.fromEntries(status.targets.map((t) => [t.name, t]));
    expect(byName['dev-us']).toMatchObject({ ready: true, lastReconcile: { result: 'success' } });
    expect(byName['prod-us']!.error).toContain(`target prod-us: could not assume ${ROLE}: AccessDenied`);
    expect(byName['prod-eu']!.ready).toBe(false);
    expect(status.ready).toBe(false);
    expect(status.lastReconcile?.result).toBe('error');
    // Ready means every target has finished a pass: a target that cannot is a rollout to hold.
    expect((await fetch(`${daemon.url}/readyz`)).status).toBe(503);
    // `appflow-gitops status`: the target column, and one line per failed target.
    const cli = await runBuiltCli(['status', '--server', daemon.url], { cwd: dir, env: { PATH: process.env.PATH, NO_COLOR: '1' } });
    expect(cli.code).toBe(0);
    expect(cli.stdout.split('\n')[0]).toMatch(/^NAME\s+TARGET\s+CONDITION/);
    expect(cli.stdout).toMatch(/^common\s+dev-us\s+Ready/m);
    expect(cli.stderr.split('\n').filter((l) => l.startsWith('target prod-us: could not assume'))).toHaveLength(1);
    outputs.push(cli.stdout, cli.stderr);
    const metrics = await daemon.text('/metrics');
    expect(metrics).toMatch(/appflow_gitops_reconcile_total\{result="error",target="prod-us"\} [1-9]/);
    expect(metrics).toContain('appflow_gitops_reconcile_total{result="success",target="dev-us"} 1');

    // The role is allowed again: the next pass asks STS again and the target converges.
    harness.emulator.faults.denyRole!(ROLE, false);
    const from = daemon.lines.length;
    expect((await fetch(`${daemon.url}/reconcile`, { method: 'POST' })).status).toBe(202);
    await passesDone(daemon, { 'prod-us': 'success', 'prod-eu': 'success' }, from);
    expect(names('prod-us')).toEqual(['common', 'prod-app']);
    await daemon.waitReady(15_000);
  }, SLOW);

  it('an account mismatch makes no AppFlow call for that target', async () => {
    writeFileSync(join(dir, 'appflow-gitops.yaml'), fourTargetsConfig({ 'dev-us': { accountId: '999999999999' } }));
    const daemon = await startFleet();
    await passesDone(daemon, { 'dev-us': 'error', 'dev-eu': 'success', 'prod-us': 'success', 'prod-eu': 'success' });
    expect(appflowCalls().filter((e) => e.accountId === '123456789012' && e.region === 'us-east-1')).toEqual([]);
    const status = await daemon.json<FleetStatus>('/status');
    expect(status.targets.find((t) => t.name === 'dev-us')!.error).toContain('the credentials belong to account 123456789012, not 999999999999');
    expect(names('dev-eu')).toEqual(['dev-app']);
  }, SLOW);

  it('prune stays inside its target; the state file keeps one entry per target', async () => {
    // prod-eu's only file goes below: that target then takes no file, so its deletes need --allow-empty.
    const daemon = await startFleet('--prune', '--allow-empty');
    await daemon.waitReady(30_000);
    const from = daemon.lines.length;
    rmSync(join(dir, 'prod', 'app.yaml'));
    await passesDone(daemon, { 'prod-us': 'success', 'prod-eu': 'success' }, from);
    expect(names('prod-us')).toEqual(['common']);
    expect(names('prod-eu')).toEqual([]);
    expect(names('dev-us')).toEqual(['common', 'dev-app']);
    expect(names('dev-eu')).toEqual(['dev-app']);
    const deletes = appflowCalls().filter((e) => e.operation === 'DeleteConnectorProfile');
    expect(deletes.map((e) => `${e.accountId}/${e.region}:${e.profileName}`).sort()).toEqual(['222222222222/eu-west-1:prod-app', '222222222222/us-east-1:prod-app']);
    const saved = JSON.parse(readFileSync(join(state, 'state.json'), 'utf8')) as { targets: Record<string, { profiles: Record<string, unknown> }> };
    expect(Object.fromEntries(Object.entries(saved.targets).map(([k, t]) => [k, Object.keys(t.profiles).sort()]))).toEqual({
      '123456789012/us-east-1@local': ['common', 'dev-app'],
      '123456789012/eu-west-1@local': ['dev-app'],
      '222222222222/us-east-1@local': ['common'],
      '222222222222/eu-west-1@local': [],
    });
  }, SLOW);

  it('a checkout without a target\'s only directory prunes nothing there: /status says why; the other targets prune as usual', async () => {
    const daemon = await startFleet('--prune', '--max-deletes', '100');
    await daemon.waitReady(30_000);
    const from = daemon.lines.length;
    // git-sync delivers a checkout without prod/: prod-eu (paths: prod/) takes no file at all.
    rmSync(join(dir, 'prod'), { recursive: true });
    await passesDone(daemon, { 'prod-us': 'success', 'prod-eu': 'success' }, from);
    expect(names('prod-eu')).toEqual(['prod-app']);
    // prod-us still takes shared/: the removed file is an ordinary prune there.
    expect(names('prod-us')).toEqual(['common']);
    expect(names('dev-us')).toEqual(['common', 'dev-app']);
    const deletes = appflowCalls().filter((e) => e.operation === 'DeleteConnectorProfile');
    expect(deletes.map((e) => `${e.accountId}/${e.region}:${e.profileName}`)).toEqual(['222222222222/us-east-1:prod-app']);
    const line = "prune skipped: target prod-eu's paths (prod/) match no profile file; pass --allow-empty to delete every profile it manages";
    const status = await daemon.json<FleetStatus & { warnings: string[] }>('/status');
    expect(status.warnings).toContain(`prod-eu: ${line}`);
    expect(status.warnings.filter((w) => w.includes('prune skipped'))).toHaveLength(1);
  }, SLOW);

  it('state isolation: an inventory kept for AWS is never pruned through the emulator, and stays in the file untouched', async () => {
    // What `apply` against AWS left for the same account and region (no @endpoint in its key).
    mkdirSync(state, { recursive: true, mode: 0o700 });
    const awsEntry = { profiles: { 'aws-only': { name: 'aws-only', origin: 'created', connectorType: 'Datadog', lastAppliedAt: '2026-01-01T00:00:00.000Z' } }, intents: {} };
    writeFileSync(join(state, 'state.json'), JSON.stringify({ formatVersion: 1, targets: { '123456789012/us-east-1': awsEntry } }));
    // The same name exists in the emulator's partition, with no document for it.
    harness.emulator.seed({ ...PLACES['dev-us'], profiles: [datadogCreate('aws-only')] });
    const daemon = await startFleet('--prune');
    await daemon.waitReady(30_000);
    expect(names('dev-us')).toEqual(['aws-only', 'common', 'dev-app']);
    expect(appflowCalls().filter((e) => e.operation === 'DeleteConnectorProfile')).toEqual([]);
    const saved = JSON.parse(readFileSync(join(state, 'state.json'), 'utf8')) as { targets: Record<string, unknown> };
    expect(saved.targets['123456789012/us-east-1']).toEqual(awsEntry);
    expect(Object.keys(saved.targets).sort()).toEqual(['123456789012/eu-west-1@local', '123456789012/us-east-1', '123456789012/us-east-1@local', '222222222222/eu-west-1@local', '222222222222/us-east-1@local']);
  }, SLOW);

  it('a file no target takes: a warning in /status and the log (every target converges); gone when the file goes, waking no target', async () => {
    mkdirSync(join(dir, 'stray'));
    writeFileSync(join(dir, 'stray', 'lost.yaml'), stringify(datadogDocument('lost')));
    const daemon = await startFleet();
    await daemon.waitReady(30_000);
    const message = `${dir}/stray/lost.yaml:1:1: no target takes this file (targets: dev-us, dev-eu, prod-us, prod-eu)`;
    await daemon.waitForLog((l) => l.event === 'daemon.placement');
    expect(daemon.lines.filter((l) => l.event === 'daemon.placement').map((l) => String(l.msg))).toEqual([expect.stringContaining(message)]);
    expect((await daemon.json<{ warnings: string[] }>('/status')).warnings.some((w) => w.startsWith(message))).toBe(true);
    for (const target of Object.keys(PLACES) as TargetName[]) expect(names(target)).not.toContain('lost');

    const from = daemon.lines.length;
    rmSync(join(dir, 'stray'), { recursive: true });
    await waitFor(async () => ((await daemon.json<{ warnings: string[] }>('/status')).warnings.length === 0 ? true : undefined), 15_000);
    expect(daemon.lines.slice(from).filter((l) => l.event === 'daemon.files-changed')).toEqual([]);
  }, SLOW);
});
