// Per-profile status for /status and the `profiles{condition}` gauge, derived from each pass's
// report (Flux writes a Ready condition on the way out of every reconcile; this is the same idea
// without a Kubernetes object to write it to). Holds only names, codes and messages that the
// executor and planner already guarantee to be secret-free.
import { changeReason, fieldRecords, type ChangeReason, type FieldRecord } from '../planner/change-record.js';
import { POLICY_VIOLATION_CODE } from '../policy/violation-text.js';
import type { ManagedProfileRecord } from '../model/types.js';
import type { ProfileOutcome, ReconcileReport } from '../reconcile/types.js';
import type { PlannedChange } from '../model/types.js';
import type { BackoffEntry } from './backoff.js';

export type ProfileCondition = 'Ready' | 'Failed' | 'Pending';

export interface ProfileStatus {
  name: string;
  /** The target the profile belongs to (its name; IMPLICIT_TARGET_NAME without declared targets). Set by /status. */
  target?: string;
  condition: ProfileCondition;
  /** CamelCase cause: Applied, UpToDate, WriteFailed, PlanError, Blocked, BackingOff, Planned, Aborted. */
  reason: string;
  message: string;
  /** Profile file, relative to the profiles directory. */
  sourceFile?: string;
  /** ISO-8601 time of the last successful write by this tool. */
  lastAppliedAt?: string;
  lastError?: { code: string; message: string; terminal: boolean; at: string; reconcileId: string };
  /** ISO-8601 time the condition last changed. */
  lastTransitionAt: string;
  lastReconcileId: string;
  backoff?: { failures: number; retryAt: string | null; waitingForInputChange: boolean };
  /**
   * The last change this daemon applied to the profile: reason Applied (the document changed) or
   * DriftCorrected (the account had changed outside git; `before` holds the values found), and
   * each field's path, before and after (credentials only as "(sensitive)").
   */
  lastChange?: { at: string; reconcileId: string; action: string; reason: ChangeReason; fields: FieldRecord[] };
}

export interface StatusUpdateContext {
  now: number;
  aborted: boolean;
  backoff: (name: string) => BackoffEntry | undefined;
  /** Inventory from the state file: lastAppliedAt and sourceFile survive restarts through it. */
  inventory?: Record<string, ManagedProfileRecord>;
}

export class ProfileStatusBook {
  #byName = new Map<string, ProfileStatus>();

  /** Replaces the book with the profiles of this pass's plan (profiles no longer planned drop out). */
  applyReport(report: ReconcileReport, ctx: StatusUpdateContext): void {
    this.#byName = this.#statuses(report, ctx);
  }

  /** Updates the profiles of a pass over some files (a PartialReport); every other profile keeps its status. */
  mergeReport(report: ReconcileReport, ctx: StatusUpdateContext): void {
    const updated = this.#statuses(report, ctx);
    // A create or update applied from a partial plan never drops a profile (it holds no delete).
    for (const change of report.plan.changes) this.#byName.delete(change.name);
    for (const [name, status] of updated) this.#byName.set(name, status);
  }

  #statuses(report: ReconcileReport, ctx: StatusUpdateContext): Map<string, ProfileStatus> {
    const at = new Date(ctx.now).toISOString();
    const outcomes = new Map(report.outcomes.map((o) => [o.name, o]));
    const next = new Map<string, ProfileStatus>();
    for (const change of report.plan.changes) {
      const outcome = outcomes.get(change.name);
      if (change.action === 'delete' && outcome?.result === 'applied') continue;
      const previous = this.#byName.get(change.name);
      const verdict = judge(change, outcome, previous, ctx.aborted);
      const record = ctx.inventory?.[change.name];
      const status: ProfileStatus = {
        name: change.name,
        condition: verdict.condition,
        reason: verdict.reason,
        message: verdict.message,
        sourceFile: change.source?.file ?? outcome?.source?.file ?? record?.sourceFile ?? previous?.sourceFile,
        lastAppliedAt: outcome?.result === 'applied' ? at : (record?.lastAppliedAt ?? previous?.lastAppliedAt),
        lastError: previous?.lastError,
        lastTransitionAt: previous && previous.condition === verdict.condition ? previous.lastTransitionAt : at,
        lastReconcileId: report.id,
      };
      if (outcome?.result === 'applied' && change.fields.length > 0) {
        status.lastChange = { at, reconcileId: report.id, action: change.action, reason: changeReason(change), fields: fieldRecords(change.fields) };
      } else if (previous?.lastChange) {
        status.lastChange = previous.lastChange;
      }
      if (verdict.condition === 'Failed' && (outcome?.error || change.action === 'error' || outcome?.result === 'blocked')) {
        status.lastError = {
          code: outcome?.error?.code ?? (change.action === 'error' ? 'plan.error' : 'blocked'),
          message: verdict.message,
          terminal: outcome?.error?.terminal ?? true,
          at,
          reconcileId: report.id,
        };
      }
      const entry = ctx.backoff(change.name);
      if (entry) {
        status.backoff = {
          failures: entry.failures,
          retryAt: Number.isFinite(entry.retryAt) ? new Date(entry.retryAt).toISOString() : null,
          waitingForInputChange: entry.terminal,
        };
      }
      next.set(change.name, status);
    }
    return next;
  }

  list(): ProfileStatus[] {
    return [...this.#byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  counts(): Record<ProfileCondition, number> {
    const counts: Record<ProfileCondition, number> = { Ready: 0, Failed: 0, Pending: 0 };
    for (const status of this.#byName.values()) counts[status.condition] += 1;
    return counts;
  }
}

interface Verdict {
  condition: ProfileCondition;
  reason: string;
  message: string;
}

function judge(change: PlannedChange, outcome: ProfileOutcome | undefined, previous: ProfileStatus | undefined, aborted: boolean): Verdict {
  if (change.action === 'error') {
    return { condition: 'Failed', reason: 'PlanError', message: change.reason ?? outcome?.error?.message ?? 'the profile cannot be planned' };
  }
  switch (outcome?.result) {
    case 'applied':
      if (change.drift) return { condition: 'Ready', reason: 'DriftCorrected', message: `drift corrected: ${change.fields.map((f) => f.path).join(', ')} restored to the document` };
      return { condition: 'Ready', reason: 'Applied', message: `${change.action} applied` };
    case 'unchanged':
      return { condition: 'Ready', reason: 'UpToDate', message: 'matches the desired state' };
    case 'failed':
      if (outcome.error?.code === 'aborted') return { condition: 'Pending', reason: 'Aborted', message: outcome.error.message };
      return { condition: 'Failed', reason: 'WriteFailed', message: outcome.error ? `${outcome.error.code}: ${outcome.error.message}` : `${change.action} failed` };
    case 'blocked':
      if (outcome.error?.code === POLICY_VIOLATION_CODE) return { condition: 'Failed', reason: 'PolicyViolation', message: outcome.error.message };
      return { condition: 'Failed', reason: 'Blocked', message: outcome.error?.message ?? change.reason ?? `${change.action} blocked` };
    case 'skipped':
    case undefined:
      break;
  }
  if (change.action === 'noop') return { condition: 'Ready', reason: 'UpToDate', message: 'matches the desired state' };
  // Not written this pass: keep a failure visible while it backs off; otherwise it is pending.
  if (previous?.condition === 'Failed') return { condition: 'Failed', reason: 'BackingOff', message: previous.message };
  if (aborted) return { condition: 'Pending', reason: 'Aborted', message: `${change.action} not attempted: shutting down` };
  return { condition: 'Pending', reason: 'Planned', message: `${change.action} pending` };
}
