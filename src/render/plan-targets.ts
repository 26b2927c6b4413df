// Plans and apply results of several targets (appflow-gitops.yaml): each target's plan as the
// single-target renderers print it, under a header naming the target, its account, region and
// role, with a loud EMULATOR marker when it talks to an emulator; a target that failed says why.
// The closing line counts every target. Every target's plan carries the same revision (one pass
// reads the profiles once) and its own policy violations. JSON keeps the version-1 fields
// (changes of all targets, each with `target`, summed summary and policy counts, the revision)
// and adds `targets[]`.
import type { AwsTarget } from '../aws/ports.js';
import type { Plan } from '../model/types.js';
import type { ProfileOutcome, ReconcileReport } from '../reconcile/types.js';
import { applyTally, renderApplyText } from '../reconcile/render-apply-text.js';
import { closingLine, policyCounts, policyLine } from './plan-common.js';
import { planToJson } from './plan-json.js';
import { renderPlanMarkdown } from './plan-markdown.js';
import { renderPlanText } from './plan-text.js';

export interface TargetResult {
  target: AwsTarget;
  report: ReconcileReport;
}

/** `== prod-us · account 222222222222 · us-east-1 · role arn:... ==`, EMULATOR when not AWS. */
export function targetHeader(target: AwsTarget): string {
  const parts = [
    target.name ?? target.key,
    `account ${target.accountId ?? 'unknown'}`,
    target.region,
    ...(target.roleArn ? [`role ${target.roleArn}`] : []),
  ];
  const emulator = target.endpoint === 'local' ? ' *** EMULATOR (local endpoint, not AWS) ***' : target.endpoint ? ` (endpoint ${target.endpoint})` : '';
  return `=== target ${parts.join(' · ')}${emulator} ===`;
}

export function totalPlan(results: readonly TargetResult[]): Plan {
  const summary = { create: 0, update: 0, replace: 0, delete: 0, noop: 0, error: 0 };
  for (const { report } of results) for (const key of Object.keys(summary) as (keyof typeof summary)[]) summary[key] += report.plan.summary[key];
  const revision = revisionOf(results);
  return {
    target: results.map((r) => r.target.key).join(','),
    ...(revision !== undefined ? { revision } : {}),
    changes: results.flatMap((r) => r.report.plan.changes),
    warnings: [],
    summary,
  };
}

/** The revision of the profiles the pass read (the same for every target). */
function revisionOf(results: readonly TargetResult[]): string | undefined {
  return results.find((r) => r.report.plan.revision !== undefined)?.report.plan.revision;
}

function hasChanges(plan: Plan): boolean {
  return plan.changes.some((c) => c.action !== 'noop' || c.adopt || c.reason);
}

export function renderTargetsText(results: readonly TargetResult[], options: { color: boolean; apply: boolean }): string {
  const out: string[] = [];
  const revision = revisionOf(results);
  if (revision !== undefined) out.push(`Profiles at revision ${revision}`, '');
  for (const { target, report } of results) {
    out.push(targetHeader(target));
    if (report.error) out.push(`Target failed: ${report.error.code}: ${report.error.message}`);
    else if (!hasChanges(report.plan) && report.plan.warnings.length === 0) out.push('No changes for this target.');
    else out.push(renderPlanText(report.plan, options).trimEnd());
    if (options.apply && !report.error) out.push(renderApplyText(report.plan, report.outcomes, options).trimEnd());
    out.push('');
  }
  const failed = results.filter((r) => r.report.error).length;
  const total = totalPlan(results);
  if (options.apply) {
    out.push(applyTotal(results, failed));
  } else {
    out.push(`${closingLine(total)} (${results.length} target${results.length === 1 ? '' : 's'}${failed > 0 ? `, ${failed} failed` : ''})`);
    const policies = policyLine(total);
    if (policies) out.push(policies);
  }
  return `${out.join('\n')}\n`;
}

function applyTotal(results: readonly TargetResult[], failedTargets: number): string {
  const tally = applyTally(results.flatMap((r) => r.report.outcomes));
  const targets = `${results.length} target${results.length === 1 ? '' : 's'}`;
  if (tally.failed + tally.denied > 0 || failedTargets > 0) {
    const targetsFailed = failedTargets > 0 ? `, ${failedTargets} target${failedTargets === 1 ? '' : 's'} failed` : '';
    return `Apply finished with errors across ${targets}: ${tally.counts}${tally.problems}${targetsFailed}.`;
  }
  return `Apply complete across ${targets}: ${tally.counts}.`;
}

export function targetsToJson(results: readonly TargetResult[], apply: boolean): Record<string, unknown> {
  const outcomes: ProfileOutcome[] | undefined = apply ? results.flatMap((r) => r.report.outcomes) : undefined;
  const changes = results.flatMap(({ target, report }) => {
    const json = planToJson(report.plan, apply ? report.outcomes : undefined).changes as Record<string, unknown>[];
    return json.map((change) => ({ ...change, target: target.name ?? target.key }));
  });
  const base = planToJson(totalPlan(results), outcomes);
  return {
    ...base,
    changes,
    warnings: results.flatMap(({ target, report }) => report.plan.warnings.map((w) => `${target.name ?? target.key}: ${w}`)),
    targets: results.map(({ target, report }) => ({
      name: target.name ?? target.key,
      key: target.key,
      accountId: target.accountId ?? null,
      region: target.region,
      roleArn: target.roleArn ?? null,
      endpoint: target.endpoint ?? null,
      emulator: target.endpoint === 'local',
      ok: report.ok,
      error: report.error ?? null,
      revision: report.plan.revision ?? null,
      summary: { ...report.plan.summary },
      policies: policyCounts(report.plan),
    })),
  };
}

export function renderTargetsMarkdown(results: readonly TargetResult[], apply: boolean): string {
  const sections = results.map(({ target, report }) => {
    const title = `## ${targetHeader(target).replace(/^=== target |\s*===$/g, '')}`;
    if (report.error) return `${title}\n\n**Target failed:** \`${report.error.code}\`: ${report.error.message.replace(/[<>]/g, '')}\n`;
    return `${title}\n\n${renderPlanMarkdown(report.plan, apply ? report.outcomes : undefined)}`;
  });
  const total = totalPlan(results);
  const policies = policyLine(total);
  return `${sections.join('\n')}\n${closingLine(total)}\n${policies ? `${policies}\n` : ''}`;
}
