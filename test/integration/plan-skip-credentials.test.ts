// `plan --skip-credentials` (PlanContext.skipCredentials): a pull-request check that must not
// read secrets and has no state directory still sees property drift, and no credential noise.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProfiles } from '../../src/desired/load-profiles.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { TargetState } from '../../src/model/types.js';
import { preparePlan } from '../../src/reconcile/prepare-plan.js';
import { adaptersFor } from '../support/emulator-harness.js';
import { actions, applyCreates, datadog, ddSecret, driftInstanceUrl, emptyState, KEY, NO_PRUNE, planDir, removeDir, tempDir, writeProfiles } from './plan-helpers.js';

let emu: RunningEmulator;
let dir: string;

beforeEach(async () => {
  emu = await startEmulator({ seed: { secrets: [ddSecret('dd', 'one')] } });
  dir = await tempDir();
});

afterEach(async () => {
  await emu.close();
  await removeDir(dir);
});

async function planSkippingCredentials(state: TargetState) {
  const adapters = adaptersFor(emu);
  try {
    const load = await loadProfiles(dir);
    const context = { target: adapters.target, appflow: adapters.appflow, secrets: adapters.secrets, state, hmacKey: KEY, skipCredentials: true };
    return await preparePlan(context, load, NO_PRUNE);
  } finally {
    adapters.destroy();
  }
}

describe('plan with skipCredentials', () => {
  it('reads no secret, shows no credential field, and says so in a warning', async () => {
    await writeProfiles(dir, { 'a.json': datadog('a'), 'b.json': datadog('b', 'missing-secret') });
    const state = emptyState();
    applyCreates(emu, await planDir(emu, dir, state), state);
    // What a CI job sees: the profiles exist, but it has no state directory (no fingerprints).
    emu.clearRequestLog();
    const plan = await planSkippingCredentials(emptyState());
    const secretCalls = emu.requestLog().filter((e) => e.service === 'secretsmanager');
    expect(secretCalls).toEqual([]);
    // 'b' was never created (its secret is missing, so its first plan was an error). Without
    // reading secrets, the missing secret goes unnoticed and 'b' plans as a create.
    expect(actions(plan)).toEqual({ a: 'noop', b: 'create' });
    for (const change of plan.changes) {
      expect(change.fields.map((f) => f.path)).not.toContain('connectorProfileCredentials');
      expect(change.credentials).toBeUndefined();
    }
    expect(plan.warnings).toContain(
      'credentials were not read (--skip-credentials): credential changes and unresolvable secrets are not shown',
    );
  });

  it('still shows property drift', async () => {
    await writeProfiles(dir, { 'a.json': datadog('a') });
    const state = emptyState();
    applyCreates(emu, await planDir(emu, dir, state), state);
    await driftInstanceUrl(emu, 'a', 'https://api.datadoghq.eu');
    const plan = await planSkippingCredentials(emptyState());
    expect(actions(plan)).toEqual({ a: 'update' });
    expect(plan.changes[0]!.fields.map((f) => f.path)).toEqual(['connectorProfileProperties.Datadog.instanceUrl']);
  });
});
