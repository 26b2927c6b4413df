// The long-running loop: wires triggers (file watcher, jittered resync timer, manual requests,
// backoff expiry) to the single-flight scheduler, runs one reconcile per pass, and folds each
// report into per-profile backoff, status and metrics. The reconcile function is a parameter so
// the loop can be tested without AWS. The parts live next door, one job each:
//   scheduler.ts       single-flight pass queue (trigger coalescing)
//   manual-trigger-gate.ts  rate limit for POST /reconcile and SIGHUP
//   pass-timers.ts     resync, backoff wake-up and failed-pass retry timers
//   report-folding.ts  which profiles a pass writes; its report into backoff and metrics
//   daemon-status.ts   pass history behind /status and /readyz
//   daemon-status-view.ts  /status and /readyz assembled from the parts
//   daemon-options.ts  what a Daemon is built with (and its reconcile function)
//   error-summary.ts   errors as log fields
import { WritePause, type PauseState } from './write-pause.js';
import type { DaemonOptions } from './daemon-options.js';
import { randomUUID } from 'node:crypto';
import type { AwsCallObserver } from '../aws/ports.js';
import type { Logger } from '../logging/logger.js';
import type { ManagedProfileRecord } from '../model/types.js';
import { AwsReachability } from './aws-reachability.js';
import { ProfileBackoff } from './backoff.js';
import { systemClock, type Clock } from './clock.js';
import { PassHistory, profilesDirectoryWarning, type DaemonStatus } from './daemon-status.js';
import { readinessOf, statusOf, type Readiness } from './daemon-status-view.js';
import { errorSummary, PassError } from './error-summary.js';
import { DEFAULT_PASS_RETRY, DEFAULT_RESYNC_INTERVAL_MS, PassTimers } from './pass-timers.js';
import { ProfileStatusBook } from './profile-status.js';
import { watchProfiles, type ProfileWatcher } from './profile-watcher.js';
import { failingFilesOf, foldReport, unconvergedNames, writeScope } from './report-folding.js';
import type { ChangedFiles } from './partial-pass.js';
import { ManualTriggerGate } from './manual-trigger-gate.js';
import { ReconcileScheduler, type ReconcileRequest, type TriggerReason } from './scheduler.js';

// Names other modules import from here; they keep working after the split.
export { errorSummary } from './error-summary.js';
export { DEFAULT_PASS_RETRY, DEFAULT_RESYNC_INTERVAL_MS, RESYNC_JITTER, type PassRetryPolicy } from './pass-timers.js';
export type { DaemonStatus } from './daemon-status.js';
export type { DaemonOptions, DaemonReconcileFn } from './daemon-options.js';

const MAX_CONSECUTIVE_FOLLOW_UPS = 3;
/** More changed files than this at once (a checkout, an overflow of events): a full pass reads them all anyway. */
export const MAX_PARTIAL_PASS_FILES = 20;

export class Daemon {
  readonly #opts: DaemonOptions;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #scheduler: ReconcileScheduler;
  readonly #backoff: ProfileBackoff;
  readonly #timers: PassTimers;
  readonly #history = new PassHistory();
  readonly #book = new ProfileStatusBook();
  readonly #aws: AwsReachability;
  readonly #manual: ManualTriggerGate;
  #watcher: ProfileWatcher | undefined;
  #knownNames = new Set<string>();
  #sourceFiles = new Map<string, string>();
  /** Files changed since the last pass started (a pass over only these may do). */
  #changedFiles = new Set<string>();
  /** Files of profiles that could not be planned, and profiles that did not converge, as of the last passes. */
  #failingFiles = new Set<string>();
  #unconverged = new Set<string>();
  #reconciling = false;
  #followUps = 0;
  readonly #pause: WritePause;

  constructor(options: DaemonOptions) {
    this.#opts = options;
    this.#clock = options.clock ?? systemClock;
    const random = options.random ?? Math.random;
    this.#log = options.logger;
    this.#pause = options.pause ?? new WritePause(options.pauseFile);
    this.#backoff = new ProfileBackoff(options.backoff, random);
    this.#aws = new AwsReachability(() => this.#clock.now());
    this.#timers = new PassTimers({
      clock: this.#clock,
      random,
      resyncIntervalMs: options.resyncIntervalMs ?? DEFAULT_RESYNC_INTERVAL_MS,
      passRetry: { ...DEFAULT_PASS_RETRY, ...options.passRetry },
      request: (reason) => this.requestReconcile(reason),
    });
    const idle = options.idleCollection;
    this.#scheduler = new ReconcileScheduler((request) => (idle ? idle.around(() => this.#runPass(request)) : this.#runPass(request)), {
      onError: (err) => this.#log.error({ err: errorSummary(err) }, 'reconcile pass crashed'),
    });
    this.#manual = new ManualTriggerGate({
      clock: this.#clock,
      minIntervalMs: options.manualMinIntervalMs,
      release: (reasons) => {
        for (const reason of reasons) this.#scheduler.request(reason);
      },
    });
  }

  /** Pass to AwsSettings.observer: metrics plus the reachability check behind /readyz. */
  readonly awsObserver: AwsCallObserver = (call) => {
    this.#aws.observe(call);
    this.#opts.metrics?.observeAwsCall(call);
  };

  /** Starts the watcher and the resync timer, and requests the first pass. */
  async start(): Promise<void> {
    if (!this.#opts.pause) {
      await this.#pause.load();
      this.#opts.metrics?.setSuspended(this.#pause.suspended);
      if (this.#pause.suspended) this.#log.warn({ event: 'daemon.suspended', since: this.#pause.state().since }, 'writes are suspended (appflow-gitops resume lifts it)');
    }
    if (this.#opts.watchDir !== undefined && !this.#opts.externalWatch) {
      this.#watcher = watchProfiles({
        dir: this.#opts.watchDir,
        clock: this.#clock,
        debounceMs: this.#opts.watchDebounceMs,
        onChange: (paths) => this.filesChanged(paths),
        onError: (err) => this.#log.warn({ err: errorSummary(err) }, 'profile watcher error'),
      });
      await this.#watcher.ready;
      this.#log.info({ event: 'daemon.watch', dir: this.#opts.watchDir }, 'watching profiles directory');
    }
    this.#timers.armResync();
    this.requestReconcile('startup');
  }

  /**
   * Asks for a pass now (coalescing with any queued one). No trigger ends a profile's backoff:
   * only its expiry, a change to the profile's input or a restart does, so retries of a failing
   * profile stay paced however often passes are asked for.
   */
  requestReconcile(reason: TriggerReason): boolean {
    if (this.#scheduler.stopped) return false;
    this.#opts.metrics?.recordTrigger(reason);
    this.#log.debug({ trigger: reason }, 'reconcile requested');
    return this.#scheduler.request(reason);
  }

  /**
   * A trigger from outside (POST /reconcile, SIGHUP): rate limited by the manual-trigger gate, so a
   * flood costs at most one pass plus one follow-up per burst. Returns false once stopped.
   */
  requestManualReconcile(reason: 'http' | 'signal'): boolean {
    if (this.#scheduler.stopped) return false;
    this.#opts.metrics?.recordTrigger(reason);
    const outcome = this.#manual.request(reason);
    this.#log.debug({ trigger: reason, outcome }, 'reconcile requested');
    return true;
  }

  /** Pauses every write until resume(), persisted in the state directory. Passes keep reading and report drift. */
  async suspend(): Promise<PauseState> {
    const state = await this.#pause.suspend(this.#clock.now());
    this.#opts.metrics?.setSuspended(true);
    this.#log.warn({ event: 'daemon.suspended', since: state.since }, 'writes suspended');
    return state;
  }

  /** Lifts the pause and asks for a pass (through the manual-trigger gate). */
  async resume(): Promise<PauseState> {
    const state = await this.#pause.resume();
    this.#opts.metrics?.setSuspended(false);
    this.#log.info({ event: 'daemon.resumed' }, 'writes resumed');
    this.requestManualReconcile('http');
    return state;
  }

  /** Stops taking work and waits for the running pass (the caller bounds the wait). */
  async stop(): Promise<void> {
    this.#timers.cancelAll();
    this.#manual.cancel();
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

  readiness(): Readiness {
    return readinessOf(this.#history, this.#aws, this.#opts.leadership);
  }

  status(): DaemonStatus {
    const { resyncAt, passRetryAt } = this.#timers;
    return statusOf({
      readiness: this.readiness(),
      history: this.#history,
      aws: this.#aws,
      reconciling: this.#reconciling,
      reconcileQueued: this.#scheduler.queued || this.#manual.waiting,
      resyncAt,
      passRetryAt,
      suspended: this.#pause.suspended ? this.#pause.state() : undefined,
      profiles: this.#book.list(),
      leadership: this.#opts.leadership,
    });
  }

  /** Files under the profiles directory changed (paths relative to it): a pass, and their profiles leave backoff. */
  filesChanged(paths: string[]): void {
    const changed = new Set(paths);
    // An edited file is a changed input: its profiles get another chance right away.
    for (const [name, file] of this.#sourceFiles) if (changed.has(file)) this.#backoff.clear(name);
    for (const path of paths) this.#changedFiles.add(path);
    this.#log.info({ event: 'daemon.files-changed', files: paths.slice(0, 20), fileCount: paths.length }, 'profile files changed');
    this.requestReconcile('watch');
  }

  async #runPass(request: ReconcileRequest): Promise<void> {
    // Taken now, before any await: a file changed from here on asks for the next pass.
    const changed = this.#takeChangedFiles(request.reasons);
    if (this.#opts.leadership && !this.#opts.leadership.isLeader()) {
      // A standby touches neither AppFlow nor Secrets Manager: the leader reconciles.
      this.#log.debug({ event: 'daemon.pass.standby', triggers: request.reasons }, 'standby: pass skipped');
      return;
    }
    return this.#runLeaderPass(request, changed);
  }

  /**
   * The changed files when this pass may cover only them: it was asked for by file events alone,
   * a few files, after a full pass that completed. Anything else (startup, resync, a manual or
   * backoff trigger, a pass that failed, an overflow of events) is a full pass.
   */
  #takeChangedFiles(reasons: readonly TriggerReason[]): ChangedFiles | undefined {
    const files = [...this.#changedFiles].sort();
    this.#changedFiles.clear();
    if (this.#opts.partialPasses === false || files.length === 0 || files.length > MAX_PARTIAL_PASS_FILES) return undefined;
    if (!reasons.every((r) => r === 'watch') || !this.#history.firstReconcileDone || this.#history.consecutiveFailures > 0) return undefined;
    const fileSet = new Set(files);
    const othersConverged = [...this.#unconverged].every((name) => fileSet.has(this.#sourceFiles.get(name) ?? '\0'));
    return { files, sourceFiles: this.#sourceFiles, failingFiles: this.#failingFiles, othersConverged };
  }

  async #runLeaderPass({ reasons, signal }: ReconcileRequest, changed: ChangedFiles | undefined): Promise<void> {
    // A pause kept in the shared state may have been set or lifted through another replica.
    await this.#pause.refresh();
    const reconcileId = randomUUID().slice(0, 8);
    const startedAt = this.#clock.now();
    this.#manual.passStarted(reasons, startedAt);
    const blocked = this.#backoff.blockedNames(startedAt);
    const onlyNames = writeScope({ suspended: this.#pause.suspended, blocked, knownNames: this.#knownNames });
    const log = this.#log.child({ reconcileId });
    log.info({ event: 'daemon.pass.start', triggers: reasons, backingOff: [...blocked].sort() }, 'reconcile pass started');
    this.#reconciling = true;
    this.#opts.metrics?.setReconcileInProgress(true);
    try {
      const report = await this.#opts.reconcile({ signal, reconcileId, onlyNames, ...(changed ? { changed } : {}) });
      const scope = 'scope' in report ? report.scope : undefined;
      this.#history.recordRevision(report);
      if (report.revision !== undefined) this.#opts.metrics?.setRevision(report.plan.target, report.revision, report.ok);
      // reconcileOnce reports a pass that failed as a whole (state unreadable, AWS unreachable
      // while observing) in report.error rather than throwing: same handling as a throw.
      if (report.error) throw new PassError(report.error.code, report.error.message);
      const finishedAt = this.#clock.now();
      const inventory = await this.#readInventory(report.plan.target);
      const folded = foldReport(report, { backoff: this.#backoff, metrics: this.#opts.metrics, onlyNames, aborted: signal.aborted, now: this.#clock.now(), log, partial: scope !== undefined });
      const statusContext = { now: finishedAt, aborted: signal.aborted, backoff: (name: string) => this.#backoff.get(name), inventory };
      if (scope) {
        // A pass over some files: what it saw replaces only what is known of those files' profiles.
        for (const name of folded.knownNames) this.#knownNames.add(name);
        for (const [name, file] of folded.sourceFiles) this.#sourceFiles.set(name, file);
        for (const change of report.plan.changes) this.#unconverged.delete(change.name);
        for (const file of scope.files) this.#failingFiles.delete(file);
        for (const name of unconvergedNames(report)) this.#unconverged.add(name);
        for (const file of failingFilesOf(report)) this.#failingFiles.add(file);
        this.#book.mergeReport(report, statusContext);
      } else {
        this.#knownNames = folded.knownNames;
        this.#sourceFiles = folded.sourceFiles;
        this.#unconverged = unconvergedNames(report);
        this.#failingFiles = failingFilesOf(report);
        this.#book.applyReport(report, statusContext);
      }
      this.#opts.metrics?.setProfileConditions(this.#book.counts());
      this.#opts.metrics?.setBackoffProfiles(this.#backoff.size);
      const directoryWarning = profilesDirectoryWarning(report, this.#opts.watchDir);
      const result = this.#history.recordCompleted({ id: reconcileId, reasons, startedAt, finishedAt }, report, directoryWarning, scope);
      if (report.profilesDirectory !== undefined) this.#opts.metrics?.setProfilesDirectoryOk(report.profilesDirectory === 'ok');
      if (directoryWarning) {
        // Every pass, not once: the condition is as current as the pass, and a log reader who
        // arrives late still sees why nothing is being created or updated.
        log.warn({ event: 'daemon.profiles-directory', dir: this.#opts.watchDir, status: report.profilesDirectory }, directoryWarning);
      }
      this.#opts.metrics?.recordReconcile(result, (finishedAt - startedAt) / 1000, finishedAt);
      log.info(
        { event: 'daemon.pass', result, durationMs: finishedAt - startedAt, summary: report.plan.summary, conditions: this.#book.counts(), backingOff: this.#backoff.size, ...(scope ? { files: scope.files } : {}) },
        'reconcile pass done',
      );
      // Follow-ups are bounded: should a profile keep coming back as "new", the loop falls back to
      // the normal triggers instead of spinning.
      this.#followUps = reasons.every((r) => r === 'followup') ? this.#followUps + 1 : 0;
      if (folded.followUp && !signal.aborted && !this.#pause.suspended) {
        if (this.#followUps < MAX_CONSECUTIVE_FOLLOW_UPS) this.requestReconcile('followup');
        else log.warn({ event: 'daemon.followup-limit' }, 'follow-up pass limit reached; waiting for the next trigger');
      }
    } catch (err) {
      const finishedAt = this.#clock.now();
      const summary = errorSummary(err);
      this.#history.recordError({ id: reconcileId, reasons, startedAt, finishedAt }, summary.message, signal.aborted);
      this.#opts.metrics?.recordReconcile('error', (finishedAt - startedAt) / 1000, finishedAt);
      const retryInMs = this.#scheduler.stopped ? undefined : this.#timers.armPassRetry(this.#history.consecutiveFailures);
      log.error(
        { event: 'daemon.pass', result: 'error', err: summary, durationMs: finishedAt - startedAt, consecutiveFailures: this.#history.consecutiveFailures, retryInMs: retryInMs ?? null },
        `reconcile pass failed: ${summary.message}${retryInMs === undefined ? '' : ` (retry in ${Math.round(retryInMs / 1000)} s)`}`,
      );
    } finally {
      this.#reconciling = false;
      this.#opts.metrics?.setReconcileInProgress(false);
      if (!this.#scheduler.stopped) {
        this.#timers.armResync();
        this.#timers.armBackoffWakeup(this.#backoff.nextRetryAt(this.#clock.now()));
        if (this.#history.consecutiveFailures === 0) this.#timers.armPassRetry(0); // cancels a pending retry
      }
    }
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
