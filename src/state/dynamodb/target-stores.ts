// The shared state of several declared targets as one StateStore: each target's partition lives
// in the table its own credentials reach (its account and region, docs/state.md), so each target
// has its own DynamoDB store (and, for writers, its own lease guard); this joins them for a pass
// over all targets (src/reconcile/reconcile-targets.ts), which loads and saves one snapshot.
import { STATE_FORMAT_VERSION, type StateSnapshot } from '../../model/types.js';
import { SHARED_STATE_DIGEST_KEY, type DynamoDbStateStore } from './dynamodb-state-store.js';

export interface TargetStores extends Omit<DynamoDbStateStore, 'table'> {
  /** The target keys whose partitions this store reads and writes. */
  readonly targetKeys: readonly string[];
}

/**
 * One store over per-target stores, each scoped to its own target key (createDynamoDbStateStore
 * with `targets: [key]`). A load merges their partitions; a save hands the whole snapshot to each,
 * which writes only its own target's changed items (fenced by that target's lease). Every
 * target's save is attempted even when another's fails, so one lost lease costs only its target's
 * items; the first failure is then thrown.
 */
export function joinTargetStores(stores: ReadonlyMap<string, DynamoDbStateStore>): TargetStores {
  const entries = [...stores.entries()];
  return {
    targetKeys: entries.map(([key]) => key),
    fingerprintScheme: 'secret-version',
    hmacKey: async () => SHARED_STATE_DIGEST_KEY,
    async load() {
      const loaded = await Promise.all(entries.map(async ([key, store]) => ({ key, ...(await store.load()) })));
      const snapshot: StateSnapshot = { formatVersion: STATE_FORMAT_VERSION, targets: {} };
      const warnings: string[] = [];
      for (const { key, state, warnings: own } of loaded) {
        const target = state.targets[key];
        if (target) snapshot.targets[key] = target;
        warnings.push(...own);
      }
      return { state: snapshot, warnings };
    },
    async save(snapshot) {
      const results = await Promise.allSettled(entries.map(([, store]) => store.save(snapshot)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
    async release() {
      await Promise.all(entries.map(([, store]) => store.release()));
    },
  };
}
