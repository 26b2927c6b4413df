// runImport against the emulator over HTTP with the real SDK adapters, file system and state store.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AwsAdapters } from '../../src/aws/ports.js';
import { loadProfiles } from '../../src/desired/load-profiles.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { ImportError, runImport, type RunImportDeps, type RunImportOptions } from '../../src/importer/run-import.js';
import { renderImportSummaryText } from '../../src/importer/summary.js';
import { createFileStateStore } from '../../src/state/file-state-store.js';
import { startEmulatorHarness, type EmulatorHarness } from '../support/emulator-harness.js';
import { IMPORT_SEED, SENTINEL } from './seed.js';

let harness: EmulatorHarness;
let emu: RunningEmulator;
let adapters: AwsAdapters;
let dir: string;

beforeAll(async () => {
  harness = await startEmulatorHarness({ seed: IMPORT_SEED }, { maxAttempts: 1 });
  ({ emulator: emu, adapters } = harness);
});
afterAll(async () => {
  await harness.close();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'import-emu-'));
  emu.clearRequestLog();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(options: Partial<RunImportOptions> = {}, load: RunImportDeps['loadProfiles'] = (d) => loadProfiles(d)) {
  const out = join(dir, 'profiles');
  const state = join(dir, 'state');
  return runImport(
    { appflow: adapters.appflow, target: adapters.target, store: createFileStateStore(state), loadProfiles: load, now: () => new Date('2026-01-02T03:04:05Z') },
    { outDir: out, stateDir: state, force: false, ...options },
  );
}

describe('runImport against the emulator', () => {
  it('writes one valid file per profile, records them as imported without fingerprint or kmsArn, and reads with one paged Describe', async () => {
    const { summary, ok } = await run();
    expect(ok).toBe(true);
    expect(summary.profiles.map((p) => [p.name, p.status])).toEqual([
      ['crm/salesforce-prod', 'created'],
      ['hubspot', 'created'],
      ['metrics', 'created'],
      ['sap-orders', 'created'],
      ['warehouse', 'created'],
    ]);
    expect((await readdir(join(dir, 'profiles'))).sort()).toEqual(['crm%2Fsalesforce-prod.yaml', 'hubspot.yaml', 'metrics.yaml', 'sap-orders.yaml', 'warehouse.yaml']);

    const loaded = await loadProfiles(join(dir, 'profiles'));
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.profiles.map((p) => p.name).sort()).toEqual(['crm/salesforce-prod', 'hubspot', 'metrics', 'sap-orders', 'warehouse']);
    const hubspot = loaded.profiles.find((p) => p.name === 'hubspot')!;
    expect(hubspot.document.connectorLabel).toBe('HubSpot');
    expect(hubspot.credentialRefs.map((r) => r.ref.raw)).toContain('{{resolve:secretsmanager:appflow-gitops/hubspot:SecretString:oauth2.clientSecret}}');

    const state = JSON.parse(await readFile(join(dir, 'state', 'state.json'), 'utf8'));
    const records = state.targets[adapters.target.key].profiles;
    expect(Object.keys(records).sort()).toEqual(['crm/salesforce-prod', 'hubspot', 'metrics', 'sap-orders', 'warehouse']);
    expect(records['hubspot']).toEqual({ name: 'hubspot', origin: 'imported', connectorType: 'CustomConnector', connectorLabel: 'HubSpot', sourceFile: 'hubspot.yaml', lastAppliedAt: '2026-01-02T03:04:05.000Z' });
    for (const record of Object.values<Record<string, unknown>>(records)) {
      expect(record).not.toHaveProperty('credentialsFingerprint');
      expect(record).not.toHaveProperty('kmsArn');
    }

    const calls = emu.requestLog().map((e) => e.operation);
    expect(calls).toEqual(['DescribeConnectorProfiles']);
  });

  it('never writes or prints a credential value: the summary holds placeholders only', async () => {
    const { summary } = await run();
    const files = await Promise.all((await readdir(join(dir, 'profiles'))).map((f) => readFile(join(dir, 'profiles', f), 'utf8')));
    const everything = [JSON.stringify(summary), renderImportSummaryText(summary), ...files, await readFile(join(dir, 'state', 'state.json'), 'utf8')].join('\n');
    expect(everything).not.toContain(SENTINEL);
    expect(everything).not.toContain('SENTINEL_SECRET');
    for (const secret of summary.secrets) {
      const json = /--secret-string '(.*)'$/.exec(secret.createCommand)![1]!;
      const placeholder = JSON.parse(json) as Record<string, string>;
      expect(Object.keys(placeholder)).toEqual(secret.keys);
      for (const [key, value] of Object.entries(placeholder)) expect(value).toBe(`<${key}>`);
    }
    expect(summary.secrets.find((s) => s.name === 'appflow-gitops/sap-orders')!.keys).toEqual([
      'oAuthCredentials.accessToken',
      'oAuthCredentials.clientId',
      'oAuthCredentials.clientSecret',
      'oAuthCredentials.refreshToken',
    ]);
  });

  it('--names imports only the named profiles, read by name', async () => {
    const { summary } = await run({ names: ['warehouse', 'hubspot'] });
    expect(summary.profiles.map((p) => p.name)).toEqual(['hubspot', 'warehouse']);
    expect((await readdir(join(dir, 'profiles'))).sort()).toEqual(['hubspot.yaml', 'warehouse.yaml']);
  });

  it('--names with an unknown name fails and writes nothing', async () => {
    await expect(run({ names: ['warehouse', 'nope'] })).rejects.toThrow(new ImportError('no connector profile named nope in AppFlow (us-east-1/default@local)'));
    await expect(readdir(join(dir, 'profiles'))).rejects.toThrow();
  });

  it('--connector-type filters on the server side', async () => {
    const { summary } = await run({ connectorType: 'SAPOData' });
    expect(summary.profiles.map((p) => p.name)).toEqual(['sap-orders']);
    await expect(run({ connectorType: 'Zendesk' })).rejects.toThrow(/no connector profiles found in AppFlow \(us-east-1\/default@local\) with connector type Zendesk/);
  });

  it('refuses to overwrite a changed file without --force (writing nothing), and with --force shows the diff', async () => {
    await run();
    const path = join(dir, 'profiles', 'warehouse.yaml');
    const original = await readFile(path, 'utf8');
    await writeFile(path, original.replace('warehouse: COMPUTE_WH', 'warehouse: OTHER_WH'));
    await writeFile(join(dir, 'profiles', 'metrics.yaml'), 'edited\n');
    await expect(run()).rejects.toThrow(/refusing to overwrite 2 files that differ .*warehouse\.yaml.*nothing was written.*--force/);
    expect(await readFile(join(dir, 'profiles', 'metrics.yaml'), 'utf8')).toBe('edited\n');

    const { summary } = await run({ force: true });
    const warehouse = summary.profiles.find((p) => p.name === 'warehouse')!;
    expect(warehouse.status).toBe('overwritten');
    expect(warehouse.diff).toContain('-      warehouse: OTHER_WH\n+      warehouse: COMPUTE_WH\n');
    expect(summary.profiles.find((p) => p.name === 'hubspot')!.status).toBe('unchanged');
    expect(await readFile(path, 'utf8')).toBe(original);
    expect(renderImportSummaryText(summary)).toContain('+      warehouse: COMPUTE_WH');
  });

  it('skips a profile already defined in another file of the output directory', async () => {
    await run({ names: ['metrics'] });
    const out = join(dir, 'profiles');
    // The user moved the imported document into a file of their own naming.
    await writeFile(join(out, 'team-metrics.yaml'), await readFile(join(out, 'metrics.yaml'), 'utf8'));
    await rm(join(out, 'metrics.yaml'));
    const result = await run({ names: ['metrics', 'warehouse'] });
    expect(result.ok).toBe(false);
    expect(result.summary.skipped).toEqual([{ name: 'metrics', reason: expect.stringMatching(/^already defined in team-metrics\.yaml:\d+/) }]);
    expect(result.summary.profiles.map((p) => p.name)).toEqual(['warehouse']);
  });

  it('an AWS error is one clear line', async () => {
    emu.faults.failNext('DescribeConnectorProfiles', 1, { status: 400, code: 'AccessDeniedException', message: 'not allowed to describe' });
    await expect(run()).rejects.toThrow(new ImportError('reading connector profiles from AppFlow (us-east-1/default@local) failed: AccessDeniedException: not allowed to describe'));
  });

  it('--names with --connector-type rejects a named profile of another type', async () => {
    await expect(run({ names: ['warehouse', 'metrics'], connectorType: 'Snowflake' })).rejects.toThrow(new ImportError('metrics is a Datadog profile, not Snowflake'));
  });

  it('a re-import keeps an existing inventory record, whether the file is unchanged or overwritten', async () => {
    await run({ names: ['warehouse'] });
    const statePath = join(dir, 'state', 'state.json');
    const state = JSON.parse(await readFile(statePath, 'utf8'));
    const managed = {
      ...state.targets[adapters.target.key].profiles['warehouse'],
      origin: 'created',
      credentialsFingerprint: 'f'.repeat(64),
      kmsArn: 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555',
    };
    state.targets[adapters.target.key].profiles['warehouse'] = managed;
    await writeFile(statePath, JSON.stringify(state));
    const record = async () => JSON.parse(await readFile(statePath, 'utf8')).targets[adapters.target.key].profiles['warehouse'];

    const again = await run({ names: ['warehouse'] });
    expect(again.summary.profiles[0]!.status).toBe('unchanged');
    expect(again.summary.recorded).toBe(0);
    expect(await record()).toEqual(managed);

    await writeFile(join(dir, 'profiles', 'warehouse.yaml'), 'stale\n');
    const overwritten = await run({ names: ['warehouse'], force: true });
    expect(overwritten.summary.profiles[0]!.status).toBe('overwritten');
    expect(overwritten.summary.recorded).toBe(0);
    expect(await record()).toEqual(managed);
  });

  it('a written file that does not validate is reported, not recorded, and makes the import fail', async () => {
    const withProblem: RunImportDeps['loadProfiles'] = async (d) => {
      const result = await loadProfiles(d);
      result.diagnostics.push({ file: 'metrics.yaml', line: 9, column: 7, path: 'connectorProfileConfig.connectorProfileProperties.Datadog.instanceUrl', message: 'must match pattern', code: 'schema.pattern', severity: 'error' });
      return result;
    };
    const result = await run({ names: ['metrics', 'warehouse'] }, withProblem);
    expect(result.ok).toBe(false);
    expect(result.summary.validation).toEqual(['metrics.yaml:9:7: connectorProfileConfig.connectorProfileProperties.Datadog.instanceUrl: must match pattern']);
    expect(result.summary.recorded).toBe(1);
    const records = JSON.parse(await readFile(join(dir, 'state', 'state.json'), 'utf8')).targets[adapters.target.key].profiles;
    expect(Object.keys(records)).toEqual(['warehouse']);
    expect(renderImportSummaryText(result.summary)).toContain('The written files do not pass validate:\n  metrics.yaml:9:7:');
  });
});
