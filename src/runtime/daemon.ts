// The long-running loop: wires triggers (file watcher, jittered resync timer, manual requests,
// backoff expiry) to the single-flight scheduler, runs one reconcile per pass, and folds each
// report into per-profile backoff, status and metrics. The reconcile function is a parameter so
// the loop can be tested without AWS.
import { createHash, randomUUID } from 'node:crypto';
import type { AwsCallObserver } from '../aws/ports.js';
import type { Logger } from '../logging/logger.js';
import type { ManagedProfileRecord, PlanAction } from '../model/types.js';
import type { ReconcileReport } from '../reconcile/types.js';
import type { DaemonMetrics } from '../server/metrics.js';
import { AwsReachability } from './aws-reachability.js';
import { ProfileBackoff, type BackoffPolicy } from './backoff.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { withJitter } from './duration.js';
import { ProfileStatusBook, type ProfileStatus } from './profile-status.js';
import { watchProfiles, type ProfileWatcher } from './profile-watcher.js';
import { ReconcileScheduler, type ReconcileRequest, type TriggerReason } from './scheduler.js';

export type DaemonReconcileFn = (options: {
  signal: AbortSignal;
  reconcileId: string;
  onlyNames?: ReadonlySet<string>;
}) => Promise<ReconcileReport>;

export const DEFAULT_RESYNC_INTERVAL_MS = 5 * 60_000;
export const RESYNC_JITTER = 0.1;

/**
 * Retry of a pass that failed as a whole (AWS unreachable, state unreadable). Waiting the full
 * resync interval would keep /readyz at 503 for minutes after AWS came back, so a failed pass is
 * retried sooner: 5 s, doubling per consecutive failure, capped at 2 min and never later than half
 * the interval, ±10% jitter. One successful pass resets it. The retry is only a request to the
 * single-flight scheduler, so it coalesces with every other trigger.
 */
export interface PassRetryPolicy {
  initialMs: number;
  maxMs: number;
}
export const DEFAULT_PASS_RETRY: PassRetryPolicy = { initialMs: 5_000, maxMs: 2 * 60_000 };
const PASS_RETRY_JITTER = 0.1;

export interface DaemonOptions {
  reconcile: DaemonReconcileFn;
  logger: Logger;
  metrics?: DaemonMetrics;
  /** Profiles directory to watch; no watcher when undefined. */
  watchDir?: string;
  /** Periodic resync interval (±10% jitter). */
  resyncIntervalMs?: number;
  clock?: Clock;
  random?: () => number;
  backoff?: Partial<BackoffPolicy>;
  /** Retry delays after a pass that failed as a whole (see DEFAULT_PASS_RETRY). */
  passRetry?: Partial<PassRetryPolicy>;
  watchDebounceMs?: number;
  /** Inventory from the state file, read after each pass for lastAppliedAt/sourceFile. */
  readInventory?: (target: string) => Promise<Record<string, ManagedProfileRecord> | undefined>;
}

export interface DaemonStatus {
  ready: boolean;
  checks: { firstReconcileDone: boolean; awsReachable: boolean };
  reconciling: boolean;
  lastReconcile?: {
    id: string;
    result: 'success' | 'failure' | 'error';
    triggers: TriggerReason[];
    startedAt: string;
    durationMs: number;
    summary?: Record<PlanAction, number>;
    error?: string;
  };
  lastSuccessfulReconcileAt?: string;
  nextResyncAt?: string;
  /** Set after a pass failed as a whole: when it is retried, and how many passes failed in a row. */
  passRetry?: { consecutiveFailures: number; nextRetryAt: string };
  lastAwsError?: { service: string; operation: string; code: string; at: string };
  warnings: string[];
  profiles: ProfileStatus[];
}

const MAX_CONSECUTIVE_FOLLOW_UPS = 3;
/** The executor's code for a write abandoned because the pass was stopped (not a failure of the profile). */
const ABORTED_CODE = 'aborted';
const DRIFT_ACTIONS: PlanAction[] = ['create', 'update', 'replace', 'delete'];

export class Daemon {
  readonly #opts: DaemonOptions;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #log: Logger;
  readonly #scheduler: ReconcileScheduler;
  readonly #backoff: ProfileBackoff;
  readonly #book = new ProfileStatusBook();
  readonly #aws: AwsReachability;
  #watcher: ProfileWatcher | undefined;
  #resyncTimer: TimerHandle | undefined;
  #resyncAt: number | undefined;
  #backoffTimer: TimerHandle | undefined;
  #passRetryTimer: TimerHandle | undefined;
  #passRetryAt: number | undefined;
  #consecutivePassErrors = 0;
  #knownNames = new Set<string>();
  #sourceFiles = new Map<string, string>();
  #firstReconcileDone = false;
  #lastReconcile: DaemonStatus['lastReconcile'];
  #lastSuccessAt: number | undefined;
  #warnings: string[] = [];
  #reconciling = false;
  #followUps = 0;

  constructor(options: DaemonOptions) {
    this.#opts = options;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#log = options.logger;
    this.#backoff = new ProfileBackoff(options.backoff, this.#random);
    this.#aws = new AwsReachability(() => this.#clock.now());
    this.#scheduler = new ReconcileScheduler((request) => this.#runPass(request), {
      onError: (err) => this.#log.error({ err: errorSummary(err) }, 'reconcile pass crashed'),
    });
  }

  /** Pass to AwsSettings.observer: metrics plus the reachability check behind /readyz. */
  readonly awsObserver: AwsCallObserver = (call) => {
    this.#aws.observe(call);
    this.#opts.metrics?.observeAwsCall(call);
  };

  /** Starts the watcher and the resync timer, and requests the first pass. */
  async start(): Promise<void> {
    if (this.#opts.watchDir !== undefined) {
      this.#watcher = watchProfiles({
        dir: this.#opts.watchDir,
        clock: this.#clock,
        debounceMs: this.#opts.watchDebounceMs,
        onChange: (paths) => this.#onFilesChanged(paths),
        onError: (err) => this.#log.warn({ err: errorSummary(err) }, 'profile watcher error'),
      });
      await this.#watcher.ready;
      this.#log.info({ event: 'daemon.watch', dir: this.#opts.watchDir }, 'watching profiles directory');
    }
    this.#armResync();
    this.requestReconcile('startup');
  }

  /** Asks for a pass. Manual triggers (signal, http) also end timed backoff: the operator asked for a retry now. */
  requestReconcile(reason: TriggerReason): boolean {
    if (this.#scheduler.stopped) return false;
    if (reason === 'signal' || reason === 'http') {
      for (const name of this.#backoff.blockedNames(this.#clock.now())) {
        if (!this.#backoff.get(name)?.terminal) this.#backoff.clear(name);
      }
    }
    this.#opts.metrics?.recordTrigger(reason);
    this.#log.debug({ trigger: reason }, 'reconcile requested');
    return this.#scheduler.request(reason);
  }

  /** Stops taking work and waits for the running pass (the caller bounds the wait). */
  async stop(): Promise<void> {
    this.#resyncTimer?.cancel();
    this.#backoffTimer?.cancel();
    this.#passRetryTimer?.cancel();
    this.#passRetryAt = undefined;
    const closing = this.#watcher?.close();
    await this.#scheduler.stop();
    await closing;
  }

  whenIdle(): Promise<void> {
    return this.#scheduler.whenIdle();
  }

  get passes(): number {
    return this.#scheduler.passes;
  }

  readiness(): { ready: boolean; checks: DaemonStatus['checks'] } {
    const checks = { firstReconcileDone: this.#firstReconcileDone, awsReachable: this.#aws.reachable !== false };
    return { ready: checks.firstReconcileDone && checks.awsReachable, checks };
  }

  status(): DaemonStatus {
    const { ready, checks } = this.readiness();
    const awsError = this.#aws.lastError;
    return {
      ready,
      checks,
      reconciling: this.#reconciling,
      lastReconcile: this.#lastReconcile,
      lastSuccessfulReconcileAt: this.#lastSuccessAt === undefined ? undefined : new Date(this.#lastSuccessAt).toISOString(),
      nextResyncAt: this.#resyncAt === undefined ? undefined : new Date(this.#resyncAt).toISOString(),
      passRetry:
        this.#passRetryAt === undefined
          ? undefined
          : { consecutiveFailures: this.#consecutivePassErrors, nextRetryAt: new Date(this.#passRetryAt).toISOString() },
      lastAwsError: awsError && { ...awsError, at: new Date(awsError.at).toISOString() },
      warnings: this.#warnings,
      profiles: this.#book.list(),
    };
  }

  #onFilesChanged(paths: string[]): void {
    const changed = new Set(paths);
    // An edited file is a changed input: its profiles get another chance right away.
    for (const [name, file] of this.#sourceFiles) if (changed.has(file)) this.#backoff.clear(name);
    this.#log.info({ event: 'daemon.files-changed', files: paths.slice(0, 20), fileCount: paths.length }, 'profile files changed');
    this.requestReconcile('watch');
  }

  #armResync(): void {
    this.#resyncTimer?.cancel();
    const delay = withJitter(this.#opts.resyncIntervalMs ?? DEFAULT_RESYNC_INTERVAL_MS, RESYNC_JITTER, this.#random);
    this.#resyncAt = this.#clock.now() + delay;
    this.#resyncTimer = this.#clock.setTimer(() => this.requestReconcile('resync'), delay);
  }

  #armBackoffWakeup(): void {
    this.#backoffTimer?.cancel();
    this.#backoffTimer = undefined;
    const now = this.#clock.now();
    const next = this.#backoff.nextRetryAt(now);
    if (next !== undefined) this.#backoffTimer = this.#clock.setTimer(() => this.requestReconcile('backoff'), next - now);
  }

  /** After a failed pass: a retry sooner than the resync (see DEFAULT_PASS_RETRY). Cleared by a good pass. */
  #armPassRetry(): number | undefined {
    this.#passRetryTimer?.cancel();
    this.#passRetryTimer = undefined;
    this.#passRetryAt = undefined;
    if (this.#consecutivePassErrors === 0) return undefined;
    const policy = { ...DEFAULT_PASS_RETRY, ...this.#opts.passRetry };
    const interval = this.#opts.resyncIntervalMs ?? DEFAULT_RESYNC_INTERVAL_MS;
    const cap = Math.min(policy.maxMs, interval / 2);
    const base = policy.initialMs * 2 ** Math.min(this.#consecutivePassErrors - 1, 30);
    const delay = Math.max(1, Math.round(Math.min(cap, withJitter(Math.min(base, cap), PASS_RETRY_JITTER, this.#random))));
    this.#passRetryAt = this.#clock.now() + delay;
    this.#passRetryTimer = this.#clock.setTimer(() => this.requestReconcile('backoff'), delay);
    return delay;
  }

  async #runPass({ reasons, signal }: ReconcileRequest): Promise<void> {
    const reconcileId = randomUUID().slice(0, 8);
    const startedAt = this.#clock.now();
    const blocked = this.#backoff.blockedNames(startedAt);
    // Backed-off profiles are left out by naming everyone else. A profile added since the last
    // pass is not known yet and gets skipped too; the follow-up pass below picks it up.
    const onlyNames = blocked.size > 0 ? new Set([...this.#knownNames].filter((n) => !blocked.has(n))) : undefined;
    const log = this.#log.child({ reconcileId });
    log.info({ event: 'daemon.pass.start', triggers: reasons, backingOff: [...blocked].sort() }, 'reconcile pass started');
    this.#reconciling = true;
    this.#opts.metrics?.setReconcileInProgress(true);
    try {
      const report = await this.#opts.reconcile({ signal, reconcileId, onlyNames });
      // reconcileOnce reports a pass that failed as a whole (state unreadable, AWS unreachable
      // while observing) in report.error rather than throwing: same handling as a throw.
      if (report.error) throw new PassError(report.error.code, report.error.message);
      const finishedAt = this.#clock.now();
      const inventory = await this.#readInventory(report.plan.target);
      const followUp = this.#foldReport(report, { onlyNames, aborted: signal.aborted, log });
      this.#book.applyReport(report, { now: finishedAt, aborted: signal.aborted, backoff: (name) => this.#backoff.get(name), inventory });
      this.#opts.metrics?.setProfileConditions(this.#book.counts());
      this.#opts.metrics?.setBackoffProfiles(this.#backoff.size);
      const result = report.ok ? 'success' : 'failure';
      this.#firstReconcileDone = true;
      // The pass as a whole worked (profile failures have their own backoff): normal interval again.
      this.#consecutivePassErrors = 0;
      if (report.ok) this.#lastSuccessAt = finishedAt;
      this.#lastReconcile = {
        id: reconcileId,
        result,
        triggers: reasons,
        startedAt: new Date(startedAt).toISOString(),
        durationMs: finishedAt - startedAt,
        summary: report.plan.summary,
      };
      const directoryWarning = this.#profilesDirectoryWarning(report);
      if (directoryWarning) {
        // Every pass, not once: the condition is as current as the pass, and a log reader who
        // arrives late still sees why nothing is being created or updated.
        log.warn({ event: 'daemon.profiles-directory', dir: this.#opts.watchDir, status: report.profilesDirectory }, directoryWarning);
      }
      this.#warnings = [...new Set([...(directoryWarning ? [directoryWarning] : []), ...report.plan.warnings, ...report.warnings])];
      this.#opts.metrics?.recordReconcile(result, (finishedAt - startedAt) / 1000, finishedAt);
      log.info(
        { event: 'daemon.pass', result, durationMs: finishedAt - startedAt, summary: report.plan.summary, conditions: this.#book.counts(), backingOff: this.#backoff.size },
        'reconcile pass done',
      );
      // Follow-ups are bounded: should a profile keep coming back as "new", the loop falls back to
      // the normal triggers instead of spinning.
      this.#followUps = reasons.every((r) => r === 'followup') ? this.#followUps + 1 : 0;
      if (followUp && !signal.aborted) {
        if (this.#followUps < MAX_CONSECUTIVE_FOLLOW_UPS) this.requestReconcile('followup');
        else log.warn({ event: 'daemon.followup-limit' }, 'follow-up pass limit reached; waiting for the next trigger');
      }
    } catch (err) {
      const finishedAt = this.#clock.now();
      const summary = errorSummary(err);
      // A pass stopped by shutdown is not a failure worth retrying.
      if (!signal.aborted) this.#consecutivePassErrors += 1;
      this.#lastReconcile = {
        id: reconcileId,
        result: 'error',
        triggers: reasons,
        startedAt: new Date(startedAt).toISOString(),
        durationMs: finishedAt - startedAt,
        error: summary.message,
      };
      this.#opts.metrics?.recordReconcile('error', (finishedAt - startedAt) / 1000, finishedAt);
      const retryInMs = this.#scheduler.stopped ? undefined : this.#armPassRetry();
      log.error(
        { event: 'daemon.pass', result: 'error', err: summary, durationMs: finishedAt - startedAt, consecutiveFailures: this.#consecutivePassErrors, retryInMs: retryInMs ?? null },
        `reconcile pass failed: ${summary.message}${retryInMs === undefined ? '' : ` (retry in ${Math.round(retryInMs / 1000)} s)`}`,
      );
    } finally {
      this.#reconciling = false;
      this.#opts.metrics?.setReconcileInProgress(false);
      if (!this.#scheduler.stopped) {
        this.#armResync();
        this.#armBackoffWakeup();
        if (this.#consecutivePassErrors === 0) this.#armPassRetry(); // cancels a pending retry
      }
    }
  }

  /** Updates backoff and write metrics from a report; true when another pass is needed now. */
  #foldReport(
    report: ReconcileReport,
    ctx: { onlyNames: ReadonlySet<string> | undefined; aborted: boolean; log: Logger },
  ): boolean {
    const now = this.#clock.now();
    let followUp = false;
    const inputKeys = new Map<string, string>();
    this.#knownNames = new Set();
    this.#sourceFiles = new Map();
    for (const change of report.plan.changes) {
      const key = inputKey(change.desired?.document, change.credentialsFingerprint);
      inputKeys.set(change.name, key);
      this.#knownNames.add(change.name);
      if (change.source?.file) this.#sourceFiles.set(change.name, change.source.file);
      // A terminal failure waits for its input to change (file edit or rotated secret).
      if (this.#backoff.releaseIfInputChanged(change.name, key)) {
        ctx.log.info({ profile: change.name }, 'profile input changed: backoff released');
        followUp = true;
      }
    }
    // Profiles that left the plan (file deleted) leave backoff too.
    for (const name of this.#backoff.names()) if (!inputKeys.has(name)) this.#backoff.clear(name);

    for (const action of DRIFT_ACTIONS) this.#opts.metrics?.recordDrift(action, report.plan.changes.filter((c) => c.action === action).length);

    // The executor logs one event per profile decision; the daemon adds its own decisions (backoff).
    for (const outcome of report.outcomes) {
      if (outcome.result === 'applied' || outcome.result === 'unchanged') {
        this.#backoff.clear(outcome.name);
      } else if (outcome.result === 'failed' && outcome.action !== 'error' && outcome.error?.code !== ABORTED_CODE) {
        const entry = this.#backoff.recordFailure(outcome.name, { terminal: outcome.error?.terminal ?? false, inputKey: inputKeys.get(outcome.name) }, now);
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
      } else if (outcome.result === 'skipped' && ctx.onlyNames && !ctx.onlyNames.has(outcome.name) && !this.#backoff.get(outcome.name) && !ctx.aborted) {
        followUp = true; // new since the last pass, left out by onlyNames
      }
      if (outcome.result === 'applied' || outcome.result === 'failed' || outcome.result === 'blocked') {
        if (outcome.action !== 'error') this.#opts.metrics?.recordWrite(outcome.action, outcome.result);
      }
    }
    return followUp;
  }

  /**
   * A missing, unreadable or empty profiles directory is a warning, not a readiness failure: the
   * daemon itself works (it reads, observes and reports), the prune guards keep every managed
   * profile, and a directory that is filled later (git-sync's first clone) is picked up by the
   * watcher or the next resync. Failing /readyz would instead restart or unroute a pod that is behaving correctly.
   */
  #profilesDirectoryWarning(report: ReconcileReport): string | undefined {
    const status = report.profilesDirectory;
    if (status === undefined || status === 'ok') return undefined;
    const dir = this.#opts.watchDir === undefined ? 'the profiles directory' : `profiles directory ${this.#opts.watchDir}`;
    const what = status === 'empty' ? 'is empty (no profile files)' : `is ${status}`;
    return `${dir} ${what}: no profile document was read, so nothing is created or updated; managed profiles are not deleted unless --prune --allow-empty`;
  }

  async #readInventory(target: string): Promise<Record<string, ManagedProfileRecord> | undefined> {
    if (!this.#opts.readInventory) return undefined;
    try {
      return await this.#opts.readInventory(target);
    } catch {
      return undefined; // /status then falls back to what this process saw
    }
  }
}

class PassError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PassError';
  }
}

function inputKey(document: unknown, credentialsFingerprint: string | undefined): string {
  return createHash('sha256')
    .update(JSON.stringify(document ?? null))
    .update('\0')
    .update(credentialsFingerprint ?? '')
    .digest('hex');
}

/** Message and code only: stack traces stay out of the logs users read. */
export function errorSummary(err: unknown): { message: string; code?: string; name?: string } {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { message: err.message, name: err.name, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { message: String(err) };
}
