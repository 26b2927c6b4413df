import { describe, expect, it } from 'vitest';
import { collectCredentialReferences } from '../../src/desired/credential-refs.js';
import type { ConnectorProfileDocument, DesiredProfile, Plan } from '../../src/model/types.js';
import { planChanges } from '../../src/planner/plan-changes.js';
import { compilePolicies, type CompiledPolicy } from '../../src/policy/compile-policies.js';
import { evaluatePolicies, isDenied } from '../../src/policy/evaluate-policies.js';
import { REDACTED_CREDENTIAL } from '../../src/policy/policy-input.js';
import { policyTargetOf } from '../../src/policy/policy-target.js';
import type { PolicySpec } from '../../src/policy/types.js';
import { desiredOf, inputOf, observedOf, OPTIONS, recordOf, snowflakeDocument, stateOf } from '../planner/fixtures.js';

/** The three examples of docs/policies.md, exactly as documented. */
export const EXAMPLE_POLICIES: PolicySpec[] = [
  {
    name: 'private-in-prod',
    expression: "!profile.connectorProfileName.startsWith('prod-') || profile.connectionMode == 'Private'",
    message: 'production profiles must use a Private connection',
    severity: 'deny',
    actions: ['create', 'update', 'replace'],
  },
  {
    name: 'kms-required',
    expression: "has(profile.kmsArn) && profile.kmsArn.startsWith('arn:aws:kms:')",
    message: 'every profile must name its own KMS key (kmsArn)',
    severity: 'warn',
    actions: ['create', 'replace'],
  },
  {
    name: 'no-friday-deletes',
    expression: "change.action != 'delete' || now.getDayOfWeek() != 5",
    message: 'no deletes on Fridays (UTC)',
    severity: 'deny',
  },
];

const TARGET = { name: 'prod-us', accountId: '123456789012', region: 'us-east-1' };
const THURSDAY = new Date('2026-12-03T12:00:00Z');
const FRIDAY = new Date('2026-12-04T12:00:00Z');

function compiled(specs: PolicySpec[]): CompiledPolicy[] {
  const result = compilePolicies(specs);
  expect(result.problems).toEqual([]);
  return result.policies;
}

function policy(expression: string, extra: Partial<PolicySpec> = {}): PolicySpec {
  return { name: 'p', expression, message: 'm', severity: 'deny', ...extra };
}

/** As the loader gives it: with the references it found in the credentials. */
function desired(document: ConnectorProfileDocument): DesiredProfile {
  return { ...desiredOf(document), credentialRefs: collectCredentialReferences(document) };
}

/** A plan that creates `documents` (none exists yet). */
export function creating(...documents: ConnectorProfileDocument[]): Plan {
  return planChanges(inputOf({ desired: documents.map(desired) }), OPTIONS);
}

/** A plan that deletes `document` (managed, document removed, --prune). */
function deleting(document: ConnectorProfileDocument): Plan {
  return planChanges(inputOf({ observed: [observedOf(document)], state: stateOf([recordOf(document)]) }), { ...OPTIONS, prune: true });
}

describe('compiling policies', () => {
  it('accepts the documented examples', () => {
    expect(compilePolicies(EXAMPLE_POLICIES)).toMatchObject({ problems: [], policies: { length: 3 } });
  });

  it('reports a bad expression with its line and place, one line each, and keeps the good ones', () => {
    const result = compilePolicies([
      policy("profile.connectionMode == 'Private'", { line: 3, expressionLine: 4 }),
      policy('profile.connectionMode ==', { line: 7, expressionLine: 8 }),
      policy("profile.kmsArm == ''", { line: 11, expressionLine: 12 }),
      policy('size(change.paths)', { line: 15 }),
      policy('nobody == 1'),
    ]);
    expect(result.policies).toHaveLength(1);
    expect(result.problems).toEqual([
      { index: 1, line: 8, path: 'policies[1].expression', message: expect.stringMatching(/^Unexpected token: EOF \(at character 26/) },
      { index: 2, line: 12, path: 'policies[2].expression', message: expect.stringContaining('No such key: kmsArm') },
      { index: 3, line: 15, path: 'policies[3].expression', message: 'the expression must evaluate to a bool (true: allowed), not int' },
      { index: 4, path: 'policies[4].expression', message: expect.stringContaining('Unknown variable: nobody') },
    ]);
    for (const problem of result.problems) expect(problem.message).not.toContain('\n');
  });

  it('bounds the size of an expression', () => {
    const huge = Array.from({ length: 1_500 }, () => "profile.connectionMode == 'Private'").join(' || ');
    expect(compilePolicies([policy(huge)]).problems[0]?.message).toContain('Exceeded maxAstNodes');
  });
});

describe('evaluating policies over a plan', () => {
  const context = { target: TARGET, now: THURSDAY };

  it('Private in production: denies a Public prod- profile, allows a Private one and any other name', () => {
    const plan = creating(
      snowflakeDocument('prod-orders'),
      snowflakeDocument('prod-billing', { connectionMode: 'Private' }),
      snowflakeDocument('dev-orders'),
    );
    const verdicts = evaluatePolicies(plan, compiled([EXAMPLE_POLICIES[0]!]), context);
    expect([...verdicts.keys()]).toEqual(['prod-orders']);
    expect(verdicts.get('prod-orders')).toEqual([{ policy: 'private-in-prod', severity: 'deny', message: 'production profiles must use a Private connection' }]);
    expect(isDenied(verdicts.get('prod-orders'))).toBe(true);
  });

  it('kmsArn required (warn): reported, not denied', () => {
    const plan = creating(snowflakeDocument('a'), snowflakeDocument('b', { kmsArn: 'arn:aws:kms:us-east-1:123456789012:key/k' }));
    const verdicts = evaluatePolicies(plan, compiled([EXAMPLE_POLICIES[1]!]), context);
    expect([...verdicts.keys()]).toEqual(['a']);
    expect(isDenied(verdicts.get('a'))).toBe(false);
  });

  it('no deletes on Fridays: the injected clock decides, and only deletes are affected', () => {
    const policies = compiled([EXAMPLE_POLICIES[2]!]);
    const doomed = snowflakeDocument('old');
    expect(evaluatePolicies(deleting(doomed), policies, { target: TARGET, now: FRIDAY }).get('old')).toEqual([
      { policy: 'no-friday-deletes', severity: 'deny', message: 'no deletes on Fridays (UTC)' },
    ]);
    expect(evaluatePolicies(deleting(doomed), policies, { target: TARGET, now: THURSDAY }).size).toBe(0);
    expect(evaluatePolicies(creating(snowflakeDocument('new')), policies, { target: TARGET, now: FRIDAY }).size).toBe(0);
  });

  it('on a delete, profile is the profile as AppFlow describes it (so a document rule still reads it)', () => {
    const plan = deleting(snowflakeDocument('prod-legacy'));
    const verdicts = evaluatePolicies(plan, compiled([policy("!profile.connectorProfileName.startsWith('prod-')")]), context);
    expect([...verdicts.keys()]).toEqual(['prod-legacy']);
    // The documented example limits itself to create/update/replace, so it lets such a delete through.
    expect(evaluatePolicies(plan, compiled([EXAMPLE_POLICIES[0]!]), context).size).toBe(0);
  });

  it('sees change.action and change.paths, and observed (null on create)', () => {
    const before = snowflakeDocument('x');
    const after = snowflakeDocument('x', { connectionMode: 'Private' });
    const update = planChanges(inputOf({ desired: [desired(after)], observed: [observedOf(before)], state: stateOf([recordOf(before)]) }), OPTIONS);
    expect(update.changes[0]?.action).toBe('update');
    const rule = compiled([
      policy("change.action == 'update' && 'connectionMode' in change.paths && observed.connectionMode == 'Public'", { name: 'sees-update' }),
      policy("observed == null", { name: 'observed-null' }),
    ]);
    expect(evaluatePolicies(update, rule, context).get('x')?.map((v) => v.policy)).toEqual(['observed-null']);
    expect(evaluatePolicies(creating(before), rule, context).get('x')?.map((v) => v.policy)).toEqual(['sees-update']);
  });

  it('applies a policy only to its targets and actions; unchanged profiles are not checked', () => {
    const plan = creating(snowflakeDocument('a'));
    const deny = "profile.connectionMode == 'Private'";
    expect(evaluatePolicies(plan, compiled([policy(deny, { targets: ['other'] })]), context).size).toBe(0);
    expect(evaluatePolicies(plan, compiled([policy(deny, { targets: ['prod-us'] })]), context).size).toBe(1);
    expect(evaluatePolicies(plan, compiled([policy(deny, { actions: ['update'] })]), context).size).toBe(0);
    expect(evaluatePolicies(plan, compiled([policy("target.accountId == '123456789012' && target.region == 'us-east-1'")]), context).size).toBe(0);
    const doc = snowflakeDocument('same');
    const noop = planChanges(inputOf({ desired: [desired(doc)], observed: [observedOf(doc)], state: stateOf([recordOf(doc)]) }), OPTIONS);
    expect(noop.changes[0]?.action).toBe('noop');
    expect(evaluatePolicies(noop, compiled([policy('false')]), context).size).toBe(0);
  });

  it('fails closed: an expression that cannot be evaluated is a violation that says why, without values', () => {
    const plan = creating(snowflakeDocument('a'));
    const verdicts = evaluatePolicies(
      plan,
      compiled([
        policy("profile.kmsArn.startsWith('arn:')", { name: 'missing-field' }),
        policy('profile.connectorProfileConfig.connectorProfileProperties.Snowflake.warehouse', { name: 'not-bool' }),
      ]),
      context,
    );
    expect(verdicts.get('a')).toEqual([
      { policy: 'missing-field', severity: 'deny', message: 'm', evaluationError: expect.stringContaining('No such key: kmsArn') },
      { policy: 'not-bool', severity: 'deny', message: 'm', evaluationError: 'the expression evaluated to a string, not a bool' },
    ]);
    expect(JSON.stringify(verdicts.get('a'))).not.toContain('WH');
  });

  it('shows credentials as references, and a plaintext credential never', () => {
    const referenced = snowflakeDocument('refs');
    const plaintext = snowflakeDocument('plain');
    (plaintext.connectorProfileConfig.connectorProfileCredentials as { Snowflake: { password: string } }).Snowflake.password = 'SENTINEL-PLAINTEXT-9f2';
    const plan = creating(referenced, plaintext);
    const password = 'profile.connectorProfileConfig.connectorProfileCredentials.Snowflake.password';
    const verdicts = evaluatePolicies(
      plan,
      compiled([
        policy(`${password}.startsWith('{{resolve:secretsmanager:')`, { name: 'is-reference' }),
        policy(`${password} != 'SENTINEL-PLAINTEXT-9f2'`, { name: 'cannot-see-value' }),
        policy(`${password} != '${REDACTED_CREDENTIAL}'`, { name: 'sees-marker' }),
      ]),
      context,
    );
    expect(verdicts.get('refs')).toBeUndefined();
    expect(verdicts.get('plain')?.map((v) => v.policy)).toEqual(['is-reference', 'sees-marker']);
    // The plan's own document is left as it was (the marker is on a copy).
    expect(JSON.stringify(plaintext)).toContain('SENTINEL-PLAINTEXT-9f2');
  });
});

describe('what a policy sees of its target', () => {
  it('a declared target: its name, and the account STS confirmed even without a role ARN identity', () => {
    const declared = { key: '222222222222/eu-west-1', region: 'eu-west-1', identity: 'default', name: 'prod-eu', accountId: '222222222222' };
    expect(policyTargetOf(declared, 'prod-eu')).toEqual({ name: 'prod-eu', accountId: '222222222222', region: 'eu-west-1' });
  });

  it('the implicit target: the account of a role ARN identity, else unknown', () => {
    expect(policyTargetOf({ key: 'k', region: 'us-east-1', identity: 'arn:aws:iam::123456789012:role/deployer' }, 'default').accountId).toBe('123456789012');
    expect(policyTargetOf({ key: 'k', region: 'us-east-1', identity: 'default' }, 'default').accountId).toBe('');
  });
});
