// The daemon on the shared DynamoDB state (`run --state dynamodb://TABLE`): the state store whose
// every save is fenced by the target's lease, the AppFlow port that re-checks the lease before
// each write, and the lease itself. A replica that does not lead the target reconciles nothing
// (no AppFlow, no Secrets Manager call): it watches the lease and takes over when it lapses.
import type { AppFlowPort, AwsTarget } from '../aws/ports.js';
import type { TargetAdapters } from '../aws/target-adapters.js';
import { fencedAppFlow } from '../leadership/fenced-appflow.js';
import { replicaId } from '../leadership/replica-id.js';
import { LeaseNotHeldError, TargetLease, type LeaseRole, type LeaseStatus } from '../leadership/target-lease.js';
import type { Logger } from '../logging/logger.js';
import { createStateTableClient, type StateTableClientSettings } from '../state/dynamodb/client.js';
import { createDynamoDbStateStore, SHARED_STATE_DIGEST_KEY, type DynamoDbStateStore } from '../state/dynamodb/dynamodb-state-store.js';
import { pauseItem, type PauseItem } from '../state/dynamodb/pause-item.js';
import { errorSummary } from './error-summary.js';
import type { PauseStorage } from './write-pause.js';

export interface LeaseTiming {
  leaseMs?: number;
  heartbeatMs?: number;
}

export interface SharedStateSettings extends LeaseTiming {
  table: string;
  /** Overrides of the DynamoDB client (tests); region defaults to the target's. */
  client?: Partial<StateTableClientSettings>;
}

/** What the daemon asks about leadership (src/runtime/daemon.ts). */
export interface DaemonLeadership {
  /** True when this replica leads its target(s) and may reconcile. */
  isLeader(): boolean;
  /** A standby is ready (for /readyz) while it can watch the lease. */
  healthy(): boolean;
  status(): LeaseStatus[];
}

export interface SharedState {
  store: DynamoDbStateStore;
  appflow: AppFlowPort;
  leadership: DaemonLeadership;
  /** The target's `suspend` item (read by every replica; not fenced: any replica may pause writes). */
  pause: PauseItem;
  /** Starts the heartbeat; `onRole` hears every change of role. */
  start(onRole: (role: LeaseRole, status: LeaseStatus) => void): void;
  /**
   * One-shot commands (apply, import): one acquisition attempt, then the heartbeat keeps the
   * lease while the command runs. Resolves with the lease status; role 'standby' means another
   * replica leads the target.
   */
  acquire(): Promise<LeaseStatus>;
  /** Releases the lease (when held) so a standby takes over at once, and closes the client. */
  stop(): Promise<void>;
}

/** The one line a one-shot command prints when a daemon (or another command) leads the target. */
export function ledElsewhere(table: string, status: LeaseStatus): string {
  const until = status.leaseExpiresAt ? ` (lease announced until ${status.leaseExpiresAt})` : '';
  return `target ${status.target} in dynamodb://${table} is led by ${status.holder ?? 'another replica'}${until}; ` +
    'it reconciles the target: let it apply the change, or stop it first (plan needs no lease)';
}

export function openSharedState(settings: SharedStateSettings, target: AwsTarget, appflow: AppFlowPort, log: Logger): SharedState {
  const client = createStateTableClient({ region: target.region, ...settings.client });
  const owner = replicaId();
  let onRole: ((role: LeaseRole, status: LeaseStatus) => void) | undefined;
  let lastError: string | undefined;
  const lease = new TargetLease({
    doc: client.doc,
    table: settings.table,
    target: target.key,
    owner,
    leaseMs: settings.leaseMs,
    heartbeatMs: settings.heartbeatMs,
    onRoleChange: (role, status) => onRole?.(role, status),
    onError: (err) => {
      const summary = errorSummary(err);
      // One warning per distinct failure, not one per heartbeat.
      if (summary.message !== lastError) log.warn({ event: 'lease.error', target: target.key, err: summary }, `lease of ${target.key}: ${summary.message}`);
      lastError = summary.message;
    },
  });
  const store = createDynamoDbStateStore({ table: settings.table, client, targets: [target.key], leaseGuard: () => lease.guard() });
  return {
    store,
    pause: pauseItem(client, settings.table, target.key, owner),
    appflow: fencedAppFlow(appflow, lease),
    leadership: {
      isLeader: () => lease.role === 'leader',
      healthy: () => lease.status().healthy,
      status: () => [{ ...lease.status(), ...(target.name !== undefined ? { name: target.name } : {}) }],
    },
    start(callback) {
      onRole = (role, status) => {
        if (role === 'leader') lastError = undefined;
        callback(role, status);
      };
      lease.start();
    },
    async acquire() {
      await lease.heartbeat();
      if (lease.role === 'leader') lease.start();
      return lease.status();
    },
    async stop() {
      try {
        await lease.stop();
      } finally {
        client.destroy();
      }
    },
  };
}

/** How long a declared target waits before it tries again to confirm its identity and open its table. */
export const TARGET_OPEN_RETRY_MS = 5_000;

/**
 * The shared state of a declared target in the daemon. Its lease and partition are keyed by the
 * target's state key (ACCOUNT/REGION[@ENDPOINT]), known only once STS has confirmed the account,
 * and its table is the one in the target's own account and region, reached with the target's
 * credentials (docs/state.md). So start() confirms the identity, opens the table and starts the
 * lease, and keeps trying (every `retryMs`) while it cannot (a role denied, a table missing):
 * meanwhile the target is an unhealthy standby that makes no AppFlow or Secrets Manager call,
 * and the daemon's other targets are not held back.
 */
export function openTargetSharedState(settings: SharedStateSettings, adapters: TargetAdapters, log: Logger, retryMs = TARGET_OPEN_RETRY_MS): SharedState {
  let inner: SharedState | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let lastError: string | undefined;
  // Settles when the first attempt to open does (opened or failed) or at stop: until then this
  // target's pause is unknown, not absent (see pause.read below).
  let firstAttemptSettled!: () => void;
  const firstAttempt = new Promise<void>((resolve) => (firstAttemptSettled = resolve));
  let started = false;
  const name = adapters.target.name ?? adapters.target.key;
  const notOpen = () => new LeaseNotHeldError(name, 'its identity and state table are not confirmed yet');
  const whenOpen = <T>(use: (opened: SharedState) => Promise<T>): Promise<T> => (inner ? use(inner) : Promise.reject(notOpen()));

  async function open(onRole: (role: LeaseRole, status: LeaseStatus) => void): Promise<void> {
    if (stopped) return;
    try {
      const target = await adapters.identify();
      const credentials = adapters.credentials;
      const candidate = openSharedState({ ...settings, client: { ...settings.client, ...(credentials ? { credentials } : {}) } }, target, adapters.appflow, log);
      try {
        await candidate.store.load(); // the table exists and these credentials may read it
      } catch (err) {
        await candidate.stop().catch(() => undefined);
        throw err;
      }
      if (stopped) return void (await candidate.stop());
      inner = candidate;
      candidate.start(onRole);
      // Announce the starting role, so the leader gauge and /status name the target from the start.
      onRole('standby', candidate.leadership.status()[0]!);
      firstAttemptSettled();
    } catch (err) {
      const summary = errorSummary(err);
      if (summary.message !== lastError) log.warn({ event: 'lease.error', target: name, err: summary }, `shared state of target ${name}: ${summary.message} (trying again every ${Math.round(retryMs / 1000)} s)`);
      lastError = summary.message;
      firstAttemptSettled();
      if (!stopped) timer = setTimeout(() => void open(onRole), retryMs);
    }
  }

  const store: DynamoDbStateStore = {
    table: settings.table,
    fingerprintScheme: 'secret-version',
    load: () => whenOpen((o) => o.store.load()),
    save: (snapshot) => whenOpen((o) => o.store.save(snapshot)),
    hmacKey: async () => SHARED_STATE_DIGEST_KEY,
    release: async () => undefined,
  };
  return {
    store,
    appflow: {
      describeByNames: (names) => adapters.appflow.describeByNames(names),
      describeAll: (filter) => adapters.appflow.describeAll(filter),
      create: (request) => whenOpen((o) => o.appflow.create(request)),
      update: (request) => whenOpen((o) => o.appflow.update(request)),
      delete: (profile, force) => whenOpen((o) => o.appflow.delete(profile, force)),
    },
    // A replica that starts while the fleet is suspended through this target must see the pause
    // before it writes through another: a read waits for the first attempt to open (an STS call
    // and a table read). A target that could not be opened has no pause known here (its table
    // cannot be reached); the fleet's other targets are not held back by it (docs/state.md).
    pause: {
      read: async () => {
        if (started && !inner) await firstAttempt;
        return inner ? inner.pause.read() : undefined;
      },
      write: (since) => (inner ? inner.pause.write(since) : Promise.resolve()),
      clear: () => (inner ? inner.pause.clear() : Promise.resolve()),
    },
    leadership: {
      isLeader: () => inner?.leadership.isLeader() ?? false,
      healthy: () => inner?.leadership.healthy() ?? false,
      status: () => inner?.leadership.status() ?? [{ target: name, name, role: 'standby', healthy: false }],
    },
    start(onRole) {
      started = true;
      void open(onRole);
    },
    acquire: () => whenOpen((o) => o.acquire()),
    async stop() {
      stopped = true;
      firstAttemptSettled();
      if (timer) clearTimeout(timer);
      await inner?.stop();
    },
  };
}

/**
 * The daemon's one pause (suspend applies to every target) kept in each target's table: set and
 * lifted in every one, in effect when any holds it (the earliest start wins), so a replica that
 * reconciles only some of the targets honours a pause set through another.
 */
export function sharedPauseStorage(states: readonly SharedState[]): PauseStorage {
  return {
    shared: true,
    async read() {
      const found = (await Promise.all(states.map((s) => s.pause.read()))).filter((since): since is string => since !== undefined);
      return found.sort()[0];
    },
    async write(since) {
      await Promise.all(states.map((s) => s.pause.write(since)));
    },
    async clear() {
      await Promise.all(states.map((s) => s.pause.clear()));
    },
  };
}
