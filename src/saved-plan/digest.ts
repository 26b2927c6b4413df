// Digests of what a plan was computed from, and of the plan itself. Everything digested is
// already free of secrets: files hold references, the inventory holds keyed fingerprints only,
// Describe never returns credentials, and secrets are represented by their version ids. So no
// digest here can be used to test a guess of a secret value offline.
import { createHash } from 'node:crypto';
import type { Plan } from '../model/types.js';
import { canonicalJson } from '../planner/normalize.js';
import type { PlannedTarget } from '../reconcile/types.js';
import { planToJson } from '../render/plan-json.js';
import type { TargetDigests } from './format.js';

/** Recorded for a planned profile that did not exist in the account. */
export const ABSENT = 'absent';

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function digestOf(value: unknown): string {
  return sha256(canonicalJson(value));
}

/** The digests of one planned target (its plan and state must be present). */
export function targetDigests(planned: PlannedTarget & { plan: Plan; state: NonNullable<PlannedTarget['state']> }): TargetDigests {
  const { plan, state } = planned;
  const stateDigests: Record<string, string> = {};
  for (const [name, record] of Object.entries(state.profiles)) stateDigests[name] = digestOf(record);
  const observed: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  for (const change of plan.changes) {
    observed[change.name] = change.observed ? digestOf(change.observed) : ABSENT;
    if (change.secretVersions) secrets[change.name] = digestOf(change.secretVersions);
  }
  return { state: stateDigests, observed, secrets, plan: planDigest(plan) };
}

/**
 * The plan as reviewed: every change with its action, fields (non-sensitive values; credentials
 * only as changed or not), adoption, guards and policy verdicts. Warnings and the revision are
 * left out: they describe the run, not what it writes.
 */
export function planDigest(plan: Plan): string {
  const { warnings: _warnings, revision: _revision, ...rest } = planToJson(plan);
  return digestOf(rest);
}
