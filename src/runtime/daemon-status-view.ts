// What /readyz and /status show of one Daemon, assembled from the parts that keep it: the pass
// history, the AWS reachability check, the timers, the pause and the lease. Pure: the Daemon
// hands over its parts' current values and gets the answer back.
import type { AwsReachability } from './aws-reachability.js';
import type { DaemonStatus, PassHistory } from './daemon-status.js';
import type { ProfileStatus } from './profile-status.js';
import type { DaemonLeadership } from './shared-state.js';
import type { PauseState } from './write-pause.js';

export interface Readiness {
  ready: boolean;
  checks: DaemonStatus['checks'];
}

/**
 * Ready once the first pass is done and AWS answers; a standby (shared state, another replica
 * leads) is ready while it can watch the lease, as it makes no AWS call.
 */
export function readinessOf(history: PassHistory, aws: AwsReachability, leadership: DaemonLeadership | undefined): Readiness {
  const checks = { firstReconcileDone: history.firstReconcileDone, awsReachable: aws.reachable !== false };
  if (leadership && !leadership.isLeader()) return { ready: leadership.healthy(), checks };
  return { ready: checks.firstReconcileDone && checks.awsReachable, checks };
}

export interface StatusParts {
  readiness: Readiness;
  history: PassHistory;
  aws: AwsReachability;
  reconciling: boolean;
  reconcileQueued: boolean;
  /** The timers' next resync and pass retry (ms since the epoch). */
  resyncAt: number | undefined;
  passRetryAt: number | undefined;
  /** The pause, when it holds. */
  suspended: PauseState | undefined;
  profiles: ProfileStatus[];
  leadership: DaemonLeadership | undefined;
}

/** One daemon's /status (the fleet adds `targets`); times as ISO-8601. */
export function statusOf({ readiness, history, aws, reconciling, reconcileQueued, resyncAt, passRetryAt, suspended, profiles, leadership }: StatusParts): DaemonStatus {
  const awsError = aws.lastError;
  return {
    ready: readiness.ready,
    checks: readiness.checks,
    reconciling,
    reconcileQueued,
    lastReconcile: history.lastReconcile,
    lastSuccessfulReconcileAt: history.lastSuccessAt === undefined ? undefined : new Date(history.lastSuccessAt).toISOString(),
    lastAttemptedRevision: history.lastAttemptedRevision,
    lastAppliedRevision: history.lastAppliedRevision,
    nextResyncAt: resyncAt === undefined ? undefined : new Date(resyncAt).toISOString(),
    passRetry:
      passRetryAt === undefined
        ? undefined
        : { consecutiveFailures: history.consecutiveFailures, nextRetryAt: new Date(passRetryAt).toISOString() },
    lastAwsError: awsError && { ...awsError, at: new Date(awsError.at).toISOString() },
    warnings: history.warnings,
    ...(history.profilesDirectory ? { conditions: [history.profilesDirectory] } : {}),
    ...(suspended ? { suspended } : {}),
    profiles,
    ...(leadership ? { leadership: leadership.status() } : {}),
  };
}
