// The daemon on the shared DynamoDB state (`run --state dynamodb://TABLE`): the state store whose
// every save is fenced by the target's lease, the AppFlow port that re-checks the lease before
// each write, and the lease itself. A replica that does not lead the target reconciles nothing
// (no AppFlow, no Secrets Manager call): it watches the lease and takes over when it lapses.
import type { AppFlowPort, AwsTarget } from '../aws/ports.js';
import { fencedAppFlow } from '../leadership/fenced-appflow.js';
import { replicaId } from '../leadership/replica-id.js';
import { TargetLease, type LeaseRole, type LeaseStatus } from '../leadership/target-lease.js';
import type { Logger } from '../logging/logger.js';
import { createStateTableClient, type StateTableClientSettings } from '../state/dynamodb/client.js';
import { createDynamoDbStateStore, type DynamoDbStateStore } from '../state/dynamodb/dynamodb-state-store.js';
import { errorSummary } from './error-summary.js';

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
  let onRole: ((role: LeaseRole, status: LeaseStatus) => void) | undefined;
  let lastError: string | undefined;
  const lease = new TargetLease({
    doc: client.doc,
    table: settings.table,
    target: target.key,
    owner: replicaId(),
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
    appflow: fencedAppFlow(appflow, lease),
    leadership: {
      isLeader: () => lease.role === 'leader',
      healthy: () => lease.status().healthy,
      status: () => [lease.status()],
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
