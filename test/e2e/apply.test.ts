// `appflow-gitops apply` as users run it: the built CLI spawned against the emulator over HTTP,
// configured only through the standard AWS environment variables.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { BIN } from '../support/cli.js';
import { emulatorEnv, nextAnswer, nextArrival, profileWrites, request } from '../support/emulator-harness.js';
import { datadogDocument } from '../support/profile-documents.js';
import { waitFor } from '../support/wait-for.js';

const SECRET = { apiKey: 'SENTINEL-SECRET-e2e-api', applicationKey: 'SENTINEL-SECRET-e2e-app' };

let emulator: RunningEmulator;
let root: string;
let profilesDir: string;
let stateDir: string;

beforeEach(async () => {
  emulator = await startEmulator({ port: 0, seed: { secrets: [{ name: 'e2e/dd', secretString: JSON.stringify(SECRET) }] } });
  root = await mkdtemp(join(tmpdir(), 'apply-e2e-'));
  profilesDir = join(root, 'profiles');
  stateDir = join(root, 'state');
  await mkdir(profilesDir);
});

afterEach(async () => {
  await emulator.close();
  await rm(root, { recursive: true, force: true });
});

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...extra,
    ...emulatorEnv(emulator.endpoint),
    HOME: root,
    AWS_CONFIG_FILE: join(root, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(root, 'no-aws-credentials'),
    NO_COLOR: '1',
  };
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function spawnApply(args: string[] = [], extraEnv: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [BIN, 'apply', '--profiles', profilesDir, '--state', stateDir, ...args], {
    env: env(extraEnv),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<Run>((resolveRun) =>
    child.on('exit', (code, signal) => resolveRun({ code, signal, stdout, stderr })),
  );
  return { child, done, stderr: () => stderr };
}

const apply = (args: string[] = [], extraEnv: NodeJS.ProcessEnv = {}) => spawnApply(args, extraEnv).done;

function datadog(name: string, instanceUrl?: string, extra: object = {}): string {
  return JSON.stringify(datadogDocument(name, { secret: 'e2e/dd', instanceUrl, extra }));
}

const writes = () => profileWrites(emulator);

async function readState(): Promise<{ profiles: Record<string, { origin: string }>; intents: Record<string, { operation: string; clientToken: string }> }> {
  const snapshot = JSON.parse(await readFile(join(stateDir, 'state.json'), 'utf8'));
  return Object.values(snapshot.targets)[0] as never;
}

function expectNoSecret(run: Run): void {
  expect(run.stdout).not.toContain('SENTINEL');
  expect(run.stderr).not.toContain('SENTINEL');
}

describe('appflow-gitops apply', () => {
  it('converges, prints what it did, and a second run makes no write', async () => {
    await writeFile(join(profilesDir, 'a.json'), datadog('dd-a'));
    await writeFile(join(profilesDir, 'b.json'), datadog('dd-b'));
    const first = await apply();
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('+ connector_profile "dd-a"');
    expect(first.stdout).toMatch(/dd-a \(a\.json:1\): created/);
    expect(first.stdout).toContain('Apply complete! Resources: 2 added, 0 changed, 0 destroyed.');
    expect(writes().map((w) => [w.operation, w.status])).toEqual([
      ['CreateConnectorProfile', 200],
      ['CreateConnectorProfile', 200],
    ]);
    expectNoSecret(first);

    emulator.clearRequestLog();
    const second = await apply(['--json']);
    expect(second.code).toBe(0);
    expect(writes()).toEqual([]);
    const json = JSON.parse(second.stdout);
    expect(json.formatVersion).toBe('1');
    expect(json.changes.map((c: { name: string; action: string; result: string }) => [c.name, c.action, c.result])).toEqual([
      ['dd-a', 'noop', 'unchanged'],
      ['dd-b', 'noop', 'unchanged'],
    ]);
    expect((await readState()).intents).toEqual({});
  });

  it('exits 1 when one profile fails, applies the others, and does not retry a ValidationException', async () => {
    await writeFile(join(profilesDir, 'a.json'), datadog('dd-a'));
    await writeFile(join(profilesDir, 'b.json'), datadog('dd-b'));
    emulator.faults.failNext('CreateConnectorProfile', 1, {
      status: 400,
      code: 'ValidationException',
      message: "1 validation error detected: Value 'SENTINEL-SECRET-e2e-api' at 'connectorProfileConfig.connectorProfileCredentials.Datadog.apiKey' failed to satisfy constraint: Member must satisfy regular expression pattern: ^\\S+$",
    });
    const run = await apply(['--format', 'json'], { LOG_LEVEL: 'debug' });
    expect(run.code, run.stderr).toBe(1);
    // Logs (pino JSON on stderr when LOG_LEVEL is set): one event per decision, no secret.
    const events = run.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
    expect(events.filter((e) => e.event === 'profile.reconciled').map((e) => [e.profile, e.result]).sort()).toEqual([
      ['dd-a', expect.any(String)],
      ['dd-b', expect.any(String)],
    ]);
    expect(events.every((e) => typeof e.reconcileId === 'string')).toBe(true);
    const json = JSON.parse(run.stdout);
    const byName = Object.fromEntries(json.changes.map((c: { name: string }) => [c.name, c]));
    const failed = Object.values(byName).find((c) => (c as { result: string }).result === 'failed') as { attempts: number; error: { code: string; terminal: boolean; message: string } };
    expect(failed.attempts).toBe(1);
    expect(failed.error).toMatchObject({ code: 'ValidationException', terminal: true });
    expect(failed.error.message).toContain("Value '[REDACTED]' at 'connectorProfileConfig.connectorProfileCredentials.Datadog.apiKey'");
    expect(Object.values(byName).filter((c) => (c as { result: string }).result === 'applied')).toHaveLength(1);
    expect(writes().map((w) => w.status).sort()).toEqual([200, 400]);
    expectNoSecret(run);
  });

  it('logs the note of a load kept on the main thread as part of the pass (with its reconcileId), whatever the machine load', async () => {
    await writeFile(join(profilesDir, 'a.json'), datadog('dd-a'));
    // The worker is also skipped on its own on a busy machine (load average >= cores + 0.5): the
    // same line then, so the line must belong to the pass like every other.
    const run = await apply(['--format', 'json'], { LOG_LEVEL: 'debug', APPFLOW_GITOPS_LOAD_WORKER: 'off' });
    expect(run.code, run.stderr).toBe(0);
    const events = run.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
    expect(events.filter((e) => e.event === 'load.in-thread')).toHaveLength(1);
    expect(events.filter((e) => typeof e.reconcileId !== 'string')).toEqual([]);
  });

  it('retries injected 500 and 429 answers with one token and converges', async () => {
    await writeFile(join(profilesDir, 'a.json'), datadog('dd-a'));
    emulator.faults.failNext('CreateConnectorProfile', 1, { status: 500, code: 'InternalServerException' });
    emulator.faults.failNext('CreateConnectorProfile', 1, { status: 429, code: 'ThrottlingException', message: 'Rate exceeded' });
    const run = await apply();
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/dd-a \(a\.json:1\): created \(\d+ ms, 3 attempts\)/);
    const creates = writes();
    expect(creates.map((w) => w.status)).toEqual([500, 429, 200]);
    expect(new Set(creates.map((w) => w.clientToken)).size).toBe(1);
  });

  it('"apply, then drop the connection" on a create leaves exactly one profile and no error', async () => {
    await writeFile(join(profilesDir, 'a.json'), datadog('dd-a'));
    emulator.faults.applyThenDrop('CreateConnectorProfile', 1);
    const run = await apply();
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/dd-a \(a\.json:1\): created/);
    const log = emulator.requestLog().filter((e) => e.service === 'appflow');
    expect(log.filter((e) => e.operation === 'CreateConnectorProfile')).toHaveLength(1);
    expect(log.some((e) => e.errorCode !== undefined)).toBe(false);
    expect((await readState()).profiles['dd-a']?.origin).toBe('created');
    emulator.clearRequestLog();
    expect((await apply()).code).toBe(0);
    expect(writes()).toEqual([]);
  });

  it('refuses a replacement without --allow-replace and performs it with the flag', async () => {
    const kms = (n: number) => ({ kmsArn: `arn:aws:kms:us-east-1:123456789012:key/${String(n).repeat(8)}-1111-1111-1111-111111111111` });
    await writeFile(join(profilesDir, 'a.json'), datadog('dd-a', undefined, kms(1)));
    expect((await apply()).code).toBe(0);
    await writeFile(join(profilesDir, 'a.json'), datadog('dd-a', undefined, kms(2)));
    emulator.clearRequestLog();
    const refused = await apply();
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('# forces replacement');
    expect(refused.stdout).toMatch(/replace failed: replace\.not-allowed: kmsArn .*--allow-replace/);
    expect(writes()).toEqual([]);
    const done = await apply(['--allow-replace']);
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('Apply complete! Resources: 1 added, 0 changed, 1 destroyed.');
    expect(writes().map((w) => w.operation)).toEqual(['DeleteConnectorProfile', 'CreateConnectorProfile']);
  });

  it('prunes only with --prune, and never when the profiles directory is empty', async () => {
    await writeFile(join(profilesDir, 'a.json'), datadog('dd-a'));
    await writeFile(join(profilesDir, 'b.json'), datadog('dd-b'));
    await apply();
    await rm(join(profilesDir, 'b.json'));
    emulator.clearRequestLog();
    expect((await apply()).code).toBe(0);
    expect(writes()).toEqual([]);
    const pruned = await apply(['--prune']);
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toContain('0 added, 0 changed, 1 destroyed');
    expect(writes().map((w) => [w.operation, w.profileName])).toEqual([['DeleteConnectorProfile', 'dd-b']]);

    await rm(join(profilesDir, 'a.json'));
    emulator.clearRequestLog();
    const guarded = await apply(['--prune']);
    expect(guarded.code).toBe(0);
    expect(guarded.stdout).toMatch(/prune skipped: the profiles directory is empty/);
    expect(writes()).toEqual([]);
    expect((await apply(['--prune', '--allow-empty'])).code).toBe(0);
    expect(writes().map((w) => w.profileName)).toEqual(['dd-a']);
  });

  it('killed after its create was applied but before the answer arrived, converges on restart with no duplicate', async () => {
    await writeFile(join(profilesDir, 'a.json'), datadog('dd-kill'));
    // The emulator reads the request, waits, then applies it whatever happened to the client.
    emulator.faults.latency('CreateConnectorProfile', 1_500);
    const answered = nextAnswer(emulator, request('CreateConnectorProfile', 'dd-kill'));
    const { child, done } = spawnApply();
    // Killed while the create is on the wire (the emulator holds it 1.5 s).
    await nextArrival(emulator, request('CreateConnectorProfile', 'dd-kill'), () => child.kill('SIGKILL'));
    expect((await done).signal).toBe('SIGKILL');
    const intent = (await readState()).intents['dd-kill'];
    expect(intent).toMatchObject({ operation: 'create' });
    // The write lands after the client is gone: applied, answer lost.
    await answered;
    expect(writes().map((w) => [w.operation, w.status, w.clientToken])).toEqual([['CreateConnectorProfile', 200, intent!.clientToken]]);
    expect((await readState()).intents['dd-kill']).toEqual(intent);

    emulator.faults.reset();
    const restart = await apply();
    expect(restart.code).toBe(0);
    expectNoSecret(restart);
    const log = emulator.requestLog();
    expect(log.filter((e) => e.operation === 'CreateConnectorProfile')).toHaveLength(1);
    expect(log.some((e) => e.errorCode === 'ConflictException')).toBe(false);
    const state = await readState();
    expect(state.profiles['dd-kill']?.origin).toBe('created');
    expect(state.intents).toEqual({});
    emulator.clearRequestLog();
    expect((await apply()).code).toBe(0);
    expect(writes()).toEqual([]);
  });

  it('refuses to write while another process holds the state directory, and says so', async () => {
    await writeFile(join(profilesDir, 'a.json'), datadog('dd-a'));
    await mkdir(stateDir, { recursive: true });
    // This test process plays the daemon that holds the lock (alive, same host).
    await writeFile(
      join(stateDir, 'lock'),
      JSON.stringify({ pid: process.pid, hostname: hostname(), instance: 'the-daemon', acquiredAt: new Date().toISOString() }),
    );
    const run = await apply();
    expect(run.code).toBe(1);
    // The lock is taken before planning: one line naming the holder, nothing planned or sent.
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toMatch(new RegExp(`^error: state directory is locked by process ${process.pid} on [^\\n]+$`));
    expect(writes()).toEqual([]);
  });

  it('on SIGTERM finishes the write in flight, starts no other, and records it', async () => {
    await writeFile(join(profilesDir, 'a.json'), datadog('dd-a'));
    emulator.faults.latency('CreateConnectorProfile', 1_500);
    const { child, done } = spawnApply();
    await nextArrival(emulator, request('CreateConnectorProfile', 'dd-a'), () => child.kill('SIGTERM'));
    const run = await done;
    expect(run.stderr).toContain('SIGTERM: stopping after the writes in flight');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/dd-a \(a\.json:1\): created/);
    expect(writes().map((w) => w.status)).toEqual([200]);
    const state = await readState();
    expect(state.profiles['dd-a']?.origin).toBe('created');
    expect(state.intents).toEqual({});
  });

  it('a second SIGTERM exits at once, with the write still in flight and its intent kept in state', async () => {
    await writeFile(join(profilesDir, 'a.json'), datadog('dd-a'));
    // Held far longer than the test runs: the exit must not wait for it.
    emulator.faults.latency('CreateConnectorProfile', 5_000);
    const arrived = nextArrival(emulator, request('CreateConnectorProfile', 'dd-a'));
    const applying = spawnApply();
    const inFlight = await arrived;
    applying.child.kill('SIGTERM');
    await waitFor(() => applying.stderr().includes('SIGTERM: stopping after the writes in flight'), 10_000);
    applying.child.kill('SIGTERM');
    const run = await applying.done;
    // 128 + SIGTERM: the process ended itself on the second signal.
    expect(run.code).toBe(143);
    // "At once": before the write it was waiting for was answered.
    expect(writes()).toEqual([]);
    expect((await readState()).intents['dd-a']).toMatchObject({ operation: 'create', clientToken: inFlight.clientToken });
  });
});
