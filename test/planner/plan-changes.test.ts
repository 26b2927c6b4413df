import { describe, expect, it } from 'vitest';
import type { InvalidProfile, PlanAction, PlannedChange } from '../../src/model/types.js';
import { planChanges, type PlanInput } from '../../src/planner/plan-changes.js';
import {
  OPTIONS,
  credentialsOf,
  desiredOf,
  inSync,
  inputOf,
  observedOf,
  recordOf,
  salesforceDocument,
  snowflakeDocument,
  stateOf,
} from './fixtures.js';

const CREDS = credentialsOf({ Snowflake: { username: 'u', password: 'SENTINEL-SECRET-in-sync' } });
const ROTATED = credentialsOf({ Snowflake: { username: 'u', password: 'SENTINEL-SECRET-rotated' } });

function only(input: PlanInput, options = OPTIONS): PlannedChange {
  const plan = planChanges(input, options);
  expect(plan.changes).toHaveLength(1);
  return plan.changes[0]!;
}

function withDesired(input: PlanInput, mutate: (doc: ReturnType<typeof snowflakeDocument>) => void): PlanInput {
  const doc = structuredClone(input.desired[0]!.document);
  mutate(doc);
  return { ...input, desired: [desiredOf(doc)] };
}

describe('planChanges: one action per situation', () => {
  const doc = snowflakeDocument('snow');

  const cases: { title: string; input: () => PlanInput; action: PlanAction; paths: string[]; adopt?: boolean; sendsCredentials: boolean }[] = [
    {
      title: 'a document with no profile in the account is created, credentials included',
      input: () => inputOf({ desired: [desiredOf(doc)], credentials: new Map([['snow', CREDS]]) }),
      action: 'create',
      paths: [
        'connectorType',
        'connectionMode',
        'connectorProfileProperties.Snowflake.bucketName',
        'connectorProfileProperties.Snowflake.stage',
        'connectorProfileProperties.Snowflake.warehouse',
        'connectorProfileCredentials',
      ],
      sendsCredentials: true,
    },
    {
      title: 'in sync is a no-op',
      input: () => inSync([doc]),
      action: 'noop',
      paths: [],
      sendsCredentials: false,
    },
    {
      title: 'a changed property is an in-place update that resends the credentials (credentialsOnUpdate always, the default)',
      input: () => withDesired(inSync([doc]), (d) => ((d.connectorProfileConfig.connectorProfileProperties.Snowflake as { warehouse: string }).warehouse = 'WH2')),
      action: 'update',
      paths: ['connectorProfileProperties.Snowflake.warehouse'],
      sendsCredentials: true,
    },
    {
      title: 'a changed connectionMode is an update',
      input: () => withDesired(inSync([doc]), (d) => (d.connectionMode = 'Private')),
      action: 'update',
      paths: ['connectionMode'],
      sendsCredentials: true,
    },
    {
      title: 'a rotated secret is a credentials update that sends them',
      input: () => ({ ...inSync([doc]), credentials: new Map([['snow', ROTATED]]) }),
      action: 'update',
      paths: ['connectorProfileCredentials'],
      sendsCredentials: true,
    },
    {
      title: 'a different connectorType forces replacement',
      input: () => withDesired(inSync([doc]), (d) => (d.connectorType = 'Redshift')),
      action: 'replace',
      paths: ['connectorType'],
      sendsCredentials: true,
    },
    {
      title: 'a different connectorLabel forces replacement',
      input: () => withDesired(inSync([doc]), (d) => (d.connectorLabel = 'my-label')),
      action: 'replace',
      paths: ['connectorLabel'],
      sendsCredentials: true,
    },
    {
      title: 'a different kmsArn (against the inventory) forces replacement',
      input: () => withDesired(inSync([doc]), (d) => (d.kmsArn = 'arn:aws:kms:us-east-1:123456789012:key/new')),
      action: 'replace',
      paths: ['kmsArn'],
      sendsCredentials: true,
    },
    {
      title: 'an existing profile not in the inventory is adopted; its unknown credentials are sent',
      input: () => ({ ...inSync([doc]), state: stateOf([]) }),
      action: 'update',
      paths: ['connectorProfileCredentials'],
      adopt: true,
      sendsCredentials: true,
    },
    {
      title: 'an adopted profile without credentials in its document is a no-op adoption',
      input: () => inputOf({ desired: [desiredOf(snowflakeDocument('snow', { connectorProfileConfig: { connectorProfileProperties: doc.connectorProfileConfig.connectorProfileProperties } }))], observed: [observedOf(doc)] }),
      action: 'noop',
      paths: [],
      adopt: true,
      sendsCredentials: false,
    },
    {
      title: 'an inventory profile deleted out of band is created again',
      input: () => ({ ...inSync([doc]), observed: [] }),
      action: 'create',
      paths: ['connectorType'],
      sendsCredentials: true,
    },
    {
      title: 'an unresolvable secret is an error',
      input: () => ({ ...inSync([doc]), credentials: new Map([['snow', { error: 'secret "snow" was not found' }]]) }),
      action: 'error',
      paths: [],
      sendsCredentials: false,
    },
  ];

  it.each(cases)('$title', ({ input, action, paths, adopt, sendsCredentials }) => {
    const change = only(input());
    expect(change.action).toBe(action);
    for (const path of paths) expect(change.fields.map((f) => f.path)).toContain(path);
    if (action === 'update' || action === 'noop') expect(change.fields.map((f) => f.path).sort()).toEqual([...paths].sort());
    expect(change.adopt).toBe(adopt ?? false);
    expect(change.credentials !== undefined).toBe(sendsCredentials);
  });

  it('credentialsOnUpdate changed: a properties-only update sends no credentials; a profile\'s own lifecycle wins over the option', () => {
    const input = () => withDesired(inSync([doc]), (d) => (d.connectionMode = 'Private'));
    expect(only(input(), { ...OPTIONS, credentialsOnUpdate: 'changed' }).credentials).toBeUndefined();
    expect(only(input(), { ...OPTIONS, credentialsOnUpdate: 'always' }).credentials).toBeDefined();
    const own = input();
    own.desired[0]!.lifecycle = { credentialsOnUpdate: 'always' };
    expect(only(own, { ...OPTIONS, credentialsOnUpdate: 'changed' }).credentials).toBeDefined();
    const rotated = { ...inSync([doc]), credentials: new Map([['snow', ROTATED]]) };
    expect(only(rotated, { ...OPTIONS, credentialsOnUpdate: 'changed' }).credentials).toBeDefined();
  });

  it('shows old -> new on an update and counts the unchanged leaves', () => {
    const change = only(withDesired(inSync([doc]), (d) => ((d.connectorProfileConfig.connectorProfileProperties.Snowflake as { warehouse: string }).warehouse = 'WH2')));
    expect(change.fields).toEqual([
      { path: 'connectorProfileProperties.Snowflake.warehouse', before: 'WH', after: 'WH2', sensitive: false, forcesReplacement: false },
    ]);
    // connectorType, connectionMode, bucketName, stage, credentials
    expect(change.unchangedFields).toBe(5);
    expect(change.credentialsFingerprint).toBe(CREDS.fingerprint);
  });

  it('marks the field that forces replacement and keeps the other changes', () => {
    const change = only(
      withDesired(inSync([doc]), (d) => {
        d.connectorLabel = 'label-b';
        d.connectionMode = 'Private';
      }),
    );
    expect(change.action).toBe('replace');
    expect(change.fields.find((f) => f.path === 'connectorLabel')).toMatchObject({ before: undefined, after: 'label-b', forcesReplacement: true });
    expect(change.fields.find((f) => f.path === 'connectionMode')).toMatchObject({ before: 'Public', after: 'Private', forcesReplacement: false });
  });

  it('credentials are unknown before when no fingerprint is stored', () => {
    const input = inSync([doc]);
    input.state.profiles.snow!.credentialsFingerprint = undefined;
    const change = only(input);
    expect(change.action).toBe('update');
    expect(change.fields).toEqual([{ path: 'connectorProfileCredentials', sensitive: true, forcesReplacement: false, unknownBefore: true }]);
  });

  it('a rotated credential carries no value in its field and is not unknown', () => {
    const change = only({ ...inSync([doc]), credentials: new Map([['snow', ROTATED]]) });
    const field = change.fields[0]!;
    expect(field).toEqual({ path: 'connectorProfileCredentials', sensitive: true, forcesReplacement: false });
    expect(JSON.stringify(change)).not.toContain('SENTINEL-SECRET');
    expect(change.credentialsFingerprint).toBe(ROTATED.fingerprint);
  });

  it('does not force replacement on kmsArn when the inventory never knew it (import/adoption), and says so', () => {
    const input = withDesired(inSync([doc]), (d) => (d.kmsArn = 'arn:aws:kms:us-east-1:123456789012:key/k'));
    input.state.profiles.snow = { ...input.state.profiles.snow!, origin: 'imported', kmsArn: undefined };
    const change = only(input);
    expect(change.action).toBe('noop');
    expect(change.reason).toMatch(/kmsArn cannot be read back/);
  });

  it('compares kmsArn for a created profile even when it was created without one', () => {
    const input = withDesired(inSync([doc]), (d) => (d.kmsArn = 'arn:aws:kms:us-east-1:123456789012:key/k'));
    const change = only(input);
    expect(change.action).toBe('replace');
    expect(change.fields[0]).toMatchObject({ path: 'kmsArn', before: undefined, after: 'arn:aws:kms:us-east-1:123456789012:key/k', forcesReplacement: true });
  });

  it('adopting with an unknown kmsArn neither replaces nor hides the note', () => {
    const change = only({ ...withDesired(inSync([doc]), (d) => (d.kmsArn = 'arn:aws:kms:us-east-1:123456789012:key/k')), state: stateOf([]) });
    expect(change).toMatchObject({ action: 'update', adopt: true });
    expect(change.reason).toMatch(/^kmsArn cannot be read back/);
  });

  it('an invalid document is an error carrying its diagnostics, and never touches a same-named valid one', () => {
    const invalid: InvalidProfile = {
      name: 'snow',
      source: { file: 'broken.yaml', line: 3, column: 1 },
      diagnostics: [{ file: 'broken.yaml', line: 4, column: 5, path: 'connectionMode', message: 'must be one of Public, Private', code: 'schema.enum', severity: 'error' }],
    };
    const plan = planChanges({ ...inSync([doc]), invalid: [invalid], failedFiles: ['broken.yaml'] }, OPTIONS);
    expect(plan.changes.map((c) => [c.name, c.action, c.source?.file])).toEqual([
      ['snow', 'error', 'broken.yaml'],
      ['snow', 'error', 'snow.yaml'],
    ]);
    expect(plan.changes[0]!.reason).toBe('invalid document at line 4, column 5: connectionMode: must be one of Public, Private');
    expect(plan.changes[0]!.diagnostics).toHaveLength(1);
    expect(plan.changes[1]!.reason).toMatch(/broken\.yaml:3/);
    expect(plan.summary.error).toBe(2);
  });

  it('a failed file with no invalid document still shows up as an error', () => {
    const plan = planChanges(inputOf({ failedFiles: ['bad.yaml'] }), OPTIONS);
    expect(plan.changes).toMatchObject([{ name: '(file bad.yaml)', action: 'error' }]);
  });

  it('two valid documents with the same name: the second is an error', () => {
    const plan = planChanges(inputOf({ desired: [desiredOf(doc, 'a.yaml'), desiredOf(doc, 'b.yaml')], credentials: new Map([['snow', CREDS]]) }), OPTIONS);
    expect(plan.changes.map((c) => [c.action, c.source?.file])).toEqual([
      ['create', 'a.yaml'],
      ['error', 'b.yaml'],
    ]);
  });

  it('ignores profiles in the account that match no document and are not in the inventory', () => {
    const stranger = snowflakeDocument('stranger');
    const plan = planChanges({ ...inSync([doc]), observed: [observedOf(doc), observedOf(stranger)] }, { ...OPTIONS, prune: true });
    expect(plan.changes.map((c) => c.name)).toEqual(['snow']);
  });

  it('sorts by name and counts every action in the summary', () => {
    const a = snowflakeDocument('a-new');
    const z = salesforceDocument('z-sync');
    const input = inSync([doc]);
    input.desired.push(desiredOf(z), desiredOf(a));
    input.observed.push(observedOf(z));
    input.state.profiles['z-sync'] = recordOf(z);
    const plan = planChanges(input, OPTIONS);
    expect(plan.changes.map((c) => `${c.name}:${c.action}`)).toEqual(['a-new:create', 'snow:noop', 'z-sync:noop']);
    expect(plan.summary).toEqual({ create: 1, update: 0, replace: 0, delete: 0, noop: 2, error: 0 });
    expect(plan.target).toBe('us-east-1/123456789012');
  });
});

describe('planChanges: removed documents and prune guards', () => {
  const kept = snowflakeDocument('kept');
  const gone = (n: number) => Array.from({ length: n }, (_, i) => snowflakeDocument(`gone-${i}`));

  /** `kept` is in sync; the `removed` documents are gone from the directory but exist in AWS and in the inventory. */
  function world(removed: ReturnType<typeof snowflakeDocument>[]): PlanInput {
    const input = inSync([kept]);
    for (const d of removed) {
      input.observed.push(observedOf(d));
      input.state.profiles[d.connectorProfileName] = recordOf(d, CREDS);
    }
    return input;
  }

  it('without --prune a removed document is kept, with a note', () => {
    const plan = planChanges(world(gone(1)), OPTIONS);
    expect(plan.changes.find((c) => c.name === 'gone-0')).toMatchObject({ action: 'noop', reason: expect.stringMatching(/--prune is off/) });
    expect(plan.warnings).toEqual([]);
  });

  it('with --prune a removed document is deleted, showing what is destroyed', () => {
    const plan = planChanges(world(gone(2)), { ...OPTIONS, prune: true });
    const deletes = plan.changes.filter((c) => c.action === 'delete');
    expect(deletes.map((c) => c.name)).toEqual(['gone-0', 'gone-1']);
    expect(deletes[0]!.fields.map((f) => f.path)).toContain('connectorProfileProperties.Snowflake.warehouse');
    expect(deletes[0]!.fields.every((f) => f.after === undefined)).toBe(true);
    expect(deletes[0]!.source).toBeUndefined();
    expect(deletes[0]!.reason).toBe('document removed (was in gone-0.yaml) (--prune)');
  });

  it('a profile whose file failed to load is "not found", not "removed" (a YAML error can hide later documents)', () => {
    const input = { ...world(gone(1)), failedFiles: ['gone-0.yaml'] };
    for (const prune of [false, true]) {
      const change = planChanges(input, { ...OPTIONS, prune }).changes.find((c) => c.name === 'gone-0');
      expect(change?.action).toBe('noop');
      expect(change?.reason).toMatch(/^document not found: its file gone-0\.yaml failed to load, so it may still be there; /);
    }
  });

  it('a removed document whose profile is already gone is dropped from the inventory (forget), with or without --prune', () => {
    for (const prune of [false, true]) {
      const input = world(gone(1));
      input.observed = input.observed.filter((o) => o.name !== 'gone-0');
      const change = planChanges(input, { ...OPTIONS, prune }).changes.find((c) => c.name === 'gone-0');
      expect(change).toMatchObject({ action: 'noop', forget: true });
    }
  });

  const guards: { title: string; mutate: (input: PlanInput) => PlanInput; options?: Partial<typeof OPTIONS>; blocked: RegExp | undefined }[] = [
    { title: 'a failed file blocks every delete', mutate: (i) => ({ ...i, failedFiles: ['x.yaml'] }), blocked: /1 file failed to load \(x\.yaml\).*unknown, not absent/ },
    {
      title: 'an invalid document (even unnamed) blocks every delete',
      mutate: (i) => ({ ...i, invalid: [{ source: { file: 'y.yaml', line: 1, column: 1 }, diagnostics: [] }] }),
      blocked: /1 document is invalid/,
    },
    { title: 'an empty directory blocks deletes', mutate: (i) => ({ ...i, directory: 'empty', desired: [] }), blocked: /directory is empty.*--allow-empty/ },
    { title: 'a missing directory blocks deletes', mutate: (i) => ({ ...i, directory: 'missing', desired: [] }), blocked: /directory is missing/ },
    { title: '--allow-empty lets an empty directory prune', mutate: (i) => ({ ...i, directory: 'empty', desired: [] }), options: { allowEmpty: true, maxDeletes: 10 }, blocked: undefined },
    {
      title: "a declared target whose paths match no file blocks deletes, naming the target and its paths",
      mutate: (i) => ({ ...i, desired: [], emptyTarget: { name: 'prod-us', paths: ['prod/', 'shared/'] } }),
      options: { maxDeletes: 100 },
      blocked: /prune skipped: target prod-us's paths \(prod\/, shared\/\) match no profile file; pass --allow-empty to delete every profile it manages/,
    },
    { title: '--allow-empty lets a target whose paths match no file prune', mutate: (i) => ({ ...i, desired: [], emptyTarget: { name: 'prod-us', paths: ['prod/'] } }), options: { allowEmpty: true, maxDeletes: 10 }, blocked: undefined },
    { title: 'more deletes than --max-deletes blocks all of them', mutate: (i) => i, options: { maxDeletes: 2 }, blocked: /3 deletes exceed --max-deletes 2/ },
    { title: 'exactly --max-deletes is allowed', mutate: (i) => i, options: { maxDeletes: 3 }, blocked: undefined },
  ];

  it.each(guards)('$title', ({ mutate, options, blocked }) => {
    const plan = planChanges(mutate(world(gone(3))), { ...OPTIONS, prune: true, ...options });
    const candidates = plan.changes.filter((c) => c.name.startsWith('gone-'));
    expect(candidates).toHaveLength(3);
    if (blocked) {
      expect(candidates.every((c) => c.action === 'noop' && c.pruneBlocked === true && blocked.test(c.reason ?? ''))).toBe(true);
      expect(plan.warnings).toHaveLength(1);
      expect(plan.warnings[0]).toMatch(blocked);
      expect(plan.summary.delete).toBe(0);
    } else {
      expect(candidates.every((c) => c.action === 'delete')).toBe(true);
      expect(plan.warnings).toEqual([]);
    }
  });

  it('a name that is in the inventory and in an invalid document is never a delete candidate', () => {
    const input = world(gone(1));
    input.invalid = [{ name: 'gone-0', source: { file: 'gone-0.yaml', line: 1, column: 1 }, diagnostics: [] }];
    const plan = planChanges(input, { ...OPTIONS, prune: true, allowEmpty: true });
    expect(plan.changes.filter((c) => c.name === 'gone-0').map((c) => c.action)).toEqual(['error']);
  });
});
