// The machine plan: a stable, versioned JSON document (schema in docs/plan.md, JSON format).
// Unlike Terraform's `show -json`, sensitive fields never carry values: they are built field by
// field here, never by serialising a PlannedChange (which holds the Sensitive box and the desired
// document), so nothing can slip through by accident. Every key is always present, in a fixed order.
import type { FieldChange, Plan, PlannedChange } from '../model/types.js';
import type { ProfileOutcome } from '../reconcile/types.js';
import { policyCounts } from './plan-common.js';

export const PLAN_JSON_FORMAT_VERSION = '1';

export function renderPlanJson(plan: Plan, outcomes?: readonly ProfileOutcome[]): string {
  return `${JSON.stringify(planToJson(plan, outcomes), null, 2)}\n`;
}

export function planToJson(plan: Plan, outcomes?: readonly ProfileOutcome[]): Record<string, unknown> {
  const outcomeByName = outcomes ? new Map(outcomes.map((o) => [o.name, o])) : undefined;
  return {
    formatVersion: PLAN_JSON_FORMAT_VERSION,
    target: plan.target,
    revision: plan.revision ?? null,
    changes: plan.changes.map((change) => changeToJson(change, outcomeByName)),
    warnings: [...plan.warnings],
    summary: {
      create: plan.summary.create,
      update: plan.summary.update,
      replace: plan.summary.replace,
      delete: plan.summary.delete,
      noop: plan.summary.noop,
      error: plan.summary.error,
    },
    policies: policyCounts(plan),
  };
}

function changeToJson(change: PlannedChange, outcomeByName?: Map<string, ProfileOutcome>): Record<string, unknown> {
  const json: Record<string, unknown> = {
    name: change.name,
    action: change.action,
    adopt: change.adopt,
    file: change.source?.file ?? null,
    line: change.source?.line ?? null,
    fields: change.fields.map(fieldToJson),
    unchanged: change.unchangedFields,
    reason: change.reason ?? null,
    diagnostics: (change.diagnostics ?? []).map((d) => ({
      file: d.file,
      line: d.line,
      column: d.column,
      path: d.path,
      severity: d.severity,
      code: d.code,
      message: d.message,
    })),
    policyViolations: (change.policyViolations ?? []).map((v) => ({
      policy: v.policy,
      severity: v.severity,
      message: v.message,
      evaluationError: v.evaluationError ?? null,
    })),
  };
  if (outcomeByName) {
    const outcome = outcomeByName.get(change.name);
    json.result = outcome?.result ?? null;
    json.error = outcome?.error
      ? { code: outcome.error.code, message: outcome.error.message, terminal: outcome.error.terminal }
      : null;
    json.attempts = outcome?.attempts ?? 0;
  }
  return json;
}

function fieldToJson(field: FieldChange): Record<string, unknown> {
  return {
    path: field.path,
    before: field.sensitive ? null : jsonValue(field.before),
    after: field.sensitive ? null : jsonValue(field.after),
    sensitive: field.sensitive,
    forcesReplacement: field.forcesReplacement,
    unknownBefore: field.unknownBefore === true,
  };
}

function jsonValue(value: unknown): unknown {
  return value === undefined ? null : value;
}
