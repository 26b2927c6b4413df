// The human summary of what apply did, printed after the plan text: one line per profile that was
// written, failed or blocked, and Terraform's closing line. Messages are already scrubbed of
// secrets by the executor; nothing here reads a credential.
import type { Plan } from '../model/types.js';
import { POLICY_VIOLATION_CODE } from '../policy/violation-text.js';
import { indentContinuation } from '../render/plan-common.js';
import type { ProfileOutcome } from './types.js';

export interface ApplyTextOptions {
  color: boolean;
}

const PAST_TENSE: Record<string, string> = {
  create: 'created',
  update: 'updated',
  replace: 'replaced',
  delete: 'destroyed',
  noop: 'recorded',
  error: 'not planned',
};

export function renderApplyText(plan: Plan, outcomes: readonly ProfileOutcome[], options: ApplyTextOptions): string {
  const paint = (text: string, code: string) => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const lines: string[] = [];
  const shown = outcomes.filter((o) => o.result === 'applied' || o.result === 'failed' || o.result === 'blocked' || o.result === 'skipped');
  if (shown.length > 0) lines.push('Apply results:');
  for (const outcome of shown) {
    const where = outcome.source ? ` (${outcome.source.file}:${outcome.source.line})` : '';
    const tries = outcome.attempts > 1 ? `, ${outcome.attempts} attempts` : '';
    if (outcome.result === 'applied') {
      lines.push(`  ${paint('✓', '32')} ${outcome.name}${where}: ${PAST_TENSE[outcome.action] ?? outcome.action} (${outcome.durationMs} ms${tries})`);
    } else if (outcome.result === 'failed') {
      const error = outcome.error;
      const hint = error?.terminal ? ' [not retried until the file or secret changes]' : '';
      lines.push(`  ${paint('✗', '31')} ${outcome.name}${where}: ${outcome.action} failed${tries}: ${error ? `${error.code}: ${indentContinuation(error.message, '      ')}` : 'unknown error'}${hint}`);
    } else if (outcome.result === 'blocked' && outcome.error?.code === POLICY_VIOLATION_CODE) {
      lines.push(`  ${paint('✗', '31')} ${outcome.name}${where}: ${outcome.action} not made: ${POLICY_VIOLATION_CODE}: ${outcome.error.message}`);
    } else if (outcome.result === 'blocked') {
      lines.push(`  ${paint('!', '33')} ${outcome.name}${where}: delete blocked: ${outcome.error?.message ?? 'a prune guard applies'}`);
    } else {
      lines.push(`  ${paint('-', '2')} ${outcome.name}${where}: ${outcome.action} skipped${outcome.error ? `: ${outcome.error.message}` : ''}`);
    }
  }
  if (shown.length > 0) lines.push('');
  lines.push(closing(plan, outcomes, paint));
  return `${lines.join('\n')}\n`;
}

function closing(plan: Plan, outcomes: readonly ProfileOutcome[], paint: (t: string, c: string) => string): string {
  const tally = applyTally(outcomes);
  if (tally.failed + tally.denied > 0) return paint(`Apply finished with errors: ${tally.counts}${tally.problems}.`, '1;31');
  if (tally.applied === 0 && plan.summary.error === 0) return paint('Apply complete: no changes were needed.', '1');
  return paint(`Apply complete! Resources: ${tally.counts}.`, '1;32');
}

export interface ApplyTally {
  applied: number;
  failed: number;
  denied: number;
  /** `A added, C changed, D destroyed`. */
  counts: string;
  /** `, F failed, N denied by policy` (each part only when not zero); '' when neither. */
  problems: string;
}

/** What a set of outcomes came to, in the words of apply's closing line (one target or several). */
export function applyTally(outcomes: readonly ProfileOutcome[]): ApplyTally {
  const applied = outcomes.filter((o) => o.result === 'applied');
  const count = (...actions: string[]) => applied.filter((o) => actions.includes(o.action)).length;
  // A replacement both destroys and adds, as Terraform counts it.
  const counts = `${count('create', 'replace')} added, ${count('update')} changed, ${count('delete', 'replace')} destroyed`;
  const failed = outcomes.filter((o) => o.result === 'failed').length;
  const denied = outcomes.filter((o) => o.error?.code === POLICY_VIOLATION_CODE).length;
  const problems = `${failed > 0 ? `, ${failed} failed` : ''}${denied > 0 ? `, ${denied} denied by policy` : ''}`;
  return { applied: applied.length, failed, denied, counts, problems };
}
