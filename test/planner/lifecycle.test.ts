// lifecycle: in the planner, the update request and the loader (pure pieces; test/e2e/lifecycle.test.ts
// runs them through the built CLI against the emulator).
import { describe, expect, it } from 'vitest';
import { planChanges } from '../../src/planner/plan-changes.js';
import { buildUpdateRequest } from '../../src/reconcile/request-builder.js';
import { loadProfiles } from '../../src/desired/load-profiles.js';
import { desiredOf, inSync, observedOf, OPTIONS, snowflakeDocument } from './fixtures.js';
import { profileDir } from '../desired/helpers.js';

describe('lifecycle in the planner', () => {
  it('ignoreChanges: the field is not diffed, and an update sends the value found in the account', () => {
    const doc = snowflakeDocument('snow');
    const input = inSync([doc]);
    const desired = structuredClone(doc);
    const props = desired.connectorProfileConfig.connectorProfileProperties.Snowflake as { warehouse: string; stage: string };
    props.warehouse = 'IGNORED_WH';
    input.desired = [{ ...desiredOf(desired), lifecycle: { ignoreChanges: ['connectorProfileConfig.connectorProfileProperties.Snowflake.warehouse'] } }];
    expect(planChanges(input, OPTIONS).changes[0]!.action).toBe('noop');

    props.stage = 'DB.SCHEMA.OTHER_STAGE';
    input.desired = [{ ...input.desired[0]!, document: desired }];
    const change = planChanges(input, OPTIONS).changes[0]!;
    expect(change.action).toBe('update');
    expect(change.fields.map((f) => f.path)).toEqual(['connectorProfileProperties.Snowflake.stage']);
    const sent = buildUpdateRequest({ ...change, observed: observedOf(doc) }).request.connectorProfileConfig!.connectorProfileProperties!.Snowflake!;
    expect(sent.warehouse).toBe((doc.connectorProfileConfig.connectorProfileProperties.Snowflake as { warehouse: string }).warehouse);
    expect(sent.stage).toBe('DB.SCHEMA.OTHER_STAGE');
  });

  it('suspend: a noop that keeps the drift (fields, reason) and carries no credentials', () => {
    const doc = snowflakeDocument('snow');
    const input = inSync([doc]);
    const desired = structuredClone(doc);
    desired.connectionMode = 'Private';
    input.desired = [{ ...desiredOf(desired), lifecycle: { suspend: true } }];
    const change = planChanges(input, OPTIONS).changes[0]!;
    expect(change).toMatchObject({ action: 'noop', suspended: true, reason: 'suspended (lifecycle.suspend): not written; would update: connectionMode differs' });
    expect(change.credentials).toBeUndefined();
    expect(change.fields.map((f) => f.path)).toEqual(['connectionMode']);
  });
});

describe('lifecycle in the loader', () => {
  it('takes lifecycle out of the document; a wrong value is a located schema error', async () => {
    const base = 'connectorProfileName: a\nconnectorType: Datadog\nconnectionMode: Public\nconnectorProfileConfig:\n  connectorProfileProperties:\n    Datadog:\n      instanceUrl: https://api.datadoghq.com\n';
    const good = await loadProfiles(profileDir({ 'a.yaml': `${base}lifecycle:\n  preventDestroy: true\n  credentialsOnUpdate: changed\n` }));
    expect(good.diagnostics).toEqual([]);
    expect(good.profiles[0]!.lifecycle).toEqual({ preventDestroy: true, credentialsOnUpdate: 'changed' });
    expect('lifecycle' in good.profiles[0]!.document).toBe(false);

    const bad = await loadProfiles(profileDir({ 'a.yaml': `${base}lifecycle:\n  deletionPolicy: Keep\n  ignoreChanges: [connectorProfileName]\n` }));
    expect(bad.profiles).toEqual([]);
    expect(bad.diagnostics.map((d) => `${d.line}:${d.path}`)).toEqual(['9:lifecycle.deletionPolicy', '10:lifecycle.ignoreChanges[0]']);
  });
});
