// `lifecycle:` in a profile document and credentialsOnUpdate, through the built CLI (apply and
// plan spawned against the emulator over HTTP). Sentinel secrets stay out of every output.
import { UpdateConnectorProfileCommand } from '@aws-sdk/client-appflow';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { ensureBuilt, runBuiltCli, type CliResult } from '../support/cli.js';
import { emulatorEnv, profileWrites, sdkClientsFor } from '../support/emulator-harness.js';
import { datadogCreateRequest, datadogDocument } from '../support/profile-documents.js';

const SECRET = { apiKey: 'SENTINEL-SECRET-lifecycle-api', applicationKey: 'SENTINEL-SECRET-lifecycle-app' };

let emulator: RunningEmulator;
let root: string;
let profiles: string;
let state: string;

beforeEach(async () => {
  ensureBuilt(['planner/lifecycle.ts', 'planner/plan-changes.ts', 'cli/commands/apply.ts', 'desired/load-profiles.ts', 'reconcile/request-builder.ts']);
  emulator = await startEmulator({ port: 0, seed: { secrets: [{ name: 'lc/dd', secretString: JSON.stringify(SECRET) }] } });
  root = await mkdtemp(join(tmpdir(), 'lifecycle-e2e-'));
  profiles = join(root, 'profiles');
  state = join(root, 'state');
  await mkdir(profiles);
});

afterEach(async () => {
  await emulator.close();
  await rm(root, { recursive: true, force: true });
});

function write(name: string, options: { lifecycle?: object; instanceUrl?: string } = {}): Promise<void> {
  const extra = options.lifecycle ? { lifecycle: options.lifecycle } : {};
  return writeFile(join(profiles, `${name}.json`), JSON.stringify(datadogDocument(name, { secret: 'lc/dd', instanceUrl: options.instanceUrl, extra }), null, 2));
}

async function cli(command: 'apply' | 'plan', ...args: string[]): Promise<CliResult> {
  const result = await runBuiltCli([command, '--profiles', profiles, '--state', state, ...args], {
    cwd: root,
    env: { ...emulatorEnv(emulator.endpoint), HOME: root, NO_COLOR: '1' },
  });
  expect(result.stdout + result.stderr).not.toContain('SENTINEL');
  return result;
}

const writes = () => profileWrites(emulator).map((w) => `${w.operation} ${w.profileName}`);

describe('lifecycle: in a profile document', () => {
  it('is never sent to AWS, and preventDestroy survives the deletion of its file', async () => {
    await write('guarded', { lifecycle: { preventDestroy: true } });
    expect((await cli('apply')).code).toBe(0);
    const inventory = JSON.parse(await readFile(join(state, 'state.json'), 'utf8')) as { targets: Record<string, { profiles: Record<string, { lifecycle?: unknown }> }> };
    expect(Object.values(inventory.targets)[0]!.profiles.guarded!.lifecycle).toEqual({ preventDestroy: true });

    await rm(join(profiles, 'guarded.json'));
    await write('other');
    emulator.clearRequestLog();
    const refused = await cli('apply', '--prune');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('lifecycle.preventDestroy (as last applied)');
    expect(writes()).toEqual(['CreateConnectorProfile other']);

    // Lifting the protection: apply the document without the flag, then delete it.
    await write('guarded');
    expect((await cli('apply')).code).toBe(0);
    await rm(join(profiles, 'guarded.json'));
    emulator.clearRequestLog();
    expect((await cli('apply', '--prune')).code).toBe(0);
    expect(writes()).toEqual(['DeleteConnectorProfile guarded']);
  });

  it('preventDestroy makes a replacement an error; deletionPolicy Retain forgets instead of deleting, even with --prune', async () => {
    await write('kept', { lifecycle: { deletionPolicy: 'Retain' } });
    await write('fixed', { lifecycle: { preventDestroy: true } });
    expect((await cli('apply')).code).toBe(0);

    const replaced = JSON.parse(await readFile(join(profiles, 'fixed.json'), 'utf8')) as Record<string, unknown>;
    replaced.connectorLabel = 'changed';
    await writeFile(join(profiles, 'fixed.json'), JSON.stringify(replaced));
    await rm(join(profiles, 'kept.json'));
    emulator.clearRequestLog();
    const result = await cli('apply', '--prune', '--allow-replace');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/x fixed \(fixed\.json:1\): lifecycle\.preventDestroy: the plan would replace this profile \(connectorLabel/);
    expect(result.stdout).toContain('lifecycle.deletionPolicy Retain (as last applied): forgotten from the inventory');
    expect(writes()).toEqual([]);
    const inventory = await readFile(join(state, 'state.json'), 'utf8');
    expect(inventory).not.toContain('"kept"');
    expect(emulator.storedCredentials?.('kept')).toBeDefined(); // still in the account
  });

  it('suspend writes nothing and reports the drift; ignoreChanges is never diffed', async () => {
    await write('paused');
    await write('loose', { lifecycle: { ignoreChanges: ['connectorProfileConfig.connectorProfileProperties.Datadog.instanceUrl'] } });
    expect((await cli('apply')).code).toBe(0);
    await write('paused', { instanceUrl: 'https://api.datadoghq.eu', lifecycle: { suspend: true } });
    const sdk = sdkClientsFor(emulator);
    await sdk.appflow.send(new UpdateConnectorProfileCommand({ ...datadogCreateRequest('loose', SECRET, 'https://elsewhere.example.com'), connectorProfileName: 'loose' }));
    sdk.appflow.destroy();
    sdk.secrets.destroy();
    emulator.clearRequestLog();

    const plan = await cli('plan', '--detailed-exitcode');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('paused: suspended (lifecycle.suspend): not written; would update: connectorProfileProperties.Datadog.instanceUrl differs');
    expect(plan.stdout).not.toContain('loose');
    expect((await cli('apply')).code).toBe(0);
    expect(writes()).toEqual([]);
  });

  it('credentialsOnUpdate: always (default) resends the credentials with an update; changed (flag or config file) does not', async () => {
    await write('creds');
    expect((await cli('apply')).code).toBe(0);
    const outOfBand = { apiKey: 'SENTINEL-SECRET-oob-api', applicationKey: 'SENTINEL-SECRET-oob-app' };
    const sdk = sdkClientsFor(emulator);
    const resetCredentials = () => sdk.appflow.send(new UpdateConnectorProfileCommand({ ...datadogCreateRequest('creds', outOfBand), connectorProfileName: 'creds' }));

    await resetCredentials();
    await write('creds', { instanceUrl: 'https://one.example.com' });
    expect((await cli('apply', '--credentials-on-update', 'changed')).code).toBe(0);
    expect(emulator.storedCredentials?.('creds')).toEqual({ Datadog: outOfBand });

    await writeFile(join(profiles, 'appflow-gitops.yaml'), 'lifecycle:\n  credentialsOnUpdate: changed\n');
    await write('creds', { instanceUrl: 'https://two.example.com' });
    expect((await cli('apply')).code).toBe(0);
    expect(emulator.storedCredentials?.('creds')).toEqual({ Datadog: outOfBand });

    await rm(join(profiles, 'appflow-gitops.yaml'));
    await write('creds', { instanceUrl: 'https://three.example.com' });
    expect((await cli('apply')).code).toBe(0);
    expect(emulator.storedCredentials?.('creds')).toEqual({ Datadog: SECRET });
    sdk.appflow.destroy();
    sdk.secrets.destroy();
  });
});
