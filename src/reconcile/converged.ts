// When a pass of one target counts as converged, in one place for the single-target pass
// (reconcile-once.ts) and each target of a multi-target pass (reconcile-targets.ts): nothing
// could not be planned, no write failed, none was kept from starting by a stop request, and no
// write was denied by a policy (a denied profile is not in the state the files describe).
import type { Plan } from '../model/types.js';
import { POLICY_VIOLATION_CODE } from '../policy/violation-text.js';
import type { ProfileOutcome } from './types.js';

export function converged(plan: Plan, outcomes: readonly ProfileOutcome[]): boolean {
  return (
    plan.summary.error === 0 &&
    outcomes.every((o) => o.result !== 'failed' && !(o.result === 'skipped' && o.error?.code === 'aborted') && o.error?.code !== POLICY_VIOLATION_CODE)
  );
}
