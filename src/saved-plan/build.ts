// Building a saved plan from the plans of a read-only pass, and what keeps one from being applied.
import type { Plan } from '../model/types.js';
import type { PlannedTarget } from '../reconcile/types.js';
import { planToJson } from '../render/plan-json.js';
import { targetDigests } from './digest.js';
import { SAVED_PLAN_FORMAT_VERSION, SAVED_PLAN_KIND, type PlanningFlags, type SavedPlan } from './format.js';

export interface SavedPlanInputs {
  toolVersion: string;
  createdAt: Date;
  flags: PlanningFlags;
  config: string | null;
  files: Record<string, string>;
  planned: readonly PlannedTarget[];
}

/** A saved plan, or the one-line reason it cannot be made (a target that could not plan). */
export function buildSavedPlan(inputs: SavedPlanInputs): SavedPlan {
  // Every run plans at least one target; none means the pass failed before planning (state unreadable).
  if (inputs.planned.length === 0) throw new Error('no target was planned, so there is no plan to save');
  const targets = inputs.planned.map((planned) => {
    if (planned.error !== undefined || !planned.plan || !planned.state) {
      throw new Error(`target ${planned.name} could not be planned (${planned.error ?? 'no plan'}), so there is no plan to save`);
    }
    const plan: Plan = planned.plan;
    return { name: planned.name, key: planned.target.key, digests: targetDigests({ ...planned, plan, state: planned.state }), plan: planToJson(plan) };
  });
  return {
    kind: SAVED_PLAN_KIND,
    formatVersion: SAVED_PLAN_FORMAT_VERSION,
    tool: { name: 'appflow-gitops', version: inputs.toolVersion },
    createdAt: inputs.createdAt.toISOString(),
    flags: inputs.flags,
    inputs: { config: inputs.config, files: inputs.files },
    targets,
  };
}

/**
 * A saved plan with a write a deny policy rejects is not applied at all (the review saw a red
 * check): the first such write, as one line. Undefined when none.
 */
export function deniedWrite(saved: SavedPlan): string | undefined {
  for (const target of saved.targets) {
    for (const change of target.plan.changes as { name?: unknown; policyViolations?: { policy?: unknown; severity?: unknown }[] }[]) {
      const denied = (change.policyViolations ?? []).find((v) => v.severity === 'deny');
      if (denied) return `the plan has a write a deny policy rejects (profile ${String(change.name)}, policy ${String(denied.policy)}, target ${target.name}); fix it and plan again`;
    }
  }
  return undefined;
}
