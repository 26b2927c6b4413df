// /status of a fleet of target daemons: the top-level fields keep their meaning for the daemon as a
// whole (so `appflow-gitops status`, `reconcile --wait`, dashboards and the implicit target's
// single daemon read the same document as before), `targets[]` gives each target's own pass, and
// every profile entry names its target.
import type { AwsTarget } from '../aws/ports.js';
import type { DaemonStatus, TargetStatus } from './daemon-status.js';

export interface MemberStatus {
  name: string;
  target: AwsTarget;
  status: DaemonStatus;
}

const RESULT_RANK = { success: 0, failure: 1, error: 2 } as const;

function latest<T>(values: readonly (T | undefined)[], at: (value: T) => string): T | undefined {
  let best: T | undefined;
  for (const value of values) if (value !== undefined && (best === undefined || at(value) > at(best))) best = value;
  return best;
}

function earliest(values: readonly (string | undefined)[]): string | undefined {
  const present = values.filter((v): v is string => v !== undefined).sort();
  return present[0];
}

export function targetStatus(member: MemberStatus): TargetStatus {
  const { target, status } = member;
  const profiles = status.profiles.map((p) => ({ ...p, target: member.name }));
  return {
    name: member.name,
    key: target.key,
    ...(target.accountId !== undefined ? { accountId: target.accountId } : {}),
    region: target.region,
    ...(target.roleArn !== undefined ? { roleArn: target.roleArn } : {}),
    ...(target.endpoint !== undefined ? { endpoint: target.endpoint } : {}),
    emulator: target.endpoint !== undefined,
    ready: status.ready,
    reconciling: status.reconciling,
    ...(status.lastReconcile ? { lastReconcile: status.lastReconcile } : {}),
    ...(status.lastSuccessfulReconcileAt ? { lastSuccessfulReconcileAt: status.lastSuccessfulReconcileAt } : {}),
    ...(status.lastReconcile?.error !== undefined ? { error: status.lastReconcile.error } : {}),
    ...(status.passRetry ? { passRetry: status.passRetry } : {}),
    ...(status.lastAwsError ? { lastAwsError: status.lastAwsError } : {}),
    profiles,
  };
}

/**
 * The fleet's /status. With one member the top level is that daemon's status exactly (plus
 * `targets` and each profile's `target`). With several: ready and the checks only when every
 * target's are; the last pass is the latest one started, with the worst result of every target's
 * last pass; the last success is the oldest of the targets' (absent until each has had one), so an
 * alert on its age fires for any stale target; warnings are prefixed with their target.
 */
export function fleetStatus(members: readonly MemberStatus[]): DaemonStatus {
  const targets = members.map(targetStatus);
  const profiles = targets.flatMap((t) => t.profiles);
  if (members.length === 1) return { ...members[0]!.status, profiles, targets };
  const statuses = members.map((m) => m.status);
  const last = latest(statuses.map((s) => s.lastReconcile), (r) => r.startedAt);
  const worst = statuses.reduce<keyof typeof RESULT_RANK>((acc, s) => {
    const result = s.lastReconcile?.result;
    return result !== undefined && RESULT_RANK[result] > RESULT_RANK[acc] ? result : acc;
  }, 'success');
  const successes = statuses.map((s) => s.lastSuccessfulReconcileAt);
  const retries = statuses.map((s) => s.passRetry).filter((r) => r !== undefined);
  const suspended = statuses.find((s) => s.suspended)?.suspended;
  const leadership = statuses.flatMap((s) => s.leadership ?? []);
  const conditions = statuses.find((s) => s.conditions?.some((c) => c.status === 'False'))?.conditions ?? statuses.find((s) => s.conditions)?.conditions;
  const attempted = latest(statuses, (s) => s.lastReconcile?.startedAt ?? '');
  const nextResyncAt = earliest(statuses.map((s) => s.nextResyncAt));
  const lastAwsError = latest(statuses.map((s) => s.lastAwsError), (e) => e.at);
  return {
    ready: statuses.every((s) => s.ready),
    checks: {
      firstReconcileDone: statuses.every((s) => s.checks.firstReconcileDone),
      awsReachable: statuses.every((s) => s.checks.awsReachable),
    },
    reconciling: statuses.some((s) => s.reconciling),
    reconcileQueued: statuses.some((s) => s.reconcileQueued),
    ...(last ? { lastReconcile: { ...last, result: worst } } : {}),
    ...(successes.every((s) => s !== undefined) ? { lastSuccessfulReconcileAt: earliest(successes) } : {}),
    ...(attempted?.lastAttemptedRevision !== undefined ? { lastAttemptedRevision: attempted.lastAttemptedRevision } : {}),
    ...(attempted?.lastAppliedRevision !== undefined ? { lastAppliedRevision: attempted.lastAppliedRevision } : {}),
    ...(nextResyncAt !== undefined ? { nextResyncAt } : {}),
    ...(retries.length > 0
      ? { passRetry: { consecutiveFailures: Math.max(...retries.map((r) => r.consecutiveFailures)), nextRetryAt: earliest(retries.map((r) => r.nextRetryAt))! } }
      : {}),
    ...(lastAwsError ? { lastAwsError } : {}),
    warnings: [...new Set(members.flatMap((m) => m.status.warnings.map((w) => `${m.name}: ${w}`)))],
    ...(conditions ? { conditions } : {}),
    ...(suspended ? { suspended } : {}),
    profiles,
    ...(leadership.length > 0 ? { leadership } : {}),
    targets,
  };
}
