// Pure evaluation of compiled policies over a plan: for each planned write, the policies that
// apply to its target and action, and which of them do not hold. No I/O; the clock is an input.
import type { Plan, PlannedChange } from '../model/types.js';
import { celProblem } from './cel-problem.js';
import type { CompiledPolicy } from './compile-policies.js';
import { policyInput, type PolicyInputContext } from './policy-input.js';
import { POLICY_ACTIONS, type PolicyAction, type PolicyViolation } from './types.js';

/** Violations by profile name, in plan order; profiles with none are absent. */
export type PolicyVerdicts = Map<string, PolicyViolation[]>;

export function evaluatePolicies(plan: Plan, policies: readonly CompiledPolicy[], context: PolicyInputContext): PolicyVerdicts {
  const verdicts: PolicyVerdicts = new Map();
  const applicable = policies.filter((policy) => policy.spec.targets === undefined || policy.spec.targets.includes(context.target.name));
  if (applicable.length === 0) return verdicts;
  for (const change of plan.changes) {
    if (!isWrite(change)) continue;
    const violations = evaluateChange(change, applicable, context);
    if (violations.length > 0) verdicts.set(change.name, violations);
  }
  return verdicts;
}

/** True when any violation denies the write. */
export function isDenied(violations: readonly PolicyViolation[] | undefined): boolean {
  return violations?.some((violation) => violation.severity === 'deny') === true;
}

function isWrite(change: PlannedChange): change is PlannedChange & { action: PolicyAction } {
  return (POLICY_ACTIONS as readonly string[]).includes(change.action);
}

function evaluateChange(change: PlannedChange & { action: PolicyAction }, policies: readonly CompiledPolicy[], context: PolicyInputContext): PolicyViolation[] {
  let input: Record<string, unknown> | undefined;
  const violations: PolicyViolation[] = [];
  for (const { spec, evaluate } of policies) {
    if (spec.actions !== undefined && !spec.actions.includes(change.action)) continue;
    input ??= policyInput(change, context);
    const base = { policy: spec.name, severity: spec.severity, message: spec.message };
    let result: unknown;
    try {
      result = evaluate(input);
    } catch (err) {
      violations.push({ ...base, evaluationError: celProblem(err, spec.expression) });
      continue;
    }
    if (result === true) continue;
    violations.push(result === false ? base : { ...base, evaluationError: `the expression evaluated to ${describe(result)}, not a bool` });
  }
  return violations;
}

/** The type, never the value: a value could come from a document field. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value === 'object' ? 'map' : typeof value}`;
}

/** What a plan is checked against: the compiled policies and what they may ask about. */
export interface PolicyCheck {
  policies: readonly CompiledPolicy[];
  target: PolicyInputContext['target'];
  /** The clock `now` is read from (injected in tests). */
  now?: () => number;
}

/**
 * Evaluates the policies over `plan` and records each write's violations on its change
 * (`policyViolations`), where the renderers show them and the executor refuses denied writes.
 */
export function checkPlanPolicies(plan: Plan, check: PolicyCheck): PolicyVerdicts {
  if (check.policies.length === 0) return new Map();
  const verdicts = evaluatePolicies(plan, check.policies, { target: check.target, now: new Date((check.now ?? Date.now)()) });
  for (const change of plan.changes) {
    const violations = verdicts.get(change.name);
    if (violations && isWrite(change)) change.policyViolations = violations;
  }
  return verdicts;
}
