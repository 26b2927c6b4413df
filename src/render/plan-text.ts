// The human plan, in Terraform's conventions: `+` create, `~` update in place, `-/+` replace,
// `-` destroy, `(sensitive value)` for credentials, `# forces replacement`, and the closing
// `Plan: X to add, Y to change, Z to destroy.` line. Colour is the caller's decision (TTY, NO_COLOR).
import type { Diagnostic, FieldChange, Plan, PlannedChange } from '../model/types.js';
import {
  actionPhrase,
  actionSymbol,
  closingLine,
  errorHeadline,
  fieldComment,
  fieldSymbol,
  fieldValueText,
  indentContinuation,
  isShownAsBlock,
  policyLine,
  policyViolationText,
  sourceLabel,
} from './plan-common.js';

export interface TextRenderOptions {
  color: boolean;
}

type Paint = (text: string, style: Style) => string;
type Style = 'green' | 'yellow' | 'red' | 'cyan' | 'bold' | 'dim';

const ANSI: Record<Style, string> = {
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  red: '\u001b[31m',
  cyan: '\u001b[36m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
};

export function renderPlanText(plan: Plan, options: TextRenderOptions): string {
  const paint: Paint = options.color ? (text, style) => `${ANSI[style]}${text}\u001b[0m` : (text) => text;
  const lines: string[] = [];
  const blocks = plan.changes.filter(isShownAsBlock);
  if (blocks.length > 0) {
    lines.push('AppFlow connector profiles: the following actions will be performed:', '');
    lines.push(...legend(blocks, paint), '');
    for (const change of blocks) lines.push(...renderBlock(change, paint), '');
  }

  const notes = plan.changes.filter((c) => c.action === 'noop' && !c.adopt && c.reason);
  if (notes.length > 0) {
    lines.push('Not changed:');
    for (const change of notes) lines.push(`  ${paint(change.name, 'bold')}: ${indentContinuation(change.reason!, '    ')}`);
    lines.push('');
  }

  const errors = plan.changes.filter((c) => c.action === 'error');
  if (errors.length > 0) {
    lines.push(paint(`Errors (${errors.length}, not acted upon):`, 'red'));
    for (const change of errors) lines.push(...renderError(change, paint));
    lines.push('');
  }

  for (const warning of plan.warnings) lines.push(`${paint('Warning:', 'yellow')} ${warning}`);
  if (plan.warnings.length > 0) lines.push('');

  lines.push(paint(closingLine(plan), 'bold'));
  const policies = policyLine(plan);
  if (policies) lines.push(paint(policies, policyCountsStyle(plan)));
  return `${lines.join('\n')}\n`;
}

function policyCountsStyle(plan: Plan): Style {
  return plan.changes.some((c) => c.policyViolations?.some((v) => v.severity === 'deny')) ? 'red' : 'yellow';
}

function legend(blocks: PlannedChange[], paint: Paint): string[] {
  const used = new Set(blocks.map((c) => c.action + (c.adopt ? '+adopt' : '')));
  const has = (action: string) => [...used].some((u) => u.startsWith(action));
  const out = ['Resource actions are indicated with the following symbols:'];
  if (has('create')) out.push(`  ${paint('+', 'green')} create`);
  if (has('update')) out.push(`  ${paint('~', 'yellow')} update in-place`);
  if (has('replace')) out.push(`${paint('-/+', 'cyan')} destroy and then create replacement`);
  if (has('delete')) out.push(`  ${paint('-', 'red')} destroy`);
  if ([...used].some((u) => u.endsWith('+adopt'))) out.push(` ${paint('<=', 'cyan')} adopt (existing profile, recorded in the inventory)`);
  return out;
}

function symbolStyle(symbol: string): Style {
  if (symbol === '+') return 'green';
  if (symbol === '-') return 'red';
  if (symbol === '~') return 'yellow';
  return 'cyan';
}

function renderBlock(change: PlannedChange, paint: Paint): string[] {
  const where = sourceLabel(change);
  const out = [paint(`  # ${change.name}${where ? ` (${where})` : ''} ${actionPhrase(change)}`, 'bold')];
  const symbol = actionSymbol(change);
  out.push(`${paint(symbol.padStart(3), symbolStyle(symbol))} connector_profile ${JSON.stringify(change.name)} {`);
  if (change.adopt && change.action !== 'noop') {
    out.push(`     ${paint('<=', 'cyan')} adopt: exists in the account but not in the inventory`);
  }
  const width = Math.max(0, ...change.fields.map((f) => f.path.length));
  for (const field of change.fields) out.push(renderField(field, change, width, paint));
  if (change.unchangedFields > 0) {
    const noun = change.unchangedFields === 1 ? 'attribute' : 'attributes';
    out.push(paint(`        # (${change.unchangedFields} unchanged ${noun} hidden)`, 'dim'));
  }
  if (change.reason) out.push(paint(`        # note: ${change.reason}`, 'dim'));
  for (const violation of change.policyViolations ?? []) {
    out.push(`      ${paint('!', violation.severity === 'deny' ? 'red' : 'yellow')} ${policyViolationText(violation)}`);
  }
  out.push('    }');
  return out;
}

function renderField(field: FieldChange, change: PlannedChange, width: number, paint: Paint): string {
  const symbol = fieldSymbol(field, change.action);
  const comment = fieldComment(field, change.action);
  const text = `${field.path.padEnd(width)} = ${fieldValueText(field, change.action)}`;
  const suffix = comment ? ` ${paint(`# ${comment}`, comment === 'forces replacement' ? 'red' : 'dim')}` : '';
  return `      ${paint(symbol, symbolStyle(symbol))} ${text}${suffix}`;
}

function renderError(change: PlannedChange, paint: Paint): string[] {
  const where = sourceLabel(change);
  const out = [`  ${paint('x', 'red')} ${change.name}${where ? ` (${where})` : ''}: ${indentContinuation(errorHeadline(change), '      ')}`];
  for (const diagnostic of change.diagnostics ?? []) out.push(`      ${formatDiagnosticLine(diagnostic)}`);
  return out;
}

/** `FILE:LINE:COL: path: message`, the same shape `validate` prints. */
export function formatDiagnosticLine(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.path ? `${d.path}: ` : ''}${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`;
}
