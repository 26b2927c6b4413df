// What plan and apply print and the exit code plan ends with: the output format chosen by the
// flags, whether to colour it, the rendering of one target's plan or apply report, and the
// warning lines on stderr. One place, so both commands decide these the same way.
import type { Plan } from '../model/types.js';
import { hasPendingChanges } from '../planner/plan-changes.js';
import { renderApplyText } from '../reconcile/render-apply-text.js';
import type { ReconcileReport } from '../reconcile/types.js';
import { policyCounts } from '../render/plan-common.js';
import { renderPlanJson } from '../render/plan-json.js';
import { renderPlanMarkdown } from '../render/plan-markdown.js';
import { renderPlanText } from '../render/plan-text.js';
import { ExitCode } from './exit-codes.js';

export type OutputFormat = 'text' | 'json' | 'markdown';

/** --json is short for --format json (the two conflict); text by default. */
export function outputFormat(flags: { json?: boolean; format?: OutputFormat }): OutputFormat {
  return flags.json ? 'json' : (flags.format ?? 'text');
}

/** Colour only on a TTY, unless --no-color or NO_COLOR (https://no-color.org: set and non-empty). */
export function useColor(flag: boolean, stream: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  return flag !== false && stream.isTTY === true && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}

/** One `warning: ...` line on stderr (stdout carries the report). */
export function printWarning(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}

/** plan's output for one target. */
export function renderPlanOutput(plan: Plan, format: OutputFormat, color: boolean): string {
  if (format === 'json') return renderPlanJson(plan);
  if (format === 'markdown') return renderPlanMarkdown(plan);
  return renderPlanText(plan, { color });
}

/** apply's output for one target: the plan it acted on, with the result of each write. */
export function renderApplyOutput(report: ReconcileReport, format: OutputFormat, color: boolean): string {
  if (format === 'json') return renderPlanJson(report.plan, report.outcomes);
  if (format === 'markdown') return renderPlanMarkdown(report.plan, report.outcomes);
  return `${renderPlanText(report.plan, { color })}\n${renderApplyText(report.plan, report.outcomes, { color })}`;
}

/**
 * plan's exit code over the plans of every target: 1 when it failed or when any write is one a
 * deny policy rejects (a pull-request check goes red, like an error); with --detailed-exitcode,
 * 2 when any change is pending; else 0.
 */
export function planExitCode(failed: boolean, plans: readonly Plan[], detailedExitcode: boolean | undefined): number {
  if (failed || plans.some((plan) => policyCounts(plan).denied > 0)) return ExitCode.Error;
  if (detailedExitcode && plans.some((plan) => hasPendingChanges(plan))) return ExitCode.ChangesPending;
  return ExitCode.Ok;
}
