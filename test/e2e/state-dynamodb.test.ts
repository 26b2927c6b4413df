// The built CLI with --state dynamodb://TABLE, against DynamoDB Local and the emulator through
// the standard environment (AWS_ENDPOINT_URL_DYNAMODB and friends): state init (twice), a
// missing table, state migrate from a file state, and a plan from another process that reads
// the shared state.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createStateTableClient } from '../../src/state/dynamodb/client.js';
import { ensureBuilt, runBuiltCli, type CliResult } from '../support/cli.js';
import { startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local.js';
import { resetEmulator, startEmulatorHarness, type EmulatorHarness } from '../support/emulator-harness.js';
import { datadog, ddSecret, removeDir, tempDir, writeProfiles } from '../integration/plan-helpers.js';

const SOURCES = ['cli/commands/state.ts', 'cli/commands/plan.ts', 'cli/commands/apply.ts', 'cli/commands/import.ts', 'cli/shared-state-lease.ts', 'state/dynamodb/dynamodb-state-store.ts', 'state/dynamodb/migrate.ts'];

let ddb: DynamoDbLocal;
let emu: EmulatorHarness;
let work: string;

beforeAll(async () => {
  ensureBuilt(SOURCES);
  [ddb, emu, work] = await Promise.all([startDynamoDbLocal(), startEmulatorHarness({ seed: { secrets: [ddSecret('dd', 'one')] } }), tempDir('state-ddb-e2e-')]);
  await writeProfiles(join(work, 'profiles'), { 'a.json': datadog('a'), 'b.json': datadog('b') });
}, 120_000);

afterAll(async () => {
  await Promise.all([ddb?.stop(), emu?.close(), work ? removeDir(work) : undefined]);
});

function cli(...args: string[]): Promise<CliResult> {
  return runBuiltCli(args, { cwd: work, env: { ...emu.env, ...ddb.env, HOME: work } });
}

function expectClean(result: CliResult): void {
  expect(result.stdout + result.stderr).not.toContain('SENTINEL');
  expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

describe('--state dynamodb://TABLE', () => {
  it('state init creates the table once; a second run says it is ready', async () => {
    const first = await cli('state', 'init', '--state', 'dynamodb://init-twice');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe('created state table init-twice in us-east-1 (on-demand, TTL on expiresAt)\n');
    const second = await cli('state', 'init', '--state', 'dynamodb://init-twice');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe('state table init-twice in us-east-1 is ready (already existed; TTL on expiresAt)\n');
  });

  it('a missing table is one line naming it and state init', async () => {
    const result = await cli('plan', '--profiles', 'profiles', '--state', 'dynamodb://missing-table');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: state table "missing-table" does not exist in us-east-1; create it with: appflow-gitops state init --state dynamodb://missing-table\n',
    );
  });

  it('bad locations and plaintext credentials on shared state are refused in one line', async () => {
    const bad = await cli('plan', '--profiles', 'profiles', '--state', 'dynamodb://x');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: --state "dynamodb:\/\/x": a DynamoDB table name is 3-255 .*\n$/);
    const plaintext = await cli('plan', '--profiles', 'profiles', '--state', 'dynamodb://init-twice', '--allow-plaintext-credentials');
    expect(plaintext.code).toBe(1);
    expect(plaintext.stderr).toContain('--allow-plaintext-credentials cannot be used with --state dynamodb://');
  });

  it('state migrate copies a file state; plan from another process reads it', async () => {
    const apply = await cli('apply', '--profiles', 'profiles', '--state', 'file-state');
    expect(apply.code, apply.stderr).toBe(0);
    expect((await cli('state', 'init', '--state', 'dynamodb://migrated')).code).toBe(0);

    const migrate = await cli('state', 'migrate', '--from', 'file-state', '--to', 'dynamodb://migrated');
    expectClean(migrate);
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(migrate.stdout).toContain('migrated 2 profile records of target us-east-1/default@local to migrated');
    expect(migrate.stdout).toContain('2 credential fingerprint(s) not copied');

    // Twice is refused: the table already holds that target.
    const again = await cli('state', 'migrate', '--from', 'file-state', '--to', 'dynamodb://migrated');
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('error: state migrate: table migrated already holds state for us-east-1/default@local; nothing migrated\n');

    // The plan (read-only, no lease) sees the inventory: both profiles are managed, nothing to
    // create; credentials are unknown until the first pass on the shared state sends them.
    const plan = await cli('plan', '--profiles', 'profiles', '--state', 'dynamodb://migrated', '--json');
    expectClean(plan);
    expect(plan.code, plan.stderr).toBe(0);
    const parsed = JSON.parse(plan.stdout) as { changes: { name: string; action: string; adopt?: boolean }[] };
    expect(parsed.changes.map((c) => `${c.name}:${c.action}:${c.adopt === true}`).sort()).toEqual(['a:update:false', 'b:update:false']);
  });

  it('apply and import on shared state lead the target for their run, and refuse while another replica leads', async () => {
    expect((await cli('state', 'init', '--state', 'dynamodb://apply-table')).code).toBe(0);
    const apply = await cli('apply', '--profiles', 'profiles', '--state', 'dynamodb://apply-table', '--json');
    expectClean(apply);
    expect(apply.code, apply.stderr).toBe(0);
    const client = createStateTableClient(ddb.sdkConfig());
    try {
      const items = (await client.doc.send(new ScanCommand({ TableName: 'apply-table' }))).Items ?? [];
      expect(items.filter((i) => String(i.sk).startsWith('profile#')).map((i) => i.sk).sort()).toEqual(['profile#a', 'profile#b']);
      // Released at the end: the lease item keeps its fence but names no owner.
      expect(items.find((i) => i.sk === 'lease')).toMatchObject({ fence: 1 });
      expect(items.find((i) => i.sk === 'lease')?.owner).toBeUndefined();
      expect(JSON.stringify(items)).not.toContain('SENTINEL');

      // A daemon leads (its lease item names it): apply and import refuse, naming it.
      await client.doc.send(
        new PutCommand({ TableName: 'apply-table', Item: { pk: 'target#us-east-1/default@local', sk: 'lease', owner: 'daemon-7/1/abc', rvn: 'r1', fence: 4, leaseMs: 15_000 } }),
      );
      const refused = await cli('apply', '--profiles', 'profiles', '--state', 'dynamodb://apply-table');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^error: target us-east-1\/default@local in dynamodb:\/\/apply-table is led by daemon-7\/1\/abc; it reconciles the target: let it apply the change, or stop it first \(plan needs no lease\)\n$/);
      const imported = await cli('import', '--out', 'imported', '--state', 'dynamodb://apply-table');
      expect(imported.code).toBe(1);
      expect(imported.stderr).toContain('is led by daemon-7/1/abc');
    } finally {
      client.destroy();
    }
  });

  it('a CI plan (plan --skip-credentials on the shared state) shows a rotation with zero secret-value reads', async () => {
    expect((await cli('state', 'init', '--state', 'dynamodb://ci-table')).code).toBe(0);
    const apply = await cli('apply', '--profiles', 'profiles', '--state', 'dynamodb://ci-table');
    expect(apply.code, apply.stderr).toBe(0);
    await emu.sdk.secrets.send(new PutSecretValueCommand({ SecretId: 'dd', SecretString: ddSecret('dd', 'rotated').secretString }));
    resetEmulator(emu.emulator);

    const plan = await cli('plan', '--profiles', 'profiles', '--state', 'dynamodb://ci-table', '--skip-credentials', '--json');
    expectClean(plan);
    expect(plan.code, plan.stderr).toBe(0);
    const parsed = JSON.parse(plan.stdout) as { changes: { name: string; action: string; fields: { path: string }[] }[]; warnings: string[] };
    expect(parsed.changes.map((c) => `${c.name}:${c.action}:${c.fields.map((f) => f.path).join(',')}`).sort()).toEqual([
      'a:update:connectorProfileCredentials',
      'b:update:connectorProfileCredentials',
    ]);
    expect(parsed.warnings.join('\n')).toContain('compared by secret version');
    const operations = emu.emulator.requestLog().map((e) => e.operation);
    expect(operations).toContain('DescribeSecret');
    expect(operations.filter((op) => op === 'GetSecretValue' || op === 'BatchGetSecretValue')).toEqual([]);
  });

  it('migrate refuses a file state with pending intents, changing nothing', async () => {
    const dir = join(work, 'pending-state');
    const text = await readFile(join(work, 'file-state', 'state.json'), 'utf8');
    const state = JSON.parse(text) as { targets: Record<string, { intents: Record<string, unknown> }> };
    state.targets['us-east-1/default@local']!.intents.a = { operation: 'update', name: 'a', clientToken: 't', requestDigest: 'd', createdAt: new Date().toISOString() };
    await writeProfiles(dir, { 'state.json': JSON.stringify(state) });
    await cli('state', 'init', '--state', 'dynamodb://pending');
    const result = await cli('state', 'migrate', '--from', dir, '--to', 'dynamodb://pending');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('has 1 pending write intent (us-east-1/default@local: a); run apply once with this state directory');
  });
});
