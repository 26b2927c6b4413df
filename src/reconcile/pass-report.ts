// A pass's ReconcileReport and its closing `reconcile.finished` log line, built the same way by
// every kind of pass: the single-target pass (reconcile-once.ts), each target's pass of a fleet
// (reconcile-targets.ts) and the daemon's pass over changed files (src/runtime/partial-pass.ts).
import { performance } from 'node:perf_hooks';
import type { Logger } from '../logging/logger.js';
import type { DirectoryStatus, Plan } from '../model/types.js';
import type { ProfileOutcome, ReconcileReport } from './types.js';

export interface PassReportParts {
  id: string;
  revision?: string | undefined;
  plan: Plan;
  outcomes: ProfileOutcome[];
  /** Whether the pass converged (each caller knows what else its verdict covers). */
  ok: boolean;
  startedAt: string;
  /** performance.now() when the pass started. */
  started: number;
  warnings: string[];
  error?: ReconcileReport['error'] | undefined;
  profilesDirectory?: DirectoryStatus | undefined;
}

export function buildPassReport(parts: PassReportParts): ReconcileReport {
  return {
    id: parts.id,
    ...(parts.revision !== undefined ? { revision: parts.revision } : {}),
    plan: parts.plan,
    outcomes: parts.outcomes,
    ok: parts.ok,
    startedAt: parts.startedAt,
    durationMs: Math.round(performance.now() - parts.started),
    warnings: parts.warnings,
    ...(parts.error ? { error: parts.error } : {}),
    ...(parts.profilesDirectory ? { profilesDirectory: parts.profilesDirectory } : {}),
  };
}

/** The pass's last log line; `extra` fields go before the error code (e.g. the files of a partial pass). */
export function logPassFinished(logger: Logger, report: ReconcileReport, messages: { ok: string; failed: string }, extra: Record<string, unknown> = {}): void {
  logger.info(
    { event: 'reconcile.finished', ok: report.ok, durationMs: report.durationMs, summary: report.plan.summary, ...extra, ...(report.error ? { errorCode: report.error.code } : {}) },
    report.ok ? messages.ok : messages.failed,
  );
}
