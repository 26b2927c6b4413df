// The saved plan's pure core: building, reading back (every refusal), comparing flags, files and
// targets (each difference named in one line), and the barrier that lets one check see every
// target's plan before any target writes.
import { describe, expect, it } from 'vitest';
import type { AwsTarget } from '../../src/aws/ports.js';
import { planChanges } from '../../src/planner/plan-changes.js';
import { createPlanBarrier } from '../../src/reconcile/plan-barrier.js';
import type { PlannedTarget } from '../../src/reconcile/types.js';
import { buildSavedPlan, deniedWrite } from '../../src/saved-plan/build.js';
import { parseSavedPlan, serializeSavedPlan, type PlanningFlags, type SavedPlan } from '../../src/saved-plan/format.js';
import { compareFiles, compareFlags, compareTargets } from '../../src/saved-plan/verify.js';
import { credentialsOf, desiredOf, inputOf, observedOf, OPTIONS, recordOf, snowflakeDocument, stateOf, TARGET } from '../planner/fixtures.js';

const SENTINEL = 'SENTINEL-SECRET-saved-plan-unit';
const FLAGS: PlanningFlags = { prune: false, allowEmpty: false, allowReplace: false, maxDeletes: 5, credentialsOnUpdate: 'always', names: null, targets: ['default'], allowPlaintextCredentials: false };
const AWS_TARGET: AwsTarget = { key: TARGET, region: 'us-east-1', identity: '123456789012', name: 'default' };

/** One target planning an update of `a` (warehouse changed) with credentials resolved to a sentinel value. */
function planned(overrides: { warehouse?: string; observedWarehouse?: string; versionId?: string; lastAppliedAt?: string; exists?: boolean } = {}): PlannedTarget {
  const desired = snowflakeDocument('a', { connectorProfileConfig: { connectorProfileProperties: { Snowflake: { warehouse: overrides.warehouse ?? 'WH2', stage: '@s', bucketName: 'b' } }, connectorProfileCredentials: { Snowflake: { username: 'u', password: '{{resolve:secretsmanager:s:SecretString:password}}' } } } });
  const observed = snowflakeDocument('a', { connectorProfileConfig: { connectorProfileProperties: { Snowflake: { warehouse: overrides.observedWarehouse ?? 'WH1', stage: '@s', bucketName: 'b' } } } });
  const credentials = credentialsOf({ Snowflake: { username: 'u', password: SENTINEL } });
  const state = stateOf([recordOf(observed, credentials, { lastAppliedAt: overrides.lastAppliedAt ?? '2026-01-01T00:00:00.000Z' })]);
  const plan = planChanges(
    inputOf({ desired: [desiredOf(desired)], observed: overrides.exists === false ? [] : [observedOf(observed)], state, credentials: new Map([['a', credentials]]) }),
    OPTIONS,
  );
  for (const change of plan.changes) change.secretVersions = { '{{resolve:secretsmanager:s:SecretString:password}}': overrides.versionId ?? 'v-1' };
  return { name: 'default', target: AWS_TARGET, plan, state };
}

function saved(target: PlannedTarget = planned()): SavedPlan {
  return buildSavedPlan({ toolVersion: '1.2.3', createdAt: new Date(0), flags: FLAGS, config: null, files: { 'a.yaml': 'f1' }, planned: [target] });
}

describe('saved plan format', () => {
  it('round-trips, versioned, with no secret value or value fingerprint in the text', () => {
    const target = planned();
    const text = serializeSavedPlan(saved(target));
    expect(text).not.toContain(SENTINEL);
    expect(text).not.toContain(target.plan!.changes[0]!.credentialsFingerprint!);
    const back = parseSavedPlan(text, '1.2.3');
    expect(back).toMatchObject({ kind: 'appflow-gitops/saved-plan', formatVersion: 1, tool: { name: 'appflow-gitops', version: '1.2.3' } });
    expect(compareTargets(back.targets, [planned()])).toBeUndefined();
  });

  it.each([
    ['not json', '{"kind":', /^is not a saved plan \(not JSON/],
    ['another kind', '{"kind":"terraform"}', /^is not a saved plan \(no "kind"/],
    ['an array', '[]', /^is not a saved plan \(no "kind"/],
    ['another format version', JSON.stringify({ ...saved(), formatVersion: 2 }), /^has saved-plan format 2; this version reads format 1/],
    ['another tool version', JSON.stringify({ ...saved(), tool: { name: 'appflow-gitops', version: '9.9.9' } }), /^was made by appflow-gitops "9\.9\.9"; this is 1\.2\.3/],
    ['a missing field', JSON.stringify({ ...saved(), inputs: { files: {} } }), /^is not a complete saved plan/],
    ['a digest of the wrong type', JSON.stringify({ ...saved(), targets: [{ ...saved().targets[0], digests: { ...saved().targets[0]!.digests, plan: 1 } }] }), /^is not a complete saved plan/],
  ])('refuses %s in one line', (_, text, message) => {
    expect(() => parseSavedPlan(text, '1.2.3')).toThrow(message);
  });

  it('a pass that planned no target leaves nothing to save', () => {
    expect(() => buildSavedPlan({ toolVersion: '1', createdAt: new Date(0), flags: FLAGS, config: null, files: {}, planned: [] })).toThrow('no target was planned, so there is no plan to save');
  });

  it('a target that could not plan leaves nothing to save', () => {
    expect(() => buildSavedPlan({ toolVersion: '1', createdAt: new Date(0), flags: FLAGS, config: null, files: {}, planned: [{ name: 'prod', target: AWS_TARGET, error: 'AccessDenied' }] })).toThrow(
      'target prod could not be planned (AccessDenied), so there is no plan to save',
    );
  });
});

describe('comparing a saved plan with now', () => {
  it('names the first planning flag that differs', () => {
    expect(compareFlags(FLAGS, FLAGS)).toBeUndefined();
    expect(compareFlags(FLAGS, { ...FLAGS, maxDeletes: 10 })).toBe('--max-deletes was 5 when planned and is 10 now (give apply the flags plan was given)');
    expect(compareFlags(FLAGS, { ...FLAGS, credentialsOnUpdate: 'changed' })).toMatch(/^--credentials-on-update was "always"/);
    expect(compareFlags(FLAGS, { ...FLAGS, allowReplace: true })).toMatch(/^--allow-replace/);
  });

  it('names the config file or the profile file that changed, appeared or went', () => {
    const inputs = { config: null, files: { 'a.yaml': 'f1', 'b.yaml': 'f2' } };
    expect(compareFiles(inputs, inputs)).toBeUndefined();
    expect(compareFiles(inputs, { ...inputs, config: 'c' })).toBe('a config file was added');
    expect(compareFiles({ ...inputs, config: 'c' }, { ...inputs, config: 'd' })).toBe('the config file changed');
    expect(compareFiles(inputs, { config: null, files: { 'a.yaml': 'f1', 'b.yaml': 'other' } })).toBe('profile file b.yaml changed');
    expect(compareFiles(inputs, { config: null, files: { 'a.yaml': 'f1' } })).toBe('profile file b.yaml was removed');
  });

  it('names the target, and the state, account or secret of the profile that changed', () => {
    const plan = saved().targets;
    expect(compareTargets(plan, [planned({ lastAppliedAt: '2026-02-02T00:00:00.000Z' })])).toBe("the state's record of profile a changed (target default)");
    expect(compareTargets(plan, [planned({ observedWarehouse: 'WH9' })])).toBe('profile a changed in the account (target default)');
    expect(compareTargets(plan, [planned({ versionId: 'v-2' })])).toBe('a secret has a new version (rotated) for profile a (target default)');
    expect(compareTargets(plan, [{ ...planned(), target: { ...AWS_TARGET, key: 'eu-west-1/123456789012' } }])).toBe('target default is now eu-west-1/123456789012 (planned against us-east-1/123456789012)');
    expect(compareTargets(plan, [{ name: 'default', target: AWS_TARGET, error: 'AccessDenied' }])).toBe('target default could not be planned (AccessDenied)');
    expect(compareTargets(plan, [])).toBe('target default is not in this run');
    expect(compareTargets(plan, [planned(), { ...planned(), name: 'extra' }])).toBe('target extra was not in the plan');
  });

  it('a profile that appeared in the account since the plan refuses', () => {
    expect(compareTargets(saved(planned({ exists: false })).targets, [planned()])).toBe('profile a now exists in the account (target default)');
  });

  it('a deny policy violation in the saved plan blocks it', () => {
    const target = planned();
    expect(deniedWrite(saved(target))).toBeUndefined();
    target.plan!.changes[0]!.policyViolations = [{ policy: 'private-only', severity: 'deny', message: 'm' }];
    expect(deniedWrite(saved(target))).toBe('the plan has a write a deny policy rejects (profile a, policy private-only, target default); fix it and plan again');
  });
});

describe('plan barrier', () => {
  it('releases every target with one verdict once the last has planned; the check sees them in config order', async () => {
    const seen: string[][] = [];
    const barrier = createPlanBarrier(['two', 'one'], async (all) => {
      seen.push(all.map((p) => p.name));
      return 'stale';
    });
    let first: string | undefined | null = null;
    const waiting = barrier.arrive({ name: 'one', target: AWS_TARGET }).then((v) => (first = v));
    await Promise.resolve();
    expect(first).toBeNull();
    expect(await barrier.arrive({ name: 'two', target: AWS_TARGET })).toBe('stale');
    await waiting;
    expect(first).toBe('stale');
    expect(seen).toEqual([['two', 'one']]);
  });

  it('a check that throws refuses the pass', async () => {
    const barrier = createPlanBarrier(['one'], () => Promise.reject(new Error('disk gone')));
    expect(await barrier.arrive({ name: 'one', target: AWS_TARGET })).toBe('the plan could not be checked: disk gone');
  });
});
