// What the issue promises after an import, checked in-process with the real pipeline pieces
// (loadProfiles → preparePlan → reconcileOnce) over HTTP against the emulator: the imported files
// are valid; once the secrets exist the first plan has no property change, only credentials
// unknown; one apply sends them; then everything is a no-op.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsAdapters } from '../../src/aws/ports.js';
import { loadProfiles } from '../../src/desired/load-profiles.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { runImport } from '../../src/importer/run-import.js';
import { createSilentLogger } from '../../src/logging/logger.js';
import type { Plan } from '../../src/model/types.js';
import { preparePlan } from '../../src/reconcile/prepare-plan.js';
import { reconcileOnce } from '../../src/reconcile/reconcile-once.js';
import { createFileStateStore } from '../../src/state/file-state-store.js';
import { startEmulatorHarness, type EmulatorHarness } from '../support/emulator-harness.js';
import { IMPORT_SECRETS, IMPORT_SEED, SENTINEL } from './seed.js';

let harness: EmulatorHarness;
let emu: RunningEmulator;
let adapters: AwsAdapters;
let dir: string;
const planOptions = { prune: false, allowEmpty: false, maxDeletes: 10 };

beforeAll(async () => {
  harness = await startEmulatorHarness({ seed: IMPORT_SEED }, { maxAttempts: 1 });
  ({ emulator: emu, adapters } = harness);
  dir = await mkdtemp(join(tmpdir(), 'after-import-'));
});
afterAll(async () => {
  await harness.close();
  await rm(dir, { recursive: true, force: true });
});

async function plan(): Promise<Plan> {
  const store = createFileStateStore(join(dir, 'state'));
  const { state } = await store.load();
  const ctx = { target: adapters.target, appflow: adapters.appflow, secrets: adapters.secrets, state: state.targets[adapters.target.key]!, hmacKey: await store.hmacKey() };
  return preparePlan(ctx, await loadProfiles(join(dir, 'profiles')), planOptions);
}

describe('after import', () => {
  const names = ['crm/salesforce-prod', 'hubspot', 'metrics', 'sap-orders', 'warehouse'];

  it('imports, and the files validate', async () => {
    const { ok } = await runImport(
      { appflow: adapters.appflow, target: adapters.target, store: createFileStateStore(join(dir, 'state')), loadProfiles: (d) => loadProfiles(d) },
      { outDir: join(dir, 'profiles'), stateDir: join(dir, 'state'), force: false },
    );
    expect(ok).toBe(true);
    const loaded = await loadProfiles(join(dir, 'profiles'));
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.profiles.map((p) => p.name).sort()).toEqual(names);
  });

  it('before the secrets exist, plan reports each profile as an error naming its secret', async () => {
    const result = await plan();
    expect(result.changes.map((c) => [c.name, c.action])).toEqual(names.map((n) => [n, 'error']));
    expect(result.changes.find((c) => c.name === 'warehouse')!.reason).toContain('appflow-gitops/warehouse');
  });

  it('once the secrets exist: no property change, only credentials unknown, no adoption, no mutating call', async () => {
    emu.seed({ secrets: IMPORT_SECRETS });
    emu.clearRequestLog();
    const result = await plan();
    expect(result.summary).toMatchObject({ create: 0, update: 5, replace: 0, delete: 0, noop: 0, error: 0 });
    for (const change of result.changes) {
      expect(change.adopt, change.name).toBe(false);
      expect(change.fields, change.name).toEqual([expect.objectContaining({ path: 'connectorProfileCredentials', sensitive: true, unknownBefore: true, forcesReplacement: false })]);
    }
    expect(JSON.stringify(result)).not.toContain(SENTINEL);
    const mutating = emu.requestLog().filter((e) => !/^(Describe|Get|BatchGet|List)/.test(e.operation));
    expect(mutating).toEqual([]);
  });

  it('one apply sends the credentials (UpdateConnectorProfile only), then everything is a no-op', async () => {
    emu.clearRequestLog();
    const report = await reconcileOnce(
      { profilesDir: join(dir, 'profiles'), loadOptions: {}, store: createFileStateStore(join(dir, 'state')), appflow: adapters.appflow, secrets: adapters.secrets, target: adapters.target, logger: createSilentLogger() },
      { ...planOptions, allowReplace: false },
    );
    expect(report.ok).toBe(true);
    expect(report.outcomes.map((o) => [o.name, o.result])).toEqual(names.map((n) => [n, 'applied']));
    const writes = emu.requestLog().filter((e) => !/^(Describe|Get|BatchGet|List)/.test(e.operation));
    expect(writes.map((e) => e.operation)).toEqual(names.map(() => 'UpdateConnectorProfile'));

    const after = await plan();
    expect(after.summary).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0, noop: 5, error: 0 });
  });
});
