// Operating the running daemon (issue 15): the profiles-directory gauge and condition, token auth
// on the mutating endpoints. The built CLI's `run` spawned against the emulator over HTTP.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { ensureBuilt, runBuiltCli, type CliResult } from '../support/cli.js';
import { profileWrites, sdkClientsFor } from '../support/emulator-harness.js';
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { UpdateConnectorProfileCommand } from '@aws-sdk/client-appflow';
import { datadogCreateRequest } from '../support/profile-documents.js';
import { datadogDocument } from '../support/profile-documents.js';
import { waitFor } from '../support/wait-for.js';
import { DaemonProcess, emulatorEnv } from './daemon-process.js';

const SECRET = { apiKey: 'SENTINEL-SECRET-ops-api', applicationKey: 'SENTINEL-SECRET-ops-app' };

let emulator: RunningEmulator;
let root: string;
let daemon: DaemonProcess | undefined;

beforeEach(async () => {
  ensureBuilt(['runtime/daemon.ts', 'server/http-server.ts', 'server/metrics.ts', 'cli/commands/run.ts']);
  emulator = await startEmulator({ port: 0, seed: { secrets: [{ name: 'ops/dd', secretString: JSON.stringify(SECRET) }] } });
  root = await mkdtemp(join(tmpdir(), 'daemon-ops-'));
});

afterEach(async () => {
  daemon?.kill();
  daemon = undefined;
  await emulator.close();
  await rm(root, { recursive: true, force: true });
});

function start(extra: string[], profiles = join(root, 'profiles')): DaemonProcess {
  daemon = new DaemonProcess(['--profiles', profiles, '--state', join(root, 'state'), '--listen', '127.0.0.1:0', '--log-format', 'json', ...extra], emulatorEnv(emulator.endpoint));
  return daemon;
}

const metricValue = (text: string, name: string) => text.split('\n').find((l) => l.startsWith(`${name} `))?.split(' ')[1];

describe('the running daemon', () => {
  it('a wrong profiles path: Ready, but appflow_gitops_profiles_directory_ok 0 and a False ProfilesDirectory condition', async () => {
    const profiles = join(root, 'typo');
    const d = start([], profiles);
    await d.started();
    await d.waitReady();
    expect(metricValue(await d.text('/metrics'), 'appflow_gitops_profiles_directory_ok{target="default"}')).toBe('0');
    const status = await d.json<{ conditions: { type: string; status: string; reason: string }[] }>('/status');
    expect(status.conditions).toEqual([expect.objectContaining({ type: 'ProfilesDirectory', status: 'False', reason: 'Missing' })]);

    await mkdir(profiles);
    await writeFile(join(profiles, 'dd.json'), JSON.stringify(datadogDocument('ops-dd', { secret: 'ops/dd' })));
    expect((await fetch(`${d.url}/reconcile`, { method: 'POST' })).status).toBe(202);
    await waitFor(async () => metricValue(await d.text('/metrics'), 'appflow_gitops_profiles_directory_ok{target="default"}') === '1', 20_000);
    const after = await d.json<{ conditions: { status: string; reason: string }[] }>('/status');
    expect(after.conditions[0]).toMatchObject({ status: 'True', reason: 'Found' });
  });

  it('--http-token-file: POST routes need the bearer token (401 otherwise), GET routes stay open; the CLI drives status, suspend, reconcile --wait and resume', async () => {
    const profiles = join(root, 'profiles');
    await mkdir(profiles);
    const doc = (instanceUrl: string) => JSON.stringify(datadogDocument('ops-dd', { secret: 'ops/dd', instanceUrl }));
    await writeFile(join(profiles, 'dd.json'), doc('https://api.datadoghq.com'));
    const tokenFile = join(root, 'token');
    await writeFile(tokenFile, 'SENTINEL-SECRET-token-0123456789abcdef\n');
    const d = start(['--http-token-file', tokenFile]);
    await d.started();
    await d.waitReady();

    expect((await fetch(`${d.url}/reconcile`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${d.url}/suspend`, { method: 'POST', headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
    expect((await fetch(`${d.url}/status`)).status).toBe(200);
    expect((await fetch(`${d.url}/metrics`)).status).toBe(200);
    expect((await fetch(`${d.url}/readyz`)).status).toBe(200);

    const cli = async (...args: string[]): Promise<CliResult> => {
      const result = await runBuiltCli([...args, '--server', d.url], { cwd: root, env: { PATH: process.env.PATH } });
      expect(result.stdout + result.stderr).not.toContain('SENTINEL');
      return result;
    };
    const table = await cli('status');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^NAME\s+TARGET\s+CONDITION\s+REASON\s+LAST APPLIED\s+MESSAGE\nops-dd\s+\S+\s+Ready\s+Applied\s+\d{4}-/);
    expect(JSON.parse((await cli('status', 'ops-dd', '-o', 'json')).stdout)).toMatchObject({ name: 'ops-dd', condition: 'Ready' });

    const refused = await cli('suspend');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('401');
    expect((await cli('suspend', '--http-token-file', tokenFile)).stdout).toMatch(/^writes suspended since /);
    expect(await d.text('/metrics')).toContain('appflow_gitops_suspended 1');

    // Suspended: the edit is read and planned, nothing is written.
    await writeFile(join(profiles, 'dd.json'), doc('https://api.datadoghq.eu'));
    emulator.clearRequestLog();
    const waited = await cli('reconcile', '--wait', '--http-token-file', tokenFile);
    expect(waited.stdout).toMatch(/^reconcile \S+: (success|failure)/);
    expect(profileWrites(emulator)).toEqual([]);
    const status = await d.json<{ suspended?: { suspended: boolean }; profiles: { reason: string }[] }>('/status');
    expect(status.suspended?.suspended).toBe(true);
    expect((await cli('status')).stderr).toContain('SUSPENDED since');

    // The pause survives a restart.
    await d.stop();
    const again = start(['--http-token-file', tokenFile]);
    await again.started();
    await again.waitReady();
    expect((await again.json<{ suspended?: { suspended: boolean } }>('/status')).suspended?.suspended).toBe(true);
    expect(profileWrites(emulator)).toEqual([]);

    const resumed = await runBuiltCli(['resume', '--server', again.url, '--http-token-file', tokenFile], { cwd: root, env: { PATH: process.env.PATH } });
    expect(resumed.stdout).toBe('writes resumed; a pass was requested\n');
    await waitFor(() => profileWrites(emulator).some((w) => w.operation === 'UpdateConnectorProfile' && w.status === 200), 20_000);
    expect(await again.text('/metrics')).toContain('appflow_gitops_suspended 0');
  });

  it('change records: profile.reconciled and /status lastChange carry path/before/after; drift corrected at a pass is DriftCorrected with the value found; credentials only as (sensitive)', async () => {
    const profiles = join(root, 'profiles');
    await mkdir(profiles);
    const doc = (instanceUrl: string) => JSON.stringify(datadogDocument('rec-dd', { secret: 'ops/dd', instanceUrl }));
    await writeFile(join(profiles, 'dd.json'), doc('https://api.datadoghq.com'));
    const d = start([]);
    await d.started();
    await d.waitReady();
    type Change = { path: string; before?: unknown; after?: unknown };
    const reconciled = (reason: string, from: number) =>
      d.waitForLog((l) => l.event === 'profile.reconciled' && l.reason === reason && l.result === 'applied', 20_000, from) as unknown as Promise<{ changes: Change[] }>;

    // Drift made in the console: corrected at the next pass, with the value found.
    const sdk = sdkClientsFor(emulator);
    await sdk.appflow.send(new UpdateConnectorProfileCommand({ ...datadogCreateRequest('rec-dd', { apiKey: 'x', applicationKey: 'y' }, 'https://drifted.example.com'), connectorProfileName: 'rec-dd' }));
    let from = d.lines.length;
    expect((await fetch(`${d.url}/reconcile`, { method: 'POST' })).status).toBe(202);
    const drift = await reconciled('DriftCorrected', from);
    expect(drift.changes).toEqual(
      expect.arrayContaining([{ path: 'connectorProfileProperties.Datadog.instanceUrl', before: 'https://drifted.example.com', after: 'https://api.datadoghq.com' }]),
    );
    // /status is updated when the pass ends, just after the executor's log line.
    const status = await waitFor(async () => {
      const body = await d.json<{ profiles: { name: string; reason: string; lastChange?: { reason: string; fields: Change[] } }[] }>('/status');
      return body.profiles[0]?.lastChange?.reason === 'DriftCorrected' ? body : undefined;
    }, 20_000);
    expect(status.profiles[0]).toMatchObject({ name: 'rec-dd', reason: 'DriftCorrected' });
    expect(status.profiles[0]!.lastChange!.fields).toEqual(drift.changes);

    // An edit of the file: Applied, with before and after.
    from = d.lines.length;
    await writeFile(join(profiles, 'dd.json'), doc('https://api.datadoghq.eu'));
    const edit = await reconciled('Applied', from);
    expect(edit.changes).toEqual([{ path: 'connectorProfileProperties.Datadog.instanceUrl', before: 'https://api.datadoghq.com', after: 'https://api.datadoghq.eu' }]);

    // A rotated secret: the credentials change, shown only as (sensitive).
    from = d.lines.length;
    await sdk.secrets.send(new PutSecretValueCommand({ SecretId: 'ops/dd', SecretString: JSON.stringify({ apiKey: 'SENTINEL-SECRET-rotated-api', applicationKey: 'SENTINEL-SECRET-rotated-app' }) }));
    expect((await fetch(`${d.url}/reconcile`, { method: 'POST' })).status).toBe(202);
    const rotated = await reconciled('Applied', from);
    expect(rotated.changes).toEqual([{ path: 'connectorProfileCredentials', before: '(sensitive)', after: '(sensitive)' }]);
    sdk.appflow.destroy();
    sdk.secrets.destroy();

    const everything = d.rawStdout.join('\n') + d.stderr + (await d.text('/status'));
    expect(everything).not.toContain('SENTINEL');
  });
});
