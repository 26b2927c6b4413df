// Pieces shared by the three plan renderers, so that they agree on wording and never print a
// sensitive value (a sensitive field is always rendered as `(sensitive value)`).
import type { FieldChange, Plan, PlannedChange, PlanAction } from '../model/types.js';
export { describeViolation as policyViolationText } from '../policy/violation-text.js';

export const SENSITIVE_TEXT = '(sensitive value)';

/** A field value as text: strings quoted (JSON escaping also neutralises terminal control characters). */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export type FieldSymbol = '+' | '-' | '~';

/** `+` added, `-` removed, `~` changed in place. */
export function fieldSymbol(field: FieldChange, action: PlanAction): FieldSymbol {
  if (action === 'create') return '+';
  if (action === 'delete') return '-';
  if (field.sensitive) return '~';
  if (field.before === undefined) return '+';
  if (field.after === undefined) return '-';
  return '~';
}

/** `"old" -> "new"`, `"value"` (create), `"old" -> null` (removed), or `(sensitive value)`. */
export function fieldValueText(field: FieldChange, action: PlanAction): string {
  if (field.sensitive) return SENSITIVE_TEXT;
  if (action === 'create') return formatValue(field.after);
  if (action === 'delete') return `${formatValue(field.before)} -> null`;
  if (field.before === undefined) return formatValue(field.after);
  return `${formatValue(field.before)} -> ${formatValue(field.after)}`;
}

/** Trailing comment for a field: why it matters. */
export function fieldComment(field: FieldChange, action: PlanAction): string | undefined {
  if (field.forcesReplacement) return 'forces replacement';
  if (field.sensitive && field.unknownBefore && action !== 'create') return 'unknown before (no stored fingerprint): will be sent';
  if (field.sensitive && action !== 'create' && action !== 'delete') return 'changed';
  return undefined;
}

export function sourceLabel(change: PlannedChange): string | undefined {
  if (!change.source) return undefined;
  return `${change.source.file}:${change.source.line}`;
}

/** Terraform's sentence for what will happen to one profile. */
export function actionPhrase(change: PlannedChange): string {
  switch (change.action) {
    case 'create':
      return 'will be created';
    case 'update':
      return change.adopt ? 'will be adopted and updated in-place' : 'will be updated in-place';
    case 'replace':
      return change.adopt ? 'will be adopted and must be replaced' : 'must be replaced';
    case 'delete':
      return 'will be destroyed';
    case 'noop':
      if (change.adopt) return 'will be adopted (no changes)';
      return change.reason ? 'is not changed' : 'has no changes';
    case 'error':
      return 'cannot be planned';
  }
}

export function actionSymbol(change: PlannedChange): string {
  switch (change.action) {
    case 'create':
      return '+';
    case 'update':
      return '~';
    case 'replace':
      return '-/+';
    case 'delete':
      return '-';
    case 'noop':
      return change.adopt ? '<=' : ' ';
    case 'error':
      return 'x';
  }
}

/** Changes shown as a block: every write, plus adoptions (apply records them). */
export function isShownAsBlock(change: PlannedChange): boolean {
  if (change.action === 'noop') return change.adopt;
  return change.action !== 'error';
}

/**
 * The closing line. Terraform counts a replacement as one add and one destroy. Profiles that
 * could not be planned are counted here too, so "No changes" never hides an error.
 */
export function closingLine(plan: Plan): string {
  const { create, update, replace, delete: deletes, error } = plan.summary;
  const errors = error > 0 ? `${error} profile${error === 1 ? '' : 's'} could not be planned (see the errors)` : '';
  if (create + update + replace + deletes === 0) {
    return errors ? `No changes for the profiles that could be planned; ${errors}.` : 'No changes. Your connector profiles match the configuration.';
  }
  const counts = `Plan: ${create + replace} to add, ${update} to change, ${deletes + replace} to destroy.`;
  return errors ? `${counts} ${errors.charAt(0).toUpperCase()}${errors.slice(1)}.` : counts;
}

/** The headline of an error entry: diagnostics, when present, are listed below it in full. */
export function errorHeadline(change: PlannedChange): string {
  if (change.diagnostics && change.diagnostics.length > 0) {
    const n = change.diagnostics.filter((d) => d.severity === 'error').length;
    return `invalid document (${n} error${n === 1 ? '' : 's'})`;
  }
  return change.reason ?? 'error';
}

/** Multi-line text (a reason with one line per secret) with its later lines indented to sit under the first. */
export function indentContinuation(text: string, indent: string): string {
  return text.split('\n').join(`\n${indent}`);
}

/** Writes a deny policy keeps from being made, and writes with only warnings. */
export function policyCounts(plan: Plan): { denied: number; warned: number } {
  let denied = 0;
  let warned = 0;
  for (const change of plan.changes) {
    const violations = change.policyViolations ?? [];
    if (violations.some((v) => v.severity === 'deny')) denied++;
    else if (violations.length > 0) warned++;
  }
  return { denied, warned };
}

/** The line under the closing line when policies object: undefined when none does. */
export function policyLine(plan: Plan): string | undefined {
  const { denied, warned } = policyCounts(plan);
  if (denied + warned === 0) return undefined;
  const parts = [];
  if (denied > 0) parts.push(`${denied} write${denied === 1 ? '' : 's'} denied (not made by apply)`);
  if (warned > 0) parts.push(`${warned} with warnings`);
  return `Policies: ${parts.join(', ')}.`;
}
