// Which profiles a pass may write (writeScope), and after it: folds the pass's report into
// per-profile backoff and the write/drift metrics, and says whether another pass is needed right
// away (a released backoff, or a profile that is new since the last pass and was left out by the
// pass's name filter).
import { createHash } from 'node:crypto';
import type { Logger } from '../logging/logger.js';
import type { Plan, PlanAction, PlannedChange } from '../model/types.js';
import { converged } from '../reconcile/converged.js';
import type { ReconcileReport } from '../reconcile/types.js';
import type { TargetMetrics } from '../server/metrics.js';
import type { ProfileBackoff } from './backoff.js';

/** The executor's code for a write abandoned because the pass was stopped (not a failure of the profile). */
const ABORTED_CODE = 'aborted';
/**
 * A write refused because this replica could not prove its lease (shared state) is not the
 * profile's failure: no backoff; the next pass of whoever leads retries it at once.
 */
const LEASE_CODES = new Set(['lease.not-held', 'state.fenced']);
const DRIFT_ACTIONS: PlanAction[] = ['create', 'update', 'replace', 'delete'];

export interface FoldContext {
  backoff: ProfileBackoff;
  metrics: TargetMetrics | undefined;
  /** The name filter the pass ran with (undefined: every profile). */
  onlyNames: ReadonlySet<string> | undefined;
  aborted: boolean;
  now: number;
  log: Logger;
  /** The report covers some files only (a PartialReport): profiles outside it keep their backoff. */
  partial?: boolean;
}

export interface FoldResult {
  /** True when another pass is needed now. */
  followUp: boolean;
  /** Every profile name in the plan: the next pass's name filter is built from these. */
  knownNames: Set<string>;
  /** Profile name → its source file, so a file edit can release that profile's backoff. */
  sourceFiles: Map<string, string>;
}

export function foldReport(report: ReconcileReport, ctx: FoldContext): FoldResult {
  const { backoff, metrics, now } = ctx;
  let followUp = false;
  // The last change planned under each name (a name planned twice is an error change either way).
  const changeByName = new Map<string, PlannedChange>();
  const knownNames = new Set<string>();
  const sourceFiles = new Map<string, string>();
  for (const change of report.plan.changes) {
    changeByName.set(change.name, change);
    knownNames.add(change.name);
    if (change.source?.file) sourceFiles.set(change.name, change.source.file);
  }
  // Only a profile with a backoff entry has an input to compare: the digest is taken for those
  // alone, not for every profile of every pass (a JSON text and a SHA-256 per profile).
  const inputKeyOf = (name: string) => {
    const change = changeByName.get(name);
    return change ? inputKey(change.desired?.document, change.credentialsFingerprint) : undefined;
  };
  for (const name of backoff.names()) {
    if (!changeByName.has(name)) continue;
    // A terminal failure waits for its input to change (file edit or rotated secret).
    if (backoff.releaseIfInputChanged(name, inputKeyOf(name))) {
      ctx.log.info({ profile: name }, 'profile input changed: backoff released');
      followUp = true;
    }
  }
  // Profiles that left the plan (file deleted) leave backoff too.
  if (!ctx.partial) for (const name of backoff.names()) if (!changeByName.has(name)) backoff.clear(name);

  for (const action of DRIFT_ACTIONS) metrics?.recordDrift(action, report.plan.changes.filter((c) => c.action === action).length);

  // The executor logs one event per profile decision; the daemon adds its own decisions (backoff).
  for (const outcome of report.outcomes) {
    if (outcome.result === 'applied' || outcome.result === 'unchanged') {
      backoff.clear(outcome.name);
    } else if (
      outcome.result === 'failed' &&
      outcome.action !== 'error' &&
      outcome.error?.code !== ABORTED_CODE &&
      !LEASE_CODES.has(outcome.error?.code ?? '')
    ) {
      const entry = backoff.recordFailure(outcome.name, { terminal: outcome.error?.terminal ?? false, inputKey: inputKeyOf(outcome.name) }, now);
      ctx.log.warn(
        {
          event: 'daemon.backoff',
          profile: outcome.name,
          action: outcome.action,
          errorCode: outcome.error?.code,
          failures: entry.failures,
          retryInMs: Number.isFinite(entry.retryAt) ? entry.retryAt - now : null,
          waitingForInputChange: entry.terminal,
        },
        entry.terminal ? `${outcome.name}: rejected by AWS, waiting for a change to its file or secret` : `${outcome.name}: backing off`,
      );
    } else if (outcome.result === 'skipped' && ctx.onlyNames && !ctx.onlyNames.has(outcome.name) && !backoff.get(outcome.name) && !ctx.aborted) {
      followUp = true; // new since the last pass, left out by onlyNames
    }
    if (outcome.result === 'applied' || outcome.result === 'failed' || outcome.result === 'blocked') {
      if (outcome.action !== 'error') metrics?.recordWrite(outcome.action, outcome.result);
    }
  }
  return { followUp, knownNames, sourceFiles };
}

/** Profiles of the report that did not converge, by the rule a whole pass's `ok` follows (converged.ts). */
export function unconvergedNames(report: ReconcileReport): Set<string> {
  const names = new Set(report.plan.changes.filter((c) => c.action === 'error').map((c) => c.name));
  for (const outcome of report.outcomes) if (!converged(NOTHING_PLANNED, [outcome])) names.add(outcome.name);
  return names;
}

/** Files holding a profile that could not be planned (a parse error, an invalid document, a clash). */
export function failingFilesOf(report: ReconcileReport): Set<string> {
  const files = new Set<string>();
  for (const change of report.plan.changes) if (change.action === 'error' && change.source?.file) files.add(change.source.file);
  return files;
}

const NOTHING_PLANNED: Plan = { target: '', changes: [], warnings: [], summary: { create: 0, update: 0, replace: 0, delete: 0, noop: 0, error: 0 } };

/** Digest of what a profile's write is made of: a terminal failure waits for this to change. */
function inputKey(document: unknown, credentialsFingerprint: string | undefined): string {
  return createHash('sha256')
    .update(JSON.stringify(document ?? null))
    .update('\0')
    .update(credentialsFingerprint ?? '')
    .digest('hex');
}

/**
 * Which profiles a pass may write: every one (undefined) unless some are backing off, which are
 * left out by naming everyone else. A profile added since the last pass is not known yet and is
 * skipped too; the follow-up pass picks it up. Suspended: the pass reads, plans and reports
 * drift, but every write is skipped.
 */
export function writeScope({ suspended, blocked, knownNames }: { suspended: boolean; blocked: ReadonlySet<string>; knownNames: ReadonlySet<string> }): ReadonlySet<string> | undefined {
  if (suspended) return new Set<string>();
  return blocked.size > 0 ? new Set([...knownNames].filter((n) => !blocked.has(n))) : undefined;
}
