// Operating the running daemon (issue 15): the profiles-directory gauge and condition, token auth
// on the mutating endpoints. The built CLI's `run` spawned against the emulator over HTTP.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { ensureBuilt } from '../support/cli.js';
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
    expect(metricValue(await d.text('/metrics'), 'appflow_gitops_profiles_directory_ok')).toBe('0');
    const status = await d.json<{ conditions: { type: string; status: string; reason: string }[] }>('/status');
    expect(status.conditions).toEqual([expect.objectContaining({ type: 'ProfilesDirectory', status: 'False', reason: 'Missing' })]);

    await mkdir(profiles);
    await writeFile(join(profiles, 'dd.json'), JSON.stringify(datadogDocument('ops-dd', { secret: 'ops/dd' })));
    expect((await fetch(`${d.url}/reconcile`, { method: 'POST' })).status).toBe(202);
    await waitFor(async () => metricValue(await d.text('/metrics'), 'appflow_gitops_profiles_directory_ok') === '1', 20_000);
    const after = await d.json<{ conditions: { status: string; reason: string }[] }>('/status');
    expect(after.conditions[0]).toMatchObject({ status: 'True', reason: 'Found' });
  });
});
