// plan, apply and import over declared targets (appflow-gitops.yaml) on the shared DynamoDB
// state. Each target's partition is in the table named by --state in the target's own account
// and region, reached with the target's credentials (docs/state.md, "Declared targets"). Before
// the pass, every target confirms its identity (its key), finds its table and, for a writer
// (apply, import), takes its lease; a target that cannot (a daemon leads it, no table, denied) is
// reported as failed on its own while the others go on. Writers then save each target fenced by
// its own lease and re-check it before each AppFlow write.
import pLimit from 'p-limit';
import type { AwsTarget } from '../aws/ports.js';
import type { TargetAdapters } from '../aws/target-adapters.js';
import type { Logger } from '../logging/logger.js';
import { TARGET_CONCURRENCY, type TargetRun } from '../reconcile/reconcile-targets.js';
import type { DynamoDbStateStore } from '../state/dynamodb/dynamodb-state-store.js';
import type { TargetStores } from '../state/dynamodb/target-stores.js';
import { sharedStateModules } from './shared-state-modules.js';

/** Why one target cannot take part in the pass; reported under that target's header. */
export class TargetStateError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'TargetStateError';
  }
}

export interface TargetsStateSession {
  /** The runs to reconcile: a target that failed here fails the pass with that error, alone. */
  runs: TargetRun[];
  store: TargetStores;
  /** Releases every lease taken and closes the table clients. */
  close(): Promise<void>;
}

export interface TargetsStateOptions {
  table: string;
  /** Writers lead each target for the run; readers (plan) take no lease. */
  lead: boolean;
  logger: Logger;
}

/** One target ready for the pass: its store, its adapters (identified; AppFlow fenced for writers). */
interface OpenedTarget {
  key: string;
  store: DynamoDbStateStore;
  adapters: TargetAdapters;
  close(): Promise<void>;
}

export async function openTargetsSharedState(runs: readonly TargetRun[], options: TargetsStateOptions): Promise<TargetsStateSession> {
  const { joinTargetStores } = await sharedStateModules();
  const limit = pLimit(TARGET_CONCURRENCY);
  const opened = await Promise.all(runs.map((run) => limit(() => openOne(run, options).then((o) => ({ run, o })))));
  const stores = new Map<string, DynamoDbStateStore>();
  const closers: (() => Promise<void>)[] = [];
  const session: TargetRun[] = opened.map(({ run, o }) => {
    if (o instanceof Error) return { ...run, adapters: { ...run.adapters, identify: () => Promise.reject(o) } };
    closers.push(() => o.close());
    stores.set(o.key, o.store);
    return { ...run, adapters: o.adapters };
  });
  return {
    runs: session,
    store: joinTargetStores(stores),
    async close() {
      await Promise.allSettled(closers.map((close) => close()));
    },
  };
}

/** One target's identity, table and (for writers) lease, or the error that fails the target. */
async function openOne(run: TargetRun, options: TargetsStateOptions): Promise<OpenedTarget | Error> {
  const { createStateTableClient, createDynamoDbStateStore, ledElsewhere, openSharedState, StateTableMissingError } = await sharedStateModules();
  let target: AwsTarget;
  try {
    target = await run.adapters.identify();
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
  const credentials = run.adapters.credentials;
  const identified: TargetAdapters = { ...run.adapters, identify: async () => target };
  try {
    if (!options.lead) {
      const client = createStateTableClient({ region: target.region, ...(credentials ? { credentials } : {}) });
      const store = createDynamoDbStateStore({ table: options.table, client, targets: [target.key] });
      const close = async () => client.destroy();
      try {
        await store.load(); // a missing table fails this target here, in one line
      } catch (err) {
        await close();
        throw err;
      }
      return { key: target.key, store, adapters: identified, close };
    }
    const shared = openSharedState({ table: options.table, client: credentials ? { credentials } : {} }, target, run.adapters.appflow, options.logger);
    try {
      await shared.store.load();
      const status = await shared.acquire();
      if (status.role !== 'leader') throw new TargetStateError('state.led-elsewhere', ledElsewhere(options.table, status));
    } catch (err) {
      await shared.stop().catch(() => undefined);
      throw err;
    }
    return { key: target.key, store: shared.store, adapters: { ...identified, appflow: shared.appflow }, close: () => shared.stop() };
  } catch (err) {
    if (err instanceof TargetStateError) return err;
    if (err instanceof StateTableMissingError) return new TargetStateError('state.table-missing', `target ${run.name}: ${err.message}`);
    const message = err instanceof Error ? err.message : String(err);
    return new TargetStateError((err as { code?: string }).code ?? 'state.unreadable', `target ${run.name}: state table ${options.table}: ${message}`);
  }
}
