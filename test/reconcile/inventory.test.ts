// refreshSourceFile: what a no-op keeps current in the inventory (source file, the document's digest
// as last applied, the lifecycle), and that it reports a change exactly when it made one, so the
// executor saves the state exactly then. Pure: no AWS, no files.
import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../src/model/deep-frozen.js';
import { nameKeyed } from '../../src/model/name-keyed.js';
import type { ManagedProfileRecord, PlannedChange, ProfileLifecycle, TargetState } from '../../src/model/types.js';
import { documentDigest } from '../../src/planner/change-record.js';
import { refreshSourceFile } from '../../src/reconcile/inventory.js';
import { desiredOf, snowflakeDocument } from '../planner/fixtures.js';

const DOC = snowflakeDocument('snow');

function noop(lifecycle?: ProfileLifecycle, extra: Partial<PlannedChange> = {}, frozen = false): PlannedChange {
  const desired = { ...desiredOf(DOC), ...(lifecycle ? { lifecycle } : {}) };
  return { target: 't', name: 'snow', action: 'noop', adopt: false, source: desired.source, fields: [], unchangedFields: 3, desired: frozen ? deepFreeze(desired) : desired, ...extra };
}

function stateWith(record: Partial<ManagedProfileRecord> = {}): TargetState {
  const profiles = nameKeyed<ManagedProfileRecord>();
  profiles.snow = { name: 'snow', origin: 'created', connectorType: 'Snowflake', sourceFile: 'snow.yaml', documentDigest: documentDigest(DOC), ...record };
  return { profiles, intents: nameKeyed() };
}

describe('refreshSourceFile', () => {
  it('an in-sync profile without a lifecycle on either side changes nothing', () => {
    const state = stateWith();
    const before = structuredClone(state.profiles.snow);
    expect(refreshSourceFile(state, noop())).toBe(false);
    expect(refreshSourceFile(state, noop(undefined, {}, true))).toBe(false);
    expect(state.profiles.snow).toEqual(before);
  });

  it('a lifecycle added to the document is recorded (a copy, not the document object)', () => {
    const state = stateWith();
    const change = noop({ preventDestroy: true }, {}, true);
    expect(refreshSourceFile(state, change)).toBe(true);
    expect(state.profiles.snow!.lifecycle).toEqual({ preventDestroy: true });
    expect(state.profiles.snow!.lifecycle).not.toBe(change.desired!.lifecycle);
    expect(Object.isFrozen(state.profiles.snow!.lifecycle)).toBe(false);
  });

  it('a lifecycle removed from the document leaves the record (what lifts preventDestroy)', () => {
    const state = stateWith({ lifecycle: { preventDestroy: true } });
    expect(refreshSourceFile(state, noop())).toBe(true);
    expect(state.profiles.snow).not.toHaveProperty('lifecycle');
  });

  it('a changed lifecycle is recorded; an equal one is not a change', () => {
    const state = stateWith({ lifecycle: { deletionPolicy: 'Retain' } });
    expect(refreshSourceFile(state, noop({ deletionPolicy: 'Retain' }))).toBe(false);
    expect(refreshSourceFile(state, noop({ preventDestroy: true }))).toBe(true);
    expect(state.profiles.snow!.lifecycle).toEqual({ preventDestroy: true });
  });

  it('a moved document updates the source file', () => {
    const state = stateWith({ sourceFile: 'old.yaml' });
    expect(refreshSourceFile(state, noop())).toBe(true);
    expect(state.profiles.snow!.sourceFile).toBe('snow.yaml');
  });

  it("a no-op makes the document the one last applied, only where the record keeps a digest and the profile is not suspended", () => {
    const stale = stateWith({ documentDigest: 'stale' });
    expect(refreshSourceFile(stale, noop())).toBe(true);
    expect(stale.profiles.snow!.documentDigest).toBe(documentDigest(DOC));

    const none = stateWith({ documentDigest: undefined });
    delete none.profiles.snow!.documentDigest;
    expect(refreshSourceFile(none, noop())).toBe(false);
    expect(none.profiles.snow).not.toHaveProperty('documentDigest');

    const suspended = stateWith({ documentDigest: 'stale' });
    expect(refreshSourceFile(suspended, noop({ suspend: true }, { suspended: true }))).toBe(true); // the lifecycle is new
    expect(suspended.profiles.snow!.documentDigest).toBe('stale');
  });

  it('a profile not in the inventory, or a change without a document, changes nothing', () => {
    const state = stateWith();
    expect(refreshSourceFile(state, { ...noop(), name: 'other' })).toBe(false);
    expect(refreshSourceFile(state, { ...noop(), desired: undefined })).toBe(false);
  });
});
