// The plan as a pull-request comment: a summary table, then one collapsible `<details>` per
// profile with a `diff` block (GitHub colours `+` and `-` lines). Sensitive values never appear.
import type { Plan, PlannedChange } from '../model/types.js';
import type { ProfileOutcome } from '../reconcile/types.js';
import { formatDiagnosticLine } from './plan-text.js';
import { actionPhrase, actionSymbol, closingLine, errorHeadline, fieldComment, fieldValueText, formatValue, policyLine, policyViolationText, SENSITIVE_TEXT, sourceLabel } from './plan-common.js';

const ROWS: { action: keyof Plan['summary']; label: string }[] = [
  { action: 'create', label: 'Create' },
  { action: 'update', label: 'Update in-place' },
  { action: 'replace', label: 'Replace' },
  { action: 'delete', label: 'Delete' },
  { action: 'noop', label: 'No change' },
  { action: 'error', label: 'Error' },
];

export function renderPlanMarkdown(plan: Plan, outcomes?: readonly ProfileOutcome[]): string {
  const outcomeByName = outcomes ? new Map(outcomes.map((o) => [o.name, o])) : undefined;
  const out: string[] = [];
  out.push(`### AppFlow connector profiles: ${outcomes ? 'apply' : 'plan'}`, '');
  out.push(`**${escapeHtml(closingLine(plan))}**`, '');
  const policies = policyLine(plan);
  if (policies) out.push(`**${escapeHtml(policies)}**`, '');
  out.push(`Target: \`${plan.target.replace(/`/g, "'")}\``, '');
  if (plan.revision !== undefined) out.push(`Revision: \`${plan.revision.replace(/`/g, "'")}\``, '');
  out.push('| Action | Profiles |', '| --- | ---: |');
  for (const row of ROWS) out.push(`| ${row.label} | ${plan.summary[row.action]} |`);
  out.push('');
  for (const warning of plan.warnings) out.push(`> **Warning:** ${escapeHtml(warning)}`, '');

  for (const change of plan.changes) {
    if (change.action === 'noop' && !change.adopt && !change.reason) continue;
    out.push(...renderDetails(change, outcomeByName?.get(change.name)), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function renderDetails(change: PlannedChange, outcome: ProfileOutcome | undefined): string[] {
  const where = sourceLabel(change);
  const result = outcome
    ? ` — **${escapeHtml(outcome.result)}**${outcome.error ? `: ${escapeHtml(outcome.error.message)}` : ''}`
    : '';
  const summary = `<code>${escapeHtml(actionSymbol(change).trim() || '=')} ${escapeHtml(change.name)}</code> ${escapeHtml(actionPhrase(change))}${where ? ` (<code>${escapeHtml(where)}</code>)` : ''}${result}`;
  const body = diffLines(change);
  return ['<details>', `<summary>${summary}</summary>`, '', ...fenced(change.action === 'error' ? 'text' : 'diff', body), '', '</details>'];
}

function diffLines(change: PlannedChange): string[] {
  if (change.action === 'error') {
    const lines = [errorHeadline(change)];
    for (const diagnostic of change.diagnostics ?? []) lines.push(formatDiagnosticLine(diagnostic));
    return lines;
  }
  const lines: string[] = [];
  if (change.adopt) lines.push('# adopt: exists in the account but not in the inventory');
  for (const field of change.fields) {
    const comment = fieldComment(field, change.action);
    const suffix = comment ? `  # ${comment}` : '';
    if (field.sensitive) {
      lines.push(`! ${field.path} = ${SENSITIVE_TEXT}${suffix}`);
    } else if (change.action === 'create') {
      lines.push(`+ ${field.path} = ${formatValue(field.after)}${suffix}`);
    } else if (change.action === 'delete') {
      lines.push(`- ${field.path} = ${formatValue(field.before)}${suffix}`);
    } else if (field.before === undefined) {
      lines.push(`+ ${field.path} = ${fieldValueText(field, change.action)}${suffix}`);
    } else if (field.after === undefined) {
      lines.push(`- ${field.path} = ${formatValue(field.before)}${suffix}`);
    } else {
      lines.push(`- ${field.path} = ${formatValue(field.before)}`);
      lines.push(`+ ${field.path} = ${formatValue(field.after)}${suffix}`);
    }
  }
  if (change.unchangedFields > 0) lines.push(`  # (${change.unchangedFields} unchanged attributes hidden)`);
  if (change.reason) lines.push(`# note: ${change.reason}`);
  for (const violation of change.policyViolations ?? []) lines.push(`! ${policyViolationText(violation)}`);
  return lines;
}

/** A code fence longer than any backtick run inside, so no value can close it early. */
function fenced(language: string, lines: string[]): string[] {
  const longest = Math.max(0, ...lines.map((line) => Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length))));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${language}`, ...lines, fence];
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
