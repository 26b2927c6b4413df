// The daemon's previous plan, handed out again only while everything it was made from is the same
// (src/reconcile/plan-memo.ts): unit cases for each source, then a daemon's passes end to end (real
// loader with its parse cache, remembering SDK clients over HTTP to the emulator, file state store),
// where a change in any one source (the account, a secret, a file, the state) is still planned.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppflowClient, UpdateConnectorProfileCommand } from '@aws-sdk/client-appflow';
import { afterEach, describe, expect, it } from 'vitest';
import { deepFreeze } from '../../src/model/deep-frozen.js';
import type { LoadResult, ObservedProfile, Plan, PlannedChange } from '../../src/model/types.js';
import type { CredentialResolution } from '../../src/planner/plan-changes.js';
import { compilePolicies } from '../../src/policy/compile-policies.js';
import { PlanMemo, type PlanSources } from '../../src/reconcile/plan-memo.js';
import { createFileStateStore } from '../../src/state/file-state-store.js';
import { sdkConfigFor } from '../support/emulator-harness.js';
import { HMAC_KEY } from '../planner/fixtures.js';
import { datadogDoc, startPipeline, type Pipeline } from './pipeline.js';

function emptyLoad(): LoadResult {
  return { directory: 'ok', profiles: [], invalid: [], diagnostics: [], failedFiles: [], filesRead: 0 };
}

function sourcesOf(overrides: Partial<PlanSources> = {}): PlanSources {
  const load = deepFreeze(emptyLoad());
  const observed = [Object.freeze({ name: 'a', connectorType: 'Datadog', connectionMode: 'Public', properties: {} }) as ObservedProfile];
  const credentials = new Map<string, CredentialResolution>([['a', Object.freeze({ fingerprint: 'f1' })]]);
  return { target: 't', load, observed, credentials, stateDigest: 'd1', options: { prune: false, allowEmpty: false, maxDeletes: 0 }, hmacKey: HMAC_KEY, scheme: 'value', policiesChecked: false, ...overrides };
}

function planOf(): Plan {
  const change: PlannedChange = { target: 't', name: 'a', action: 'noop', adopt: false, fields: [], unchangedFields: 3 };
  return { target: 't', changes: [change], warnings: ['w'], summary: { create: 0, update: 0, replace: 0, delete: 0, noop: 1, error: 0 } };
}

/** `plan` with one more change, a write, counted in its summary as the planner counts it. */
function withWrite(plan: Plan, action: 'create' | 'update' | 'replace' | 'delete'): Plan {
  plan.changes.push({ target: 't', name: 'b', action, adopt: false, fields: [], unchangedFields: 0 });
  plan.summary[action] += 1;
  return plan;
}

describe('PlanMemo', () => {
  it('hands out a plan of its own over the same frozen changes while every source is the same', () => {
    const memo = new PlanMemo();
    const port = {};
    const sources = sourcesOf();
    const plan = planOf();
    memo.remember(port, sources, plan);
    // Same objects, new containers: the map and the array are rebuilt every pass.
    const again = memo.reuse(port, { ...sources, observed: [...sources.observed], credentials: new Map(sources.credentials) });
    expect(again).toBeDefined();
    expect(again).not.toBe(plan);
    expect(again!.changes[0]).toBe(plan.changes[0]);
    expect(Object.isFrozen(again!.changes[0])).toBe(true);
    expect(Object.isFrozen(again!.changes[0]!.fields)).toBe(true);
    // The caller's own additions stay its own.
    again!.warnings.push('mine');
    again!.revision = 'r2';
    const third = memo.reuse(port, sources)!;
    expect(third.warnings).toEqual(['w']);
    expect(third.revision).toBeUndefined();
    expect(memo.reuse({}, sources)).toBeUndefined(); // another target's port
  });

  it('plans afresh when any one source differs', () => {
    const memo = new PlanMemo();
    const port = {};
    const sources = sourcesOf();
    memo.remember(port, sources, planOf());
    const other = sourcesOf();
    const differing: Partial<PlanSources>[] = [
      { load: other.load },
      { observed: [Object.freeze({ ...sources.observed[0]! })] },
      { observed: [] },
      { credentials: new Map([['a', Object.freeze({ fingerprint: 'f1' })]]) },
      { credentials: new Map([['a', sources.credentials.get('a')!], ['b', Object.freeze({ fingerprint: 'f2' })]]) },
      { stateDigest: 'd2' },
      { target: 'u' },
      { scheme: 'secret-version' },
      { hmacKey: Buffer.alloc(32, 9) },
      { options: { ...sources.options, prune: true } },
      { options: { ...sources.options, maxDeletes: 1 } },
      { options: { ...sources.options, allowEmpty: true } },
      { options: { ...sources.options, credentialsOnUpdate: 'changed' } },
      { options: { ...sources.options, names: new Set(['a']) } },
      { policiesChecked: true },
    ];
    for (const change of differing) expect(memo.reuse(port, { ...sources, ...change }), JSON.stringify(Object.keys(change))).toBeUndefined();
    // The same key in another Buffer is the same key.
    expect(memo.reuse(port, { ...sources, hmacKey: Buffer.from(sources.hmacKey) })).toBeDefined();
  });

  it('never counts objects that can change as the same', () => {
    const memo = new PlanMemo();
    const port = {};
    const unfrozenObserved = [{ name: 'a', connectorType: 'Datadog', connectionMode: 'Public', properties: {} } as ObservedProfile];
    const sources = sourcesOf({ observed: unfrozenObserved });
    memo.remember(port, sources, planOf());
    expect(memo.reuse(port, sources)).toBeUndefined();

    const failed = new Map<string, CredentialResolution>([['a', { error: 'secret "x" not found' }]]);
    memo.remember(port, sourcesOf({ credentials: failed }), planOf());
    expect(memo.reuse(port, sourcesOf({ credentials: failed }))).toBeUndefined();

    // A load that is not deep-frozen (a one-shot command's) is not remembered at all.
    const mutableLoad = emptyLoad();
    const withMutableLoad = sourcesOf({ load: mutableLoad });
    memo.remember(port, withMutableLoad, planOf());
    expect(memo.reuse(port, withMutableLoad)).toBeUndefined();
  });

  it('with policies, remembers a plan without a write and never one with a write (its verdict may depend on now)', () => {
    const memo = new PlanMemo();
    const port = {};
    const sources = sourcesOf({ policiesChecked: true });
    memo.remember(port, sources, planOf());
    expect(memo.reuse(port, sources)).toBeDefined();
    for (const action of ['create', 'update', 'replace', 'delete'] as const) {
      const writing = withWrite(planOf(), action);
      memo.remember(port, sources, writing);
      expect(memo.reuse(port, sources), action).toBeUndefined();
      expect(Object.isFrozen(writing.changes[1])).toBe(false);
    }
    // Without policies a write plan is remembered: it is a pure function of its sources.
    const unchecked = sourcesOf();
    const writing = withWrite(planOf(), 'create');
    memo.remember(port, unchecked, writing);
    expect(memo.reuse(port, unchecked)?.changes[1]).toBe(writing.changes[1]);
  });

  it('forgets the last plan when one it cannot remember follows it', () => {
    const memo = new PlanMemo();
    const port = {};
    const sources = sourcesOf();
    memo.remember(port, sources, planOf());
    memo.remember(port, sourcesOf({ options: { ...sources.options, names: new Set(['a']) } }), planOf());
    expect(memo.reuse(port, sources)).toBeUndefined();
  });
});

describe("a daemon's passes reuse the plan only while nothing changed", () => {
  let p: Pipeline | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  const actions = (plan: Plan) => Object.fromEntries(plan.changes.map((c) => [c.name, c.adopt ? `${c.action}+adopt` : c.action]));

  it('sees an out-of-band edit, a rotation, an edited file and a changed inventory record', async () => {
    p = await startPipeline({ daemon: true });
    const pipeline = p;
    await pipeline.writeProfile('a.json', datadogDoc('dd-a'));
    await pipeline.writeProfile('b.json', datadogDoc('dd-b', 'dd/other'));
    expect((await pipeline.apply()).ok).toBe(true); // creates: the state changed
    const settled = await pipeline.apply(); // planned afresh, and remembered
    const steady = await pipeline.apply();
    expect(actions(steady.plan)).toEqual({ 'dd-a': 'noop', 'dd-b': 'noop' });
    expect(steady.plan.changes[0]).toBe(settled.plan.changes[0]);
    expect(steady.plan).not.toBe(settled.plan);

    // Someone edits dd-a in the console: the answer's bytes differ, so the plan is made again.
    const appflow = new AppflowClient(sdkConfigFor(pipeline.emulator));
    try {
      await appflow.send(
        new UpdateConnectorProfileCommand({
          connectorProfileName: 'dd-a',
          connectionMode: 'Public',
          connectorProfileConfig: {
            connectorProfileProperties: { Datadog: { instanceUrl: 'https://drifted.example.com' } },
            connectorProfileCredentials: { Datadog: { apiKey: 'SENTINEL-SECRET-drift', applicationKey: 'SENTINEL-SECRET-drift' } },
          },
        }),
      );
    } finally {
      appflow.destroy();
    }
    const drift = await pipeline.apply();
    expect(actions(drift.plan)['dd-a']).toBe('update');
    expect(drift.ok).toBe(true);
    await pipeline.apply();

    // A rotated secret: the credential resolution is new, so is the plan.
    await pipeline.rotateSecret('dd/other', { apiKey: 'SENTINEL-SECRET-rotated-api', applicationKey: 'SENTINEL-SECRET-rotated-app' });
    const rotated = await pipeline.apply();
    expect(actions(rotated.plan)['dd-b']).toBe('update');
    await pipeline.apply();

    // An edited file: a new load.
    await pipeline.writeProfile('a.json', datadogDoc('dd-a', 'dd/shared', 'https://edited.example.com'));
    expect(actions((await pipeline.apply()).plan)['dd-a']).toBe('update');
    const quiet = await pipeline.apply();
    expect(actions(quiet.plan)).toEqual({ 'dd-a': 'noop', 'dd-b': 'noop' });
    expect((await pipeline.apply()).plan.changes[1]).toBe(quiet.plan.changes[1]);

    // Another process changes dd-b's record (its credentials fingerprint): the inventory holds the
    // same names, so the same pages are described and answered alike; only the state's digest
    // differs, and the planner sees credentials to send again.
    const other = createFileStateStore(pipeline.stateDir);
    const { state } = await other.load();
    state.targets[pipeline.adapters.target.key]!.profiles['dd-b']!.credentialsFingerprint = '0'.repeat(64);
    await other.save(state);
    const refreshed = await pipeline.apply();
    expect(actions(refreshed.plan)['dd-b']).toBe('update');
    expect(refreshed.plan.changes[0]!.observed).toBe(quiet.plan.changes[0]!.observed);
    const saved = JSON.parse(await readFile(join(pipeline.stateDir, 'state.json'), 'utf8')) as { targets: Record<string, { profiles: Record<string, { credentialsFingerprint?: string }> }> };
    expect(saved.targets[pipeline.adapters.target.key]!.profiles['dd-b']!.credentialsFingerprint).not.toBe('0'.repeat(64));
  });
});

describe("a daemon's passes with policies", () => {
  let p: Pipeline | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  it("judges a write again on every pass (the policy reads now), and reuses a plan once nothing is written", async () => {
    const compiled = compilePolicies([{ name: 'no-friday-creates', expression: "change.action != 'create' || now.getDayOfWeek() != 5", message: 'no creates on Fridays (UTC)', severity: 'deny' }]);
    expect(compiled.problems).toEqual([]);
    let now = Date.parse('2026-12-04T12:00:00Z'); // a Friday
    p = await startPipeline({ daemon: true, policies: { policies: compiled.policies, target: { name: 'default', accountId: '', region: 'us-east-1' }, now: () => now } });
    const pipeline = p;
    await pipeline.writeProfile('a.json', datadogDoc('dd-a'));
    const friday = await pipeline.apply();
    expect(friday.plan.changes[0]).toMatchObject({ action: 'create', policyViolations: [{ policy: 'no-friday-creates' }] });
    const fridayAgain = await pipeline.apply();
    expect(fridayAgain.plan.changes[0]).not.toBe(friday.plan.changes[0]);
    expect(pipeline.writes()).toEqual([]);

    now = Date.parse('2026-12-03T12:00:00Z'); // a Thursday: the same sources, another verdict
    const thursday = await pipeline.apply();
    expect(thursday.plan.changes[0]).toMatchObject({ action: 'create' });
    expect(thursday.plan.changes[0]!.policyViolations).toBeUndefined();
    expect(pipeline.writes().map((w) => w.operation)).toEqual(['CreateConnectorProfile']);

    const settled = await pipeline.apply();
    const steady = await pipeline.apply();
    expect(steady.plan.changes[0]).toMatchObject({ action: 'noop' });
    expect(steady.plan.changes[0]).toBe(settled.plan.changes[0]);
  });
});
