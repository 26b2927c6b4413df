// End-to-end: the built CLI's `run` against the emulator over HTTP, with the real SDK clients.
import { AppflowClient, DescribeConnectorProfilesCommand, UpdateConnectorProfileCommand } from '@aws-sdk/client-appflow';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadProfiles } from '../../src/desired/load-profiles.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { nextAnswer, nextArrival, request, sdkConfigFor } from '../support/emulator-harness.js';
import { datadogDocument } from '../support/profile-documents.js';
import { waitFor } from '../support/wait-for.js';
import { DaemonProcess, emulatorEnv } from './daemon-process.js';

const SENTINEL_API_KEY = 'SENTINEL-SECRET-datadog-api-key-7f3a';
const SENTINEL_APP_KEY = 'SENTINEL-SECRET-datadog-app-key-91bc';
const SENTINEL_PASSWORD = 'SENTINEL-SECRET-snowflake-password-55de';
const SENTINELS = [SENTINEL_API_KEY, SENTINEL_APP_KEY, SENTINEL_PASSWORD];

const seed = {
  secrets: [
    { name: 'e2e/datadog', secretString: JSON.stringify({ apiKey: SENTINEL_API_KEY, applicationKey: SENTINEL_APP_KEY }) },
    { name: 'e2e/snowflake', secretString: JSON.stringify({ username: 'svc_appflow', password: SENTINEL_PASSWORD }) },
  ],
};

function datadogJson(instanceUrl: string): string {
  return `${JSON.stringify(datadogDocument('e2e-datadog', { secret: 'e2e/datadog', instanceUrl }), null, 2)}\n`;
}

const snowflakeYaml = `connectorProfileName: e2e-snowflake
connectorType: Snowflake
connectionMode: Public
connectorProfileConfig:
  connectorProfileProperties:
    Snowflake:
      warehouse: COMPUTE_WH
      stage: APPFLOW_DB.PUBLIC.APPFLOW_STAGE
      bucketName: e2e-appflow-staging
      accountName: xy12345
      region: us-east-1
  connectorProfileCredentials:
    Snowflake:
      username: "{{resolve:secretsmanager:e2e/snowflake:SecretString:username}}"
      password: "{{resolve:secretsmanager:e2e/snowflake:SecretString:password}}"
`;

let emu: RunningEmulator;
let work: string;
const daemons: DaemonProcess[] = [];

beforeAll(async () => {
  emu = await startEmulator({ seed });
});
afterAll(async () => {
  await emu?.close();
});
afterEach(async () => {
  for (const d of daemons.splice(0)) d.kill();
  if (work) await rm(work, { recursive: true, force: true });
});

async function makeWorkDir(): Promise<{ profiles: string; state: string }> {
  work = await mkdtemp(join(tmpdir(), 'run-e2e-'));
  const profiles = join(work, 'profiles');
  await mkdir(join(profiles, 'saas'), { recursive: true });
  await writeFile(join(profiles, 'saas', 'datadog.json'), datadogJson('https://api.datadoghq.com'));
  await writeFile(join(profiles, 'snowflake.yaml'), snowflakeYaml);
  return { profiles, state: join(work, 'state') };
}

/** Spawns `run` with `args`, to be killed after the test, and waits until it is ready. */
async function startReady(args: string[], env: NodeJS.ProcessEnv): Promise<DaemonProcess> {
  const daemon = new DaemonProcess(args, env);
  daemons.push(daemon);
  await daemon.started();
  await daemon.waitReady();
  return daemon;
}

function appflowClient(): AppflowClient {
  return new AppflowClient(sdkConfigFor(emu));
}

async function instanceUrlInAws(client: AppflowClient): Promise<string | undefined> {
  const out = await client.send(new DescribeConnectorProfilesCommand({ connectorProfileNames: ['e2e-datadog'] }));
  return out.connectorProfileDetails?.[0]?.connectorProfileProperties?.Datadog?.instanceUrl;
}

async function readAllFiles(dir: string): Promise<string> {
  let text = '';
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) text += await readFile(join(entry.parentPath, entry.name), 'utf8').catch(() => '');
  }
  return text;
}

describe('appflow-gitops run (spawned CLI against the emulator)', () => {
  it('creates on start, updates after a file edit, reverts out-of-band drift on resync, never leaks a secret, exits 0 on SIGTERM', async () => {
    const { profiles, state } = await makeWorkDir();
    emu.clearRequestLog();
    // --embedded-emulator is ignored under APPFLOW_GITOPS_USE_AWS=1: the writes must reach *this* emulator.
    const daemon = new DaemonProcess(
      ['--profiles', profiles, '--state', state, '--listen', '127.0.0.1:0', '--interval', '2s', '--embedded-emulator'],
      { ...emulatorEnv(emu.endpoint), APPFLOW_GITOPS_USE_AWS: '1' },
    );
    daemons.push(daemon);
    await daemon.started();
    expect(daemon.stderr).not.toContain('LOCAL EMULATOR');
    await daemon.waitReady();

    // First pass: both profiles created in this emulator, status Ready.
    const creates = emu.requestLog().filter((e) => e.operation === 'CreateConnectorProfile' && e.status === 200);
    expect(creates.map((e) => e.profileName).sort()).toEqual(['e2e-datadog', 'e2e-snowflake']);
    const status = await daemon.json<{ ready: boolean; profiles: { name: string; condition: string; sourceFile: string; lastAppliedAt?: string }[] }>('/status');
    expect(status.ready).toBe(true);
    expect(status.profiles.map((p) => [p.name, p.condition, p.sourceFile])).toEqual([
      ['e2e-datadog', 'Ready', 'saas/datadog.json'],
      ['e2e-snowflake', 'Ready', 'snowflake.yaml'],
    ]);
    expect(status.profiles.every((p) => typeof p.lastAppliedAt === 'string')).toBe(true);

    // Edit a file: UpdateConnectorProfile follows (the latency is printed, not asserted).
    let updateArrivedAt: number | undefined;
    const unsubscribe = emu.onRequest!((entry) => {
      if (entry.operation === 'UpdateConnectorProfile' && entry.profileName === 'e2e-datadog') updateArrivedAt ??= entry.at;
    });
    const linesBefore = daemon.lines.length;
    const editedAt = Date.now();
    await writeFile(join(profiles, 'saas', 'datadog.json'), datadogJson('https://api.datadoghq.eu'));
    await waitFor(() => updateArrivedAt, 20_000);
    unsubscribe();
    const editToUpdateMs = updateArrivedAt! - editedAt;
    const changed = await daemon.waitForLog((l) => l.event === 'daemon.files-changed', 5000, linesBefore);
    const editToTriggerMs = Date.parse(String(changed.time)) - editedAt; // the daemon's own timestamp
    console.log(`e2e: file edit → reconcile triggered ${editToTriggerMs} ms, → UpdateConnectorProfile at the emulator ${editToUpdateMs} ms`);
    // Measured, not asserted: wall-clock bounds fail on a loaded machine. The 200 ms quiet period
    // and the 1 s cap are proven on a manual clock in test/runtime/profile-watcher.test.ts.
    const client = appflowClient();
    expect(await instanceUrlInAws(client)).toBe('https://api.datadoghq.eu');

    // Out-of-band change (someone in the console): reverted by the next resync (--interval 2s).
    await client.send(
      new UpdateConnectorProfileCommand({
        connectorProfileName: 'e2e-datadog',
        connectionMode: 'Public',
        connectorProfileConfig: { connectorProfileProperties: { Datadog: { instanceUrl: 'https://console-edit.example.com' } } },
      }),
    );
    expect(await instanceUrlInAws(client)).toBe('https://console-edit.example.com');
    const oobAt = Date.now();
    await waitFor(async () => (await instanceUrlInAws(client)) === 'https://api.datadoghq.eu' || undefined, 20_000);
    console.log(`e2e: out-of-band change reverted after ${Date.now() - oobAt} ms (resync interval 2s ±10%)`);
    client.destroy();

    // SIGHUP and POST /reconcile each start a pass now.
    let from = daemon.lines.length;
    daemon.child.kill('SIGHUP');
    await daemon.waitForLog((l) => l.event === 'daemon.pass.start' && (l.triggers as string[]).includes('signal'), 5000, from);
    from = daemon.lines.length;
    expect((await fetch(`${daemon.url}/reconcile`, { method: 'POST' })).status).toBe(202);
    await daemon.waitForLog((l) => l.event === 'daemon.pass.start' && (l.triggers as string[]).includes('http'), 5000, from);

    // Metrics: every family present, with the counts this run produced. (The revert is visible in
    // AWS a moment before the pass that made it finishes and records its metrics.)
    const metrics = await waitFor(async () => {
      const text = await daemon.text('/metrics');
      return /appflow_gitops_drift_detected_total\{action="update",target="default"\} [2-9]/.test(text) ? text : undefined;
    }, 5000);
    expect(metrics).toMatch(/appflow_gitops_reconcile_total\{result="success",target="default"\} [1-9]/);
    expect(metrics).toMatch(/appflow_gitops_reconcile_duration_seconds_count\{result="success",target="default"\} [1-9]/);
    expect(metrics).toContain('appflow_gitops_profiles{condition="Ready",target="default"} 2');
    expect(metrics).toMatch(/appflow_gitops_drift_detected_total\{action="update",target="default"\} [2-9]/);
    expect(metrics).toContain('appflow_gitops_drift_detected_total{action="create",target="default"} 2');
    expect(metrics).toMatch(/appflow_gitops_aws_calls_total\{service="appflow",operation="DescribeConnectorProfiles",code="Success",target="default"\} [1-9]/);
    expect(metrics).toMatch(/appflow_gitops_aws_calls_total\{service="appflow",operation="UpdateConnectorProfile",code="Success",target="default"\} [2-9]/);
    expect(metrics).toMatch(/appflow_gitops_last_successful_reconcile_timestamp_seconds{target="default"} 1\d{9}/);
    expect(metrics).toMatch(/appflow_gitops_reconcile_requests_total\{trigger="resync",target="default"\} [1-9]/);
    expect(metrics).toMatch(/^process_resident_memory_bytes /m);

    // Redaction across every channel: logs, /status, /metrics, state files.
    const statusText = await daemon.text('/status');
    const stateFiles = await readAllFiles(state);
    for (const sentinel of SENTINELS) {
      expect(daemon.rawStdout.join('\n')).not.toContain(sentinel);
      expect(daemon.stderr).not.toContain(sentinel);
      expect(statusText).not.toContain(sentinel);
      expect(metrics).not.toContain(sentinel);
      expect(stateFiles).not.toContain(sentinel);
    }
    expect(daemon.lines.filter((l) => l.notJson)).toEqual([]);

    const exit = await daemon.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(10_000);
    expect(daemon.lines.some((l) => l.event === 'daemon.shutdown' && l.msg === 'shutdown complete')).toBe(true);
  });

  it('SIGTERM during a slow write exits 0 within the bound; the cut-off update never landed, and the restart resends it with the same clientToken', async () => {
    const { profiles, state } = await makeWorkDir();
    const env = emulatorEnv(emu.endpoint);
    const args = ['--profiles', profiles, '--state', state, '--listen', '127.0.0.1:0', '--interval', '1h', '--shutdown-timeout', '1s'];
    const first = await startReady(args, env);

    emu.clearRequestLog();
    // The update is held 2.5 s and then refused before anything is applied: the write is cut
    // off before it lands, so only a resend can make it happen.
    emu.faults.latency('UpdateConnectorProfile', 2500);
    emu.faults.failNext('UpdateConnectorProfile', 1, { status: 500, code: 'InternalServerException' });
    const cutOff = nextAnswer(emu, request('UpdateConnectorProfile', 'e2e-datadog'));
    const arrived = nextArrival(emu, request('UpdateConnectorProfile', 'e2e-datadog'));
    await writeFile(join(profiles, 'saas', 'datadog.json'), datadogJson('https://us5.datadoghq.com'));
    const inFlight = await arrived;
    const exit = await first.stop('SIGTERM');
    console.log(`e2e: SIGTERM during a 2.5 s write with --shutdown-timeout 1s: exit ${exit.code} after ${exit.ms} ms`);
    expect(exit.code).toBe(0);
    // The process ended while its write was still held, i.e. it did not wait for it.
    expect(emu.requestLog().filter((e) => e.operation === 'UpdateConnectorProfile')).toEqual([]);
    expect(first.lines.some((l) => l.event === 'daemon.shutdown')).toBe(true);
    const saved = JSON.parse(await readFile(join(state, 'state.json'), 'utf8')) as { targets: Record<string, { intents: Record<string, { clientToken: string }> }> };
    const intent = Object.values(saved.targets)[0]!.intents['e2e-datadog'];
    expect(intent?.clientToken).toBe(inFlight.clientToken);

    // The held request ends without being applied: AWS still has the old value.
    expect(await cutOff).toMatchObject({ status: 500, clientToken: intent!.clientToken });
    emu.faults.reset();
    const client = appflowClient();
    expect(await instanceUrlInAws(client)).toBe('https://api.datadoghq.com');

    const second = await startReady(args.slice(0, -2), env); // default --shutdown-timeout (10s)
    expect(await instanceUrlInAws(client)).toBe('https://us5.datadoghq.com');
    const all = await client.send(new DescribeConnectorProfilesCommand({ maxResults: 100 }));
    expect(all.connectorProfileDetails!.filter((p) => p.connectorProfileName === 'e2e-datadog')).toHaveLength(1);
    client.destroy();
    // Two requests of that one write: the cut-off one and the restart's resend, one token.
    const updates = emu.requestLog().filter((e) => e.operation === 'UpdateConnectorProfile' && e.profileName === 'e2e-datadog');
    expect(updates.map((u) => [u.status, u.clientToken])).toEqual([
      [500, intent!.clientToken],
      [200, intent!.clientToken],
    ]);
    const status = await second.json<{ profiles: { name: string; condition: string }[] }>('/status');
    expect(status.profiles.find((p) => p.name === 'e2e-datadog')?.condition).toBe('Ready');
    const after = JSON.parse(await readFile(join(state, 'state.json'), 'utf8')) as typeof saved;
    expect(Object.values(after.targets)[0]!.intents['e2e-datadog']).toBeUndefined();

    // SIGTERM while a write is on the wire, with the default 10 s bound: the write finishes first.
    emu.faults.latency('UpdateConnectorProfile', 800);
    const updatesBefore = emu.requestLog().filter((e) => e.operation === 'UpdateConnectorProfile').length;
    const onTheWire = nextArrival(emu, request('UpdateConnectorProfile', 'e2e-datadog'));
    await writeFile(join(profiles, 'saas', 'datadog.json'), datadogJson('https://ap1.datadoghq.com'));
    await onTheWire;
    const graceful = await second.stop('SIGTERM');
    emu.faults.reset();
    console.log(`e2e: SIGTERM during a 0.8 s write (default 10 s bound): exit ${graceful.code} after ${graceful.ms} ms`);
    expect(graceful.code).toBe(0);
    expect(second.lines.some((l) => l.event === 'daemon.shutdown' && l.msg === 'shutdown complete')).toBe(true);
    expect(emu.requestLog().filter((e) => e.operation === 'UpdateConnectorProfile')).toHaveLength(updatesBefore + 1);
    const client2 = appflowClient();
    expect(await instanceUrlInAws(client2)).toBe('https://ap1.datadoghq.com');
    client2.destroy();
    // The write landed once. If the executor could not record its success before exiting, its
    // intent is still there with the token of that very request (so a restart confirms it by
    // Describe or resends it idempotently, never a second different write).
    const finalState = JSON.parse(await readFile(join(state, 'state.json'), 'utf8')) as typeof saved;
    const kept = Object.values(finalState.targets)[0]!.intents['e2e-datadog'];
    const lastUpdate = emu.requestLog().filter((e) => e.operation === 'UpdateConnectorProfile').at(-1);
    if (kept) expect(kept.clientToken).toBe(lastUpdate?.clientToken);
  });

  it('SIGKILL during a create that never landed: the restart Describes, finds nothing, and sends the create again with the same clientToken; one profile', async () => {
    const { profiles, state } = await makeWorkDir();
    const env = emulatorEnv(emu.endpoint);
    const args = ['--profiles', profiles, '--state', state, '--listen', '127.0.0.1:0', '--interval', '1h'];
    const first = await startReady(args, env);

    emu.clearRequestLog();
    emu.faults.latency('CreateConnectorProfile', 1500);
    emu.faults.failNext('CreateConnectorProfile', 1, { status: 500, code: 'InternalServerException' });
    const cutOff = nextAnswer(emu, request('CreateConnectorProfile', 'e2e-datadog-2'));
    const arrived = nextArrival(emu, request('CreateConnectorProfile', 'e2e-datadog-2'), () => first.kill());
    await writeFile(join(profiles, 'saas', 'datadog-2.json'), `${JSON.stringify(datadogDocument('e2e-datadog-2', { secret: 'e2e/datadog' }))}\n`);
    const inFlight = await arrived;
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(await cutOff).toMatchObject({ status: 500, clientToken: inFlight.clientToken });
    emu.faults.reset();

    const second = await startReady(args, env);
    const creates = emu.requestLog().filter((e) => e.operation === 'CreateConnectorProfile' && e.profileName === 'e2e-datadog-2');
    expect(creates.map((c) => [c.status, c.clientToken])).toEqual([
      [500, inFlight.clientToken],
      [200, inFlight.clientToken],
    ]);
    const client = appflowClient();
    const all = await client.send(new DescribeConnectorProfilesCommand({ maxResults: 100 }));
    expect(all.connectorProfileDetails!.filter((p) => p.connectorProfileName === 'e2e-datadog-2')).toHaveLength(1);
    client.destroy();
    expect(second.lines.some((l) => l.event === 'intent.reused' && l.profile === 'e2e-datadog-2')).toBe(true);
  });

  it('a second SIGTERM or SIGINT during a graceful stop exits 0 at once, before the held write is answered', async () => {
    const { profiles, state } = await makeWorkDir();
    // A bound far beyond the held write: a graceful stop would wait for the write to be answered.
    const args = ['--profiles', profiles, '--state', state, '--listen', '127.0.0.1:0', '--interval', '1h', '--shutdown-timeout', '1m'];
    const daemon = await startReady(args, emulatorEnv(emu.endpoint));
    emu.clearRequestLog();
    emu.faults.latency('UpdateConnectorProfile', 8_000);
    const arrived = nextArrival(emu, request('UpdateConnectorProfile', 'e2e-datadog'));
    await writeFile(join(profiles, 'saas', 'datadog.json'), datadogJson('https://us3.datadoghq.com'));
    await arrived;
    daemon.child.kill('SIGTERM');
    await daemon.waitForLog((l) => l.event === 'daemon.signal' && l.signal === 'SIGTERM');
    daemon.child.kill('SIGINT');
    const exit = await daemon.exited;
    emu.faults.reset();
    expect(exit.code).toBe(0);
    expect(daemon.lines.some((l) => l.event === 'daemon.signal' && l.signal === 'SIGINT' && /again: exiting now/.test(String(l.msg)))).toBe(true);
    expect(emu.requestLog().filter((e) => e.operation === 'UpdateConnectorProfile')).toEqual([]);
  });

  it('npm start equivalent: --embedded-emulator with the example profiles reaches Ready for every profile', async () => {
    work = await mkdtemp(join(tmpdir(), 'run-embedded-'));
    const repo = join(import.meta.dirname, '../..');
    // Spawned from the repository root with no AWS configuration at all, like `npm start`.
    const daemon = new DaemonProcess(
      ['--embedded-emulator', '--profiles', 'profiles', '--state', join(work, 'state'), '--listen', '127.0.0.1:0'],
      { PATH: process.env.PATH, HOME: process.env.HOME },
      repo,
    );
    daemons.push(daemon);
    await daemon.started();
    await daemon.waitReady(20_000);
    expect(daemon.stderr).toContain('LOCAL EMULATOR - NOT AWS');
    expect(daemon.lines.some((l) => l.event === 'daemon.emulator' && /LOCAL EMULATOR/.test(String(l.msg)))).toBe(true);
    const status = await daemon.json<{ profiles: { name: string; condition: string; reason: string }[] }>('/status');
    const examples = await loadProfiles(join(repo, 'profiles'));
    expect(examples.profiles.length).toBeGreaterThanOrEqual(5);
    expect(status.profiles.map((p) => p.name)).toEqual(examples.profiles.map((p) => p.name).sort());
    expect(status.profiles.filter((p) => p.condition !== 'Ready')).toEqual([]);
    const exit = await daemon.stop('SIGINT');
    expect(exit.code).toBe(0);
    const emulatorState = await readFile(join(work, 'state', 'emulator.json'), 'utf8');
    for (const p of status.profiles) expect(emulatorState).toContain(`"${p.name}"`);
  });
});
