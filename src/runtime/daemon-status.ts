// Bookkeeping of passes for /status and /readyz: the last pass and its outcome, the last good
// pass, consecutive whole-pass failures (drive the pass retry), and the warnings to show.
import type { PlanAction } from '../model/types.js';
import type { ReconcileReport } from '../reconcile/types.js';
import type { LeaseStatus } from '../leadership/target-lease.js';
import type { ProfileStatus } from './profile-status.js';
import type { TriggerReason } from './scheduler.js';

export interface DaemonStatus {
  ready: boolean;
  checks: { firstReconcileDone: boolean; awsReachable: boolean };
  reconciling: boolean;
  /** A pass is asked for and waits (for the running pass, or for the manual-trigger spacing). */
  reconcileQueued: boolean;
  lastReconcile?: {
    id: string;
    result: 'success' | 'failure' | 'error';
    triggers: TriggerReason[];
    startedAt: string;
    durationMs: number;
    summary?: Record<PlanAction, number>;
    error?: string;
    /** Set when the pass covered only these changed files (summary counts their profiles only). */
    files?: string[];
  };
  lastSuccessfulReconcileAt?: string;
  /** Git revision of the profiles the last pass read (whatever its outcome). */
  lastAttemptedRevision?: string;
  /** Git revision of the last pass in which every profile converged. */
  lastAppliedRevision?: string;
  nextResyncAt?: string;
  /** Set after a pass failed as a whole: when it is retried, and how many passes failed in a row. */
  passRetry?: { consecutiveFailures: number; nextRetryAt: string };
  lastAwsError?: { service: string; operation: string; code: string; at: string };
  warnings: string[];
  /**
   * Daemon-level conditions, Kubernetes style. `ProfilesDirectory`: True when the last pass read
   * the profiles directory and found documents; False (reason Missing, Unreadable or Empty) is the
   * wrong-path case that otherwise looks healthy. Absent until a pass has read the directory.
   */
  conditions?: DaemonCondition[];
  /** Present while `appflow-gitops suspend` holds: passes read and report drift but write nothing. */
  suspended?: { suspended: boolean; since?: string };
  profiles: ProfileStatus[];
  /**
   * With the shared DynamoDB state: per target, this replica's role ("leader" or "standby"), the
   * lease holder, the lease expiry and the fencing counter. Absent with the file state.
   */
  leadership?: LeaseStatus[];
  /** Each target's own pass and profiles (src/runtime/fleet-status.ts); set by the fleet's /status. */
  targets?: TargetStatus[];
}

/** One target in /status: who it is, its last pass, and its profiles. */
export interface TargetStatus {
  name: string;
  /** The state key (ACCOUNT/REGION[@ENDPOINT]; the v1 key for the implicit target). */
  key: string;
  /** The account, once STS confirmed it (or as configured). */
  accountId?: string;
  region: string;
  roleArn?: string;
  /** A non-AWS endpoint ('local' for an emulator on loopback); absent for AWS. */
  endpoint?: string;
  emulator: boolean;
  ready: boolean;
  reconciling: boolean;
  lastReconcile?: DaemonStatus['lastReconcile'];
  lastSuccessfulReconcileAt?: string;
  /** Why the target's last pass failed as a whole (role denied, account mismatch, AWS unreachable). */
  error?: string;
  passRetry?: DaemonStatus['passRetry'];
  lastAwsError?: DaemonStatus['lastAwsError'];
  profiles: ProfileStatus[];
}

export interface DaemonCondition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
  lastTransitionAt: string;
}

export interface PassTiming {
  id: string;
  reasons: TriggerReason[];
  startedAt: number;
  finishedAt: number;
}

export class PassHistory {
  firstReconcileDone = false;
  lastReconcile: DaemonStatus['lastReconcile'];
  lastSuccessAt: number | undefined;
  warnings: string[] = [];
  /** Passes that failed as a whole in a row; 0 after any pass that ran to the end. */
  consecutiveFailures = 0;
  profilesDirectory: DaemonCondition | undefined;
  lastAttemptedRevision: string | undefined;
  lastAppliedRevision: string | undefined;

  /** The revision a pass read; applied when every profile converged. Called for every report, failed passes included. */
  recordRevision(report: ReconcileReport): void {
    if (report.revision === undefined) return;
    this.lastAttemptedRevision = report.revision;
    if (report.ok) this.lastAppliedRevision = report.revision;
  }

  /** A pass that ran to the end (profile failures have their own backoff). */
  recordCompleted(pass: PassTiming, report: ReconcileReport, directoryWarning: string | undefined, scope?: { files: string[] }): 'success' | 'failure' {
    const result = report.ok ? 'success' : 'failure';
    this.firstReconcileDone = true;
    // The pass as a whole worked: normal interval again.
    this.consecutiveFailures = 0;
    if (report.ok) this.lastSuccessAt = pass.finishedAt;
    this.lastReconcile = { ...this.#timing(pass, result), summary: report.plan.summary, ...(scope ? { files: scope.files } : {}) };
    // A pass over some files adds its warnings; the last full pass's stay until the next one.
    const kept = scope ? this.warnings : [];
    this.warnings = [...new Set([...kept, ...(directoryWarning ? [directoryWarning] : []), ...report.plan.warnings, ...report.warnings])];
    if (report.profilesDirectory !== undefined) this.#setDirectoryCondition(report.profilesDirectory, directoryWarning, pass.finishedAt);
    return result;
  }

  #setDirectoryCondition(state: string, warning: string | undefined, at: number): void {
    const ok = state === 'ok';
    const reason = ok ? 'Found' : state.charAt(0).toUpperCase() + state.slice(1);
    const previous = this.profilesDirectory;
    this.profilesDirectory = {
      type: 'ProfilesDirectory',
      status: ok ? 'True' : 'False',
      reason,
      message: warning ?? 'profile documents were read',
      lastTransitionAt: previous && previous.reason === reason ? previous.lastTransitionAt : new Date(at).toISOString(),
    };
  }

  /** A pass that failed as a whole; one stopped by shutdown is not a failure worth retrying. */
  recordError(pass: PassTiming, message: string, aborted: boolean): void {
    if (!aborted) this.consecutiveFailures += 1;
    this.lastReconcile = { ...this.#timing(pass, 'error'), error: message };
  }

  #timing(pass: PassTiming, result: 'success' | 'failure' | 'error'): NonNullable<DaemonStatus['lastReconcile']> {
    return {
      id: pass.id,
      result,
      triggers: pass.reasons,
      startedAt: new Date(pass.startedAt).toISOString(),
      durationMs: pass.finishedAt - pass.startedAt,
    };
  }
}

/**
 * A missing, unreadable or empty profiles directory is a warning, not a readiness failure: the
 * daemon itself works (it reads, observes and reports), the prune guards keep every managed
 * profile, and a directory that is filled later (git-sync's first clone) is picked up by the
 * watcher or the next resync. Failing /readyz would instead restart or unroute a pod that is behaving correctly.
 */
export function profilesDirectoryWarning(report: ReconcileReport, watchDir: string | undefined): string | undefined {
  const status = report.profilesDirectory;
  if (status === undefined || status === 'ok') return undefined;
  const dir = watchDir === undefined ? 'the profiles directory' : `profiles directory ${watchDir}`;
  const what = status === 'empty' ? 'is empty (no profile files)' : `is ${status}`;
  return `${dir} ${what}: no profile document was read, so nothing is created or updated; managed profiles are not deleted unless --prune --allow-empty`;
}
