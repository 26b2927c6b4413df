// The options a Daemon (daemon.ts) is built with, and the reconcile function it runs each pass:
// a parameter, so the loop can be tested without AWS.
import type { Logger } from '../logging/logger.js';
import type { ManagedProfileRecord } from '../model/types.js';
import type { ReconcileReport } from '../reconcile/types.js';
import type { TargetMetrics } from '../server/metrics.js';
import type { BackoffPolicy } from './backoff.js';
import type { Clock } from './clock.js';
import type { PassRetryPolicy } from './pass-timers.js';
import type { DaemonLeadership } from './shared-state.js';
import type { WritePause } from './write-pause.js';
import type { IdleCollection } from './idle-collection.js';
import type { ChangedFiles, PartialReport } from './partial-pass.js';

export type DaemonReconcileFn = (options: {
  signal: AbortSignal;
  reconcileId: string;
  onlyNames?: ReadonlySet<string>;
  /**
   * Set when only files changed since the last pass (a watch event): the function may reconcile
   * just those files and return a PartialReport (src/runtime/partial-pass.ts), or do a full pass.
   */
  changed?: ChangedFiles;
}) => Promise<ReconcileReport | PartialReport>;

export interface DaemonOptions {
  reconcile: DaemonReconcileFn;
  logger: Logger;
  /** This daemon's metrics: a DaemonMetrics (the implicit target) or one target's view of it. */
  metrics?: TargetMetrics;
  /** Profiles directory to watch; no watcher when undefined. */
  watchDir?: string;
  /**
   * Someone else watches `watchDir` (the fleet's one watcher, src/runtime/daemon-fleet.ts) and
   * calls filesChanged(); the daemon then starts no watcher of its own.
   */
  externalWatch?: boolean;
  /** Periodic resync interval (±10% jitter). */
  resyncIntervalMs?: number;
  clock?: Clock;
  random?: () => number;
  backoff?: Partial<BackoffPolicy>;
  /** Retry delays after a pass that failed as a whole (see DEFAULT_PASS_RETRY). */
  passRetry?: Partial<PassRetryPolicy>;
  watchDebounceMs?: number;
  /**
   * A watch event reconciles only the changed files when certain to match a full pass (default
   * true); false makes every pass a full one.
   */
  partialPasses?: boolean;
  /** Least time between the starts of passes that manual triggers asked for (default 1 s). */
  manualMinIntervalMs?: number;
  /** Inventory from the state file, read after each pass for lastAppliedAt/sourceFile. */
  readInventory?: (target: string) => Promise<Record<string, ManagedProfileRecord> | undefined>;
  /**
   * Shared state (src/runtime/shared-state.ts): passes run only while this replica leads; a
   * standby makes no AWS call and is ready while it can watch the lease.
   */
  leadership?: DaemonLeadership;
  /** File that persists `suspend` across restarts (STATE/suspended.json); in memory when undefined. */
  pauseFile?: string;
  /** A pause shared with other daemons (the fleet's), already loaded by its owner; `pauseFile` is then unused. */
  pause?: WritePause;
  /**
   * Counts this daemon's passes, start to end (status and logs included), with its fleet's: the
   * young generation is collected once none runs (src/runtime/idle-collection.ts). None when undefined.
   */
  idleCollection?: IdleCollection;
}
