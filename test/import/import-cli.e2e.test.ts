// `appflow-gitops import` as a user runs it: the built CLI spawned against the emulator.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { ensureBuilt, runCli } from './cli-helpers.js';
import { IMPORT_SEED, SENTINEL } from './seed.js';

let emu: RunningEmulator;
let dir: string;

beforeAll(async () => {
  ensureBuilt(['cli/commands/import.ts', 'importer/run-import.ts', 'importer/summary.ts']);
  emu = await startEmulator({ seed: IMPORT_SEED });
}, 180_000);
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'import-cli-'));
  return () => rm(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCli(args, { cwd: dir, endpoint: emu.endpoint });

describe('appflow-gitops import (spawned)', () => {
  it('writes ./profiles and ./.appflow-gitops by default and prints the secrets to create', async () => {
    const result = await cli('import');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect((await readdir(join(dir, 'profiles'))).sort()).toEqual(['crm%2Fsalesforce-prod.yaml', 'hubspot.yaml', 'metrics.yaml', 'sap-orders.yaml', 'warehouse.yaml']);
    expect(await readdir(join(dir, '.appflow-gitops'))).toContain('state.json');
    expect(result.stdout).toContain('Imported 5 connector profiles from us-east-1/default@local into ./profiles:');
    expect(result.stdout).toContain(`aws secretsmanager create-secret --name appflow-gitops/warehouse --secret-string '{"password":"<password>","username":"<username>"}'`);
    expect(result.stdout).toContain('kmsArn cannot be read back from AppFlow');
    expect(result.stdout).not.toContain(SENTINEL);
  });

  it('--json prints the summary as versioned JSON', async () => {
    const result = await cli('import', '--out', 'p', '--state', 's', '--names', 'hubspot', '--json');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.formatVersion).toBe('1');
    expect(summary.profiles).toEqual([expect.objectContaining({ name: 'hubspot', connectorType: 'CustomConnector', status: 'created', secret: 'appflow-gitops/hubspot' })]);
    expect(summary.secrets[0].keys).toEqual(['oauth2.accessToken', 'oauth2.clientId', 'oauth2.clientSecret', 'oauth2.refreshToken']);
    expect(summary.notes.join(' ')).toContain('kmsArn cannot be read back');
  });

  it('--connector-type accepts any case and filters', async () => {
    const result = await cli('import', '--connector-type', 'snowflake', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).profiles.map((p: { name: string }) => p.name)).toEqual(['warehouse']);
  });

  it('refuses to overwrite without --force (exit 1, one line), shows a diff with --force', async () => {
    expect((await cli('import', '--names', 'warehouse')).code).toBe(0);
    const path = join(dir, 'profiles', 'warehouse.yaml');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path, (await readFile(path, 'utf8')).replace('bucketPrefix: appflow', 'bucketPrefix: changed'));
    const refused = await cli('import', '--names', 'warehouse');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: refusing to overwrite a file that differs from the import \(profiles\/warehouse\.yaml\); nothing was written\. Re-run with --force to overwrite them and see the changes\n$/);
    const forced = await cli('import', '--names', 'warehouse', '--force');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('-      bucketPrefix: changed\n+      bucketPrefix: appflow\n');
    expect(forced.stdout).toContain('overwritten');
  });

  it.each([
    [['--names', ' , '], 'error: --names needs at least one profile name (comma-separated)\n'],
    [['--names', 'ok,bad name'], 'error: --names: "bad name" is not a valid connector profile name (letters, digits and _/!@#+=.- only, at most 256 characters)\n'],
    [['--connector-type', 'Oracle'], /^error: --connector-type: unknown connector type "Oracle"; expected one of .*Salesforce/],
    [['--names', 'missing'], 'error: no connector profile named missing in AppFlow (us-east-1/default@local)\n'],
  ])('%j fails with one line and exit 1', async (args, message) => {
    const result = await cli('import', ...args);
    expect(result.code).toBe(1);
    if (typeof message === 'string') expect(result.stderr).toBe(message);
    else expect(result.stderr).toMatch(message);
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('an unreachable endpoint is one line, exit 1', async () => {
    const result = await runCli(['import'], { cwd: dir, endpoint: 'http://127.0.0.1:9' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: reading connector profiles from AppFlow \(us-east-1\/default@local\) failed: .+\n$/);
  });
});
