// Prometheus metrics of the daemon, on a dedicated Registry (never prom-client's global one, so
// tests and embedding code can run several daemons in one process). Names follow Flux's
// `gotk_reconcile_*` and Crossplane's managed-resource metrics: a `_total` counter by result, a
// duration histogram, a gauge of resources by condition, and a last-success timestamp that an
// alert can compare with time().
//
// Every metric about profiles, passes or AWS calls carries a `target` label holding the target's
// name (appflow-gitops.yaml `targets:`; IMPLICIT_TARGET_NAME without declared targets): the daemon
// of each target records through its own view, `forTarget(name)`. The names themselves never change.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AwsCallObserver } from '../aws/ports.js';
import { IMPLICIT_TARGET_NAME } from '../config/target-settings.js';
import { withPassOnlyLoopDelay } from './pass-loop-delay.js';

export const METRIC_PREFIX = 'appflow_gitops_';

export type ReconcileResult = 'success' | 'failure' | 'error';
export type ProfileCondition = 'Ready' | 'Failed' | 'Pending';

/** What one target's daemon records: every series it touches carries target="<its name>". */
export interface TargetMetrics {
  /** Pass to AwsSettings.observer: counts and times every AWS SDK call. */
  observeAwsCall: AwsCallObserver;
  recordTrigger(trigger: string): void;
  recordReconcile(result: ReconcileResult, durationSeconds: number, finishedAtMs: number): void;
  recordDrift(action: string, count: number): void;
  recordWrite(operation: string, result: string): void;
  setProfileConditions(counts: Record<ProfileCondition, number>): void;
  setBackoffProfiles(count: number): void;
  setReconcileInProgress(running: boolean): void;
  /** Shared state: 1 while this replica leads `target`, 0 while it stands by. */
  setLeader(target: string, leader: boolean): void;
  /** 1 when the last pass read the profiles directory and found documents, 0 when it was missing, unreadable or empty. */
  setProfilesDirectoryOk(ok: boolean): void;
  /** 1 while writes are suspended (appflow-gitops suspend), else 0. */
  setSuspended(suspended: boolean): void;
  /** The git revision a pass of `target` read; `applied` when every profile converged. */
  setRevision(target: string, revision: string, applied: boolean): void;
}

/**
 * The registry and what is shared by every target. The TargetMetrics methods on it record for the
 * implicit target (IMPLICIT_TARGET_NAME), so a single-target daemon uses it directly.
 */
export interface DaemonMetrics extends TargetMetrics {
  registry: Registry;
  /** The view of one target (created, with its series at zero, on first use; the same view after). */
  forTarget(name: string): TargetMetrics;
  /** A notification delivered, failed (after retries) or dropped (queue full, shutdown), by sink type. */
  recordNotification(sink: string, result: string): void;
  /** Prometheus text exposition. */
  render(): Promise<string>;
  contentType: string;
}

/** Resolution (ms) of the nodejs_eventloop_lag_* histogram's sampling timer. */
export const EVENT_LOOP_MONITORING_PRECISION_MS = 100;

export function createDaemonMetrics(options: { defaultMetrics?: boolean } = {}): DaemonMetrics {
  const registry = new Registry();
  // Standard, unprefixed names (process_cpu_seconds_total, nodejs_heap_size_used_bytes, ...) so stock dashboards work.
  // The event-loop-lag histogram samples the loop with a timer; at prom-client's default 10 ms
  // that timer alone kept an idle daemon at about 1% CPU (measured by `npm run bench`). 100 ms
  // still catches any stall worth alerting on, for a tenth of the wake-ups.
  // And it samples only while a pass runs (pass-loop-delay.ts): an idle daemon has no loop to delay.
  const loopDelay =
    options.defaultMetrics !== false
      ? withPassOnlyLoopDelay(() => collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_MONITORING_PRECISION_MS }))
      : undefined;
  /** Targets whose pass is running: the loop delay is sampled while there is one. */
  const running = new Set<string>();

  const reconcileTotal = new Counter({
    name: `${METRIC_PREFIX}reconcile_total`,
    help: 'Reconcile passes by result: success (every profile converged), failure (some profile failed), error (the pass could not complete, e.g. AWS unreachable).',
    labelNames: ['result', 'target'],
    registers: [registry],
  });
  const reconcileDuration = new Histogram({
    name: `${METRIC_PREFIX}reconcile_duration_seconds`,
    help: 'Duration of reconcile passes (load, observe, plan, write, save state).',
    labelNames: ['result', 'target'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  const lastSuccess = new Gauge({
    name: `${METRIC_PREFIX}last_successful_reconcile_timestamp_seconds`,
    help: 'Unix time of the end of the last pass in which every profile converged (0 until one has).',
    labelNames: ['target'],
    registers: [registry],
  });
  const inProgress = new Gauge({
    name: `${METRIC_PREFIX}reconcile_in_progress`,
    help: '1 while a reconcile pass runs.',
    labelNames: ['target'],
    registers: [registry],
  });
  const triggers = new Counter({
    name: `${METRIC_PREFIX}reconcile_requests_total`,
    help: 'Reconcile requests by trigger (startup, watch, resync, signal, http, backoff, followup); bursts coalesce, so this exceeds reconcile_total.',
    labelNames: ['trigger', 'target'],
    registers: [registry],
  });
  const profiles = new Gauge({
    name: `${METRIC_PREFIX}profiles`,
    help: 'Connector profiles known to the daemon by condition (Ready, Failed, Pending).',
    labelNames: ['condition', 'target'],
    registers: [registry],
  });
  const backoff = new Gauge({
    name: `${METRIC_PREFIX}profiles_backing_off`,
    help: 'Profiles left out of passes after failed writes (exponential backoff, or waiting for an input change after a terminal error).',
    labelNames: ['target'],
    registers: [registry],
  });
  const drift = new Counter({
    name: `${METRIC_PREFIX}drift_detected_total`,
    help: 'Profiles whose observed state differed from the desired state when planned, by planned action (create, update, replace, delete).',
    labelNames: ['action', 'target'],
    registers: [registry],
  });
  const writes = new Counter({
    name: `${METRIC_PREFIX}profile_writes_total`,
    help: 'Profile writes by planned action and outcome (applied, failed, blocked).',
    labelNames: ['action', 'result', 'target'],
    registers: [registry],
  });
  const directoryOk = new Gauge({
    name: `${METRIC_PREFIX}profiles_directory_ok`,
    help: '1 when the last pass read the profiles directory and found profile documents; 0 when it was missing, unreadable or empty (a wrong --profiles path: nothing is created or updated).',
    labelNames: ['target'],
    registers: [registry],
  });
  const suspendedGauge = new Gauge({
    name: `${METRIC_PREFIX}suspended`,
    help: '1 while every write is suspended (appflow-gitops suspend; persisted across restarts), else 0.',
    registers: [registry],
  });
  suspendedGauge.set(0);
  const awsCalls = new Counter({
    name: `${METRIC_PREFIX}aws_calls_total`,
    help: 'AWS SDK calls by service, operation and error code ("Success" when the call succeeded).',
    labelNames: ['service', 'operation', 'code', 'target'],
    registers: [registry],
  });
  const awsDuration = new Histogram({
    name: `${METRIC_PREFIX}aws_call_duration_seconds`,
    help: 'Duration of AWS SDK calls (including the SDK\'s own retries) by service and operation.',
    labelNames: ['service', 'operation', 'target'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const leader = new Gauge({
    name: `${METRIC_PREFIX}leader`,
    help: 'Shared state only: 1 while this replica holds the lease of the target (and reconciles it), 0 while it stands by.',
    labelNames: ['target'],
    registers: [registry],
  });
  const revisionInfo = new Gauge({
    name: `${METRIC_PREFIX}revision_info`,
    help: 'Git revision of the profiles: state="attempted" for the last pass, state="applied" for the last pass in which every profile converged (value 1).',
    labelNames: ['target', 'state', 'revision'],
    registers: [registry],
  });
  const notifications = new Counter({
    name: `${METRIC_PREFIX}notifications_total`,
    help: 'Notifications by sink type (webhook, slack, github) and result: delivered, failed (after retries) or dropped (queue full or shutdown).',
    labelNames: ['sink', 'result'],
    registers: [registry],
  });
  const revisions = new Map<string, string>();
  const setRevisionInfo = (target: string, state: string, revision: string) => {
    const key = `${target}\u0000${state}`;
    const previous = revisions.get(key);
    if (previous === revision) return;
    if (previous !== undefined) revisionInfo.remove({ target, state, revision: previous });
    revisions.set(key, revision);
    revisionInfo.set({ target, state, revision }, 1);
  };

  // Series that are the daemon's (suspend) or already name their target (lease, revision: the state key).
  const daemonWide: Pick<TargetMetrics, 'setSuspended' | 'setLeader' | 'setRevision'> = {
    setSuspended(suspended) {
      suspendedGauge.set(suspended ? 1 : 0);
    },
    setLeader(target, isLeader) {
      leader.set({ target }, isLeader ? 1 : 0);
    },
    setRevision(target, revision, applied) {
      setRevisionInfo(target, 'attempted', revision);
      if (applied) setRevisionInfo(target, 'applied', revision);
    },
  };
  const targetView = (target: string): TargetMetrics => {
    for (const condition of ['Ready', 'Failed', 'Pending'] as const) profiles.set({ condition, target }, 0);
    for (const result of ['success', 'failure', 'error'] as const) reconcileTotal.inc({ result, target }, 0);
    lastSuccess.set({ target }, 0);
    backoff.set({ target }, 0);
    inProgress.set({ target }, 0);
    return {
      observeAwsCall(call) {
        awsCalls.inc({ service: call.service, operation: call.operation, code: call.errorCode ?? 'Success', target });
        awsDuration.observe({ service: call.service, operation: call.operation, target }, call.durationMs / 1000);
      },
      recordTrigger(trigger) {
        triggers.inc({ trigger, target });
      },
      recordReconcile(result, durationSeconds, finishedAtMs) {
        reconcileTotal.inc({ result, target });
        reconcileDuration.observe({ result, target }, durationSeconds);
        if (result === 'success') lastSuccess.set({ target }, finishedAtMs / 1000);
      },
      recordDrift(action, count) {
        if (count > 0) drift.inc({ action, target }, count);
      },
      recordWrite(action, result) {
        writes.inc({ action, result, target });
      },
      setProfileConditions(counts) {
        for (const [condition, count] of Object.entries(counts)) profiles.set({ condition, target }, count);
      },
      setBackoffProfiles(count) {
        backoff.set({ target }, count);
      },
      setProfilesDirectoryOk(ok) {
        directoryOk.set({ target }, ok ? 1 : 0);
      },
      setReconcileInProgress(isRunning) {
        inProgress.set({ target }, isRunning ? 1 : 0);
        if (isRunning) running.add(target);
        else running.delete(target);
        loopDelay?.setSampling(running.size > 0);
      },
      ...daemonWide,
    };
  };
  const views = new Map<string, TargetMetrics>();
  const forTarget = (name: string): TargetMetrics => {
    let view = views.get(name);
    if (!view) views.set(name, (view = targetView(name)));
    return view;
  };
  // The implicit target's series appear on first use, so a daemon of declared targets shows none.
  const implicit = (): TargetMetrics => forTarget(IMPLICIT_TARGET_NAME);

  return {
    registry,
    contentType: registry.contentType,
    forTarget,
    observeAwsCall: (call) => implicit().observeAwsCall(call),
    recordTrigger: (trigger) => implicit().recordTrigger(trigger),
    recordReconcile: (result, durationSeconds, finishedAtMs) => implicit().recordReconcile(result, durationSeconds, finishedAtMs),
    recordDrift: (action, count) => implicit().recordDrift(action, count),
    recordWrite: (action, result) => implicit().recordWrite(action, result),
    setProfileConditions: (counts) => implicit().setProfileConditions(counts),
    setBackoffProfiles: (count) => implicit().setBackoffProfiles(count),
    setReconcileInProgress: (running) => implicit().setReconcileInProgress(running),
    setProfilesDirectoryOk: (ok) => implicit().setProfilesDirectoryOk(ok),
    ...daemonWide,
    recordNotification(sink, result) {
      notifications.inc({ sink, result });
    },
    render: () => registry.metrics(),
  };
}
