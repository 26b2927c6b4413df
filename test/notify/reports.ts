// Reconcile reports for notification tests, built from real plans (the planner over fixture
// documents) and the outcomes a pass would give them.
import { collectCredentialReferences } from '../../src/desired/credential-refs.js';
import type { ConnectorProfileDocument, Plan } from '../../src/model/types.js';
import { planChanges } from '../../src/planner/plan-changes.js';
import type { OutcomeResult, ProfileOutcome, ReconcileReport } from '../../src/reconcile/types.js';
import { desiredOf, inputOf, observedOf, OPTIONS, recordOf, snowflakeDocument, stateOf } from '../planner/fixtures.js';

export const REVISION_A = 'a'.repeat(40);
export const REVISION_B = 'b'.repeat(40);

/** A plan that creates `created` and updates `updated` (their connectionMode becomes Private). */
export function planOf({ created = [], updated = [] }: { created?: string[]; updated?: string[] }): Plan {
  const docs: ConnectorProfileDocument[] = [];
  const observed = [];
  const records = [];
  for (const name of created) docs.push(snowflakeDocument(name));
  for (const name of updated) {
    const before = snowflakeDocument(name);
    docs.push(snowflakeDocument(name, { connectionMode: 'Private' }));
    observed.push(observedOf(before));
    records.push(recordOf(before));
  }
  const desired = docs.map((d) => ({ ...desiredOf(d), credentialRefs: collectCredentialReferences(d) }));
  return planChanges(inputOf({ desired, observed, state: stateOf(records) }), OPTIONS);
}

/** The report of a pass over `plan` where each named profile ended as given (others unchanged). */
export function reportOf(plan: Plan, results: Record<string, OutcomeResult | { result: OutcomeResult; code: string; message: string }> = {}, extra: Partial<ReconcileReport> = {}): ReconcileReport {
  const outcomes: ProfileOutcome[] = plan.changes.map((change) => {
    const given = results[change.name] ?? (change.action === 'noop' ? 'unchanged' : 'applied');
    const result = typeof given === 'string' ? given : given.result;
    const error = typeof given === 'string' ? undefined : { code: given.code, message: given.message, terminal: true };
    return { name: change.name, action: change.action, result, attempts: result === 'applied' ? 1 : 0, durationMs: 1234, ...(error ? { error } : {}) };
  });
  const ok = outcomes.every((o) => o.result !== 'failed') && !extra.error;
  return { id: 'pass-1', plan, outcomes, ok, startedAt: '2026-12-01T10:00:00.000Z', durationMs: 2080, warnings: [], ...extra };
}
