// Reconciling with the shared DynamoDB state (DynamoDB Local + the emulator, real SDK clients):
// the table holds no secret and nothing derived from one, and a CI plan (`--skip-credentials` on
// the shared state) sees a rotated or missing secret from DescribeSecret alone, with zero
// GetSecretValue/BatchGetSecretValue calls.
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProfiles } from '../../src/desired/load-profiles.js';
import { createSilentLogger } from '../../src/logging/logger.js';
import { preparePlan } from '../../src/reconcile/prepare-plan.js';
import { reconcileOnce } from '../../src/reconcile/reconcile-once.js';
import { createStateTableClient, type StateTableClient } from '../../src/state/dynamodb/client.js';
import { createDynamoDbStateStore, SHARED_STATE_DIGEST_KEY } from '../../src/state/dynamodb/dynamodb-state-store.js';
import { initStateTable } from '../../src/state/dynamodb/table.js';
import { startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local.js';
import { resetEmulator, startEmulatorHarness, type EmulatorHarness } from '../support/emulator-harness.js';
import { datadog, ddSecret, NO_PRUNE, removeDir, tempDir, writeProfiles } from './plan-helpers.js';

const TABLE = 'appflow-gitops-state';
let ddb: DynamoDbLocal;
let client: StateTableClient;
let emu: EmulatorHarness;
let work: string;

beforeAll(async () => {
  [ddb, emu, work] = await Promise.all([
    startDynamoDbLocal(),
    startEmulatorHarness({ seed: { secrets: [ddSecret('dd', 'one'), ddSecret('other', 'two')] } }),
    tempDir('shared-state-'),
  ]);
  client = createStateTableClient(ddb.sdkConfig());
  await initStateTable(client.raw, TABLE);
  await writeProfiles(work, { 'a.json': datadog('a'), 'b.json': datadog('b', 'other') });
}, 120_000);

afterAll(async () => {
  client?.destroy();
  await Promise.all([ddb?.stop(), emu?.close(), work ? removeDir(work) : undefined]);
});

function reconcile() {
  const store = createDynamoDbStateStore({ table: TABLE, client, targets: [emu.adapters.target.key] });
  return reconcileOnce(
    { profilesDir: work, loadOptions: {}, store, appflow: emu.adapters.appflow, secrets: emu.adapters.secrets, target: emu.adapters.target, logger: createSilentLogger() },
    { ...NO_PRUNE, allowReplace: false },
  );
}

async function ciPlan() {
  const store = createDynamoDbStateStore({ table: TABLE, client, targets: [emu.adapters.target.key] });
  const { state } = await store.load();
  return preparePlan(
    {
      target: emu.adapters.target,
      appflow: emu.adapters.appflow,
      secrets: emu.adapters.secrets,
      state: state.targets[emu.adapters.target.key]!,
      hmacKey: await store.hmacKey(),
      fingerprintScheme: store.fingerprintScheme,
      skipCredentials: true,
    },
    await loadProfiles(work),
    NO_PRUNE,
  );
}

function secretReads(): string[] {
  return emu.emulator.requestLog().map((e) => e.operation).filter((op) => op === 'GetSecretValue' || op === 'BatchGetSecretValue');
}

describe('shared DynamoDB state', () => {
  it('reconciles, then the table holds no secret value and nothing a guess could be tested against', async () => {
    const report = await reconcile();
    expect(report.ok, JSON.stringify(report.outcomes)).toBe(true);
    expect(report.outcomes.map((o) => `${o.name}:${o.result}`).sort()).toEqual(['a:applied', 'b:applied']);

    const items = (await client.doc.send(new ScanCommand({ TableName: TABLE }))).Items ?? [];
    const text = JSON.stringify(items);
    expect(items.length).toBeGreaterThanOrEqual(2);
    expect(text).not.toContain('SENTINEL');
    // Not even a value fingerprint under the (public) shared key: nothing to test guesses with.
    const valueHmac = createHmac('sha256', SHARED_STATE_DIGEST_KEY).update('SENTINEL-SECRET-api-one').digest('hex');
    expect(text).not.toContain(valueHmac);
    expect(items.find((i) => i.sk === 'profile#a')?.record).toMatchObject({ origin: 'created', credentialsFingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) });

    // A second pass is a no-op: the version fingerprints recorded match.
    const again = await reconcile();
    expect(again.plan.summary).toMatchObject({ create: 0, update: 0, noop: 2 });
  });

  it('a CI plan sees a rotation and a missing secret with zero secret-value reads', async () => {
    await reconcile();
    resetEmulator(emu.emulator);
    const quiet = await ciPlan();
    expect(quiet.summary).toMatchObject({ noop: 2, update: 0, error: 0 });

    await emu.sdk.secrets.send(new PutSecretValueCommand({ SecretId: 'dd', SecretString: ddSecret('dd', 'rotated').secretString }));
    await writeProfiles(work, { 'c.json': datadog('c', 'does-not-exist') });
    resetEmulator(emu.emulator);
    const plan = await ciPlan();
    const byName = Object.fromEntries(plan.changes.map((c) => [c.name, c]));
    expect(byName.a!.action).toBe('update');
    expect(byName.a!.fields.map((f) => f.path)).toEqual(['connectorProfileCredentials']);
    expect(byName.b!.action).toBe('noop');
    expect(byName.c!.action).toBe('error');
    expect(byName.c!.reason).toContain('"does-not-exist"');
    expect(secretReads()).toEqual([]);
    expect(emu.emulator.requestLog().some((e) => e.operation === 'DescribeSecret')).toBe(true);
    expect(plan.warnings.join('\n')).toContain('compared by secret version');
    expect(JSON.stringify(plan)).not.toContain('SENTINEL');

    // The daemon (which reads values) applies the rotation; the CI plan is quiet again.
    await writeProfiles(work, { 'c.json': datadog('c', 'other') });
    const applied = await reconcile();
    expect(applied.outcomes.find((o) => o.name === 'a')).toMatchObject({ action: 'update', result: 'applied' });
    expect((await ciPlan()).summary).toMatchObject({ update: 0, create: 0, error: 0 });
  });
});
