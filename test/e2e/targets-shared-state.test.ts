// Declared targets on the shared DynamoDB state, end to end: the built CLI against the emulator
// (two accounts, one reached through an assumed role) and DynamoDB Local. Each target's partition
// is reached with the target's own credentials; apply and import lead each target they write
// for and release the lease; a target a daemon leads fails alone; plan takes no lease and reads
// what apply recorded; the table holds no sentinel secret.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { StateTableClient } from '../../src/state/dynamodb/client.js';
import { ensureBuilt, runBuiltCli, type CliResult } from '../support/cli.js';
import type { DynamoDbLocal } from '../support/dynamodb-local.js';
import { emulatorEnv, emptyEmulator, type EmulatorHarness } from '../support/emulator-harness.js';
import { DEV, DEV_KEY, PROD, PROD_KEY, seedSentinelSecrets, startSharedStateRig, TWO_TARGETS_CONFIG, type SharedStateRig } from '../support/two-targets-shared-state.js';
import { datadogCreateRequest, datadogDocument } from '../support/profile-documents.js';
import { profileDir } from '../desired/helpers.js';

const SOURCES = ['cli/shared-state-targets.ts', 'cli/targets-pass.ts', 'cli/commands/apply.ts', 'cli/commands/plan.ts', 'cli/commands/import.ts', 'state/dynamodb/target-stores.ts', 'aws/target-adapters.ts'];
const SLOW = 120_000;
const SENTINEL = 'SENTINEL-SECRET-targets-ddb';

let rig: SharedStateRig;
let ddb: DynamoDbLocal;
let harness: EmulatorHarness;
let table: StateTableClient;
let tables = 0;
let name: string;
let dir: string;
const outputs: string[] = [];

beforeAll(async () => {
  ensureBuilt(SOURCES);
  rig = await startSharedStateRig();
  ({ ddb, harness, table } = rig);
}, SLOW);

afterAll(async () => {
  await rig?.stop();
  expect(outputs.join('\n')).not.toContain(SENTINEL);
});

beforeEach(async () => {
  await emptyEmulator(harness.emulator);
  seedSentinelSecrets(harness.emulator, SENTINEL);
  dir = profileDir({
    'appflow-gitops.yaml': TWO_TARGETS_CONFIG,
    'dev/app.yaml': stringify(datadogDocument('dev-app')),
    'prod/app.yaml': stringify(datadogDocument('prod-app')),
  });
  tables += 1;
  name = `targets-${tables}`;
  const init = await cli('state', 'init', '--state', `dynamodb://${name}`);
  expect(init.code, init.stderr).toBe(0);
});

async function cli(...args: string[]): Promise<CliResult> {
  const env = { ...emulatorEnv(harness.emulator.endpoint), ...ddb.env, HOME: dir, AWS_EC2_METADATA_DISABLED: 'true', NO_COLOR: '1' };
  const result = await runBuiltCli(args, { cwd: dir, env });
  outputs.push(result.stdout, result.stderr);
  return result;
}

const onTargets = (...args: string[]) => cli(...args, '--profiles', dir, '--state', `dynamodb://${name}`);
const names = (place: { accountId: string; region: string }) => harness.emulator.profileNames!(place);

async function items(): Promise<Record<string, unknown>[]> {
  return ((await table.doc.send(new ScanCommand({ TableName: name, ConsistentRead: true }))).Items ?? []) as Record<string, unknown>[];
}

async function lease(key: string): Promise<Record<string, unknown> | undefined> {
  return (await table.doc.send(new GetCommand({ TableName: name, Key: { pk: `target#${key}`, sk: 'lease' }, ConsistentRead: true }))).Item;
}

describe('declared targets on --state dynamodb://TABLE (built CLI, emulator with STS, DynamoDB Local)', () => {
  it('apply leads each target, records each in its own partition and releases the leases; plan then sees no change and takes no lease', async () => {
    const apply = await onTargets('apply');
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect(names(DEV)).toEqual(['dev-app']);
    expect(names(PROD)).toEqual(['prod-app']);

    const all = await items();
    const keys = all.map((i) => `${String(i.pk)} ${String(i.sk)}`).sort();
    expect(keys).toEqual([`target#${DEV_KEY} lease`, `target#${DEV_KEY} profile#dev-app`, `target#${PROD_KEY} lease`, `target#${PROD_KEY} profile#prod-app`]);
    // Released at the end (no owner), each taken once (fence 1).
    for (const key of [DEV_KEY, PROD_KEY]) expect(await lease(key)).toMatchObject({ fence: 1 });
    for (const key of [DEV_KEY, PROD_KEY]) expect((await lease(key))?.owner).toBeUndefined();
    // No secret value nor anything derived from one in the table.
    expect(JSON.stringify(all)).not.toContain(SENTINEL);

    const leasesBefore = JSON.stringify([await lease(DEV_KEY), await lease(PROD_KEY)]);
    const reads = harness.emulator.requestLog().length;
    const plan = await onTargets('plan', '--skip-credentials');
    expect(plan.code, plan.stderr).toBe(0);
    // The CI plan compares secret versions with what apply recorded: nothing changed.
    expect(plan.stdout.trim().split('\n').at(-1)).toBe('No changes. Your connector profiles match the configuration. (2 targets)');
    expect(plan.stdout).not.toContain('(sensitive value)');
    expect(JSON.stringify([await lease(DEV_KEY), await lease(PROD_KEY)])).toBe(leasesBefore);
    const secretReads = harness.emulator.requestLog().slice(reads).filter((e) => e.operation === 'GetSecretValue' || e.operation === 'BatchGetSecretValue');
    expect(secretReads).toEqual([]);
  }, SLOW);

  it('a target a daemon leads fails alone with the ledElsewhere line; the other target applies', async () => {
    const holder = 'daemon-elsewhere/1/4be1a0c2';
    await table.doc.send(new PutCommand({ TableName: name, Item: { pk: `target#${PROD_KEY}`, sk: 'lease', owner: holder, rvn: 'r1', fence: 4, leaseMs: 60_000, leaseUntil: '2030-01-01T00:00:00.000Z' } }));
    const apply = await onTargets('apply');
    expect(apply.code).toBe(1);
    expect(names(DEV)).toEqual(['dev-app']);
    expect(names(PROD)).toEqual([]);
    expect(apply.stdout).toContain(`Target failed: state.led-elsewhere: target ${PROD_KEY} in dynamodb://${name} is led by ${holder} (lease announced until 2030-01-01T00:00:00.000Z); it reconciles the target`);
    expect(harness.emulator.requestLog().filter((e) => e.service === 'appflow' && e.accountId === PROD.accountId)).toEqual([]);
    // The daemon's lease is untouched; the dev target's was taken and released.
    expect(await lease(PROD_KEY)).toMatchObject({ owner: holder, rvn: 'r1', fence: 4 });
    expect((await lease(DEV_KEY))?.owner).toBeUndefined();
  }, SLOW);

  it('import --target leads that target and records its inventory in its partition', async () => {
    harness.emulator.seed({ ...PROD, profiles: [datadogCreateRequest('legacy-eu', { apiKey: `${SENTINEL}-x`, applicationKey: `${SENTINEL}-y` }, 'https://api.datadoghq.eu')] });
    const imported = await cli('import', '--out', dir, '--state', `dynamodb://${name}`, '--target', 'prod-eu');
    expect(imported.code, imported.stderr).toBe(0);
    const recorded = (await items()).filter((i) => String(i.sk).startsWith('profile#'));
    expect(recorded.map((i) => `${String(i.pk)} ${String(i.sk)}`)).toEqual([`target#${PROD_KEY} profile#legacy-eu`]);
    expect(await lease(PROD_KEY)).toMatchObject({ fence: 1 });
    expect((await lease(PROD_KEY))?.owner).toBeUndefined();
    expect(JSON.stringify(await items())).not.toContain(SENTINEL);
  }, SLOW);

  it('a missing table fails each target in one line naming it and state init', async () => {
    const plan = await cli('plan', '--profiles', dir, '--state', 'dynamodb://no-such-table');
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain('Target failed: state.table-missing: target dev-us: state table "no-such-table" does not exist in us-east-1; create it with: appflow-gitops state init --state dynamodb://no-such-table');
    expect(plan.stdout).toContain('target prod-eu: state table "no-such-table" does not exist in eu-west-1');
    expect(plan.stderr).not.toMatch(/\n\s+at /);
  }, SLOW);
});
