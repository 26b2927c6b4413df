// The StateStore port on a DynamoDB table (`--state dynamodb://TABLE`): the same logical contents
// as the file backend (inventory and intents, per target), shared by every replica and by CI
// plans. A save writes only the items that changed since the last load or save, in transactions
// of at most 99 items plus, when a lease guard is given, a ConditionCheck on the target's lease
// (owner and fencing counter): a replica that lost its lease cannot write state, whatever its
// clock says.
//
// No secret value, and nothing derived from one, is stored: credential fingerprints cover the
// references and secret version ids (fingerprintScheme 'secret-version', docs/state.md), and
// intents' request digests cover the request with the credentials replaced by that fingerprint.
import { QueryCommand, ScanCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import pRetry, { AbortError } from 'p-retry';
import type { StateSnapshot, StateStore } from '../../model/types.js';
import type { StateTableClient } from './client.js';
import { isStateItem, itemId, itemsToSnapshot, targetItems, type StateItem } from './items.js';
import { LEASE_SORT_KEY, tableError, targetPartition } from './table.js';

/**
 * The "key" of the shared state's fingerprints and request digests. Not a secret, on purpose:
 * nothing it keys is derived from a secret value (see the header), so there is nothing to protect
 * and nothing every replica and CI job would have to share. HMAC keeps the domain separate.
 */
export const SHARED_STATE_DIGEST_KEY = Buffer.from('appflow-gitops/shared-state/secret-version-fingerprints/v1');

/** DynamoDB's limit is 100 operations per transaction; one is kept for the lease check. */
const ITEMS_PER_TRANSACTION = 99;

/** Who may write a target's state: the lease owner with this fencing counter. */
export interface LeaseGuard {
  owner: string;
  fence: number;
}

/** A state write refused because the lease changed hands (or was released). Nothing was written. */
export class StateWriteFencedError extends Error {
  readonly code = 'state.fenced';
  constructor(targetKey: string) {
    super(`state write for target ${targetKey} refused: this replica no longer holds the lease (another replica took over)`);
    this.name = 'StateWriteFencedError';
  }
}

export interface DynamoDbStateStoreOptions {
  table: string;
  client: StateTableClient;
  /** Read only these targets (a Query each); every target (a Scan) when absent. */
  targets?: readonly string[];
  /**
   * The lease every save of a target is conditional on. It throws when this replica cannot
   * prove its lease (then nothing is sent). No guard: unconditional writes (migrate, tests).
   */
  leaseGuard?: (targetKey: string) => LeaseGuard;
}

export interface DynamoDbStateStore extends StateStore {
  readonly table: string;
  readonly fingerprintScheme: 'secret-version';
  /** Nothing to release (the lease lives in src/leadership/); kept for symmetry with the file store. */
  release(): Promise<void>;
}

export function createDynamoDbStateStore(options: DynamoDbStateStoreOptions): DynamoDbStateStore {
  const { table, client } = options;
  /** What the table holds as far as this store knows: item id -> JSON of the item. */
  const persisted = new Map<string, string>();
  let saveChain: Promise<void> = Promise.resolve();

  async function readItems(): Promise<StateItem[]> {
    const items: StateItem[] = [];
    const collect = (page: { Items?: Record<string, unknown>[] }) => {
      for (const item of page.Items ?? []) items.push(item as StateItem);
    };
    if (options.targets) {
      for (const target of options.targets) {
        let start: Record<string, unknown> | undefined;
        do {
          const page = await client.doc.send(
            new QueryCommand({
              TableName: table,
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': targetPartition(target) },
              ConsistentRead: true,
              ExclusiveStartKey: start,
            }),
          );
          collect(page);
          start = page.LastEvaluatedKey;
        } while (start);
      }
    } else {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await client.doc.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }));
        collect(page);
        start = page.LastEvaluatedKey;
      } while (start);
    }
    return items.filter(isStateItem);
  }

  async function load(): Promise<{ state: StateSnapshot; warnings: string[] }> {
    let items: StateItem[];
    try {
      items = await readItems();
    } catch (err) {
      throw tableError(err, table, client.region);
    }
    persisted.clear();
    for (const item of items) persisted.set(itemId(item), JSON.stringify(item));
    const { snapshot, warnings } = itemsToSnapshot(items);
    return { state: snapshot, warnings };
  }

  /** The puts and deletes that bring one target's items from `persisted` to `wanted`. */
  function changesFor(targetKey: string, wanted: StateItem[]): { puts: StateItem[]; deletes: { pk: string; sk: string }[] } {
    const pk = targetPartition(targetKey);
    const wantedIds = new Set<string>();
    const puts: StateItem[] = [];
    for (const item of wanted) {
      const id = itemId(item);
      wantedIds.add(id);
      if (persisted.get(id) !== JSON.stringify(item)) puts.push(item);
    }
    const deletes: { pk: string; sk: string }[] = [];
    for (const [id] of persisted) {
      const [itemPk, sk] = id.split('\u0000') as [string, string];
      if (itemPk === pk && !wantedIds.has(id)) deletes.push({ pk: itemPk, sk });
    }
    return { puts, deletes };
  }

  async function writeTarget(targetKey: string, puts: StateItem[], deletes: { pk: string; sk: string }[]): Promise<void> {
    type Op = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
    const ops: { op: Op; apply: () => void }[] = [
      ...puts.map((item) => ({ op: { Put: { TableName: table, Item: item } }, apply: () => persisted.set(itemId(item), JSON.stringify(item)) })),
      ...deletes.map((key) => ({ op: { Delete: { TableName: table, Key: key } }, apply: () => persisted.delete(itemId(key)) })),
    ];
    for (let i = 0; i < ops.length; i += ITEMS_PER_TRANSACTION) {
      const chunk = ops.slice(i, i + ITEMS_PER_TRANSACTION);
      // Asked per transaction, not once per save: a long save must not outlive the lease.
      const guard = options.leaseGuard?.(targetKey);
      const check: Op[] = guard
        ? [
            {
              ConditionCheck: {
                TableName: table,
                Key: { pk: targetPartition(targetKey), sk: LEASE_SORT_KEY },
                ConditionExpression: '#owner = :owner AND #fence = :fence',
                ExpressionAttributeNames: { '#owner': 'owner', '#fence': 'fence' },
                ExpressionAttributeValues: { ':owner': guard.owner, ':fence': guard.fence },
              },
            },
          ]
        : [];
      await transact(targetKey, [...check, ...chunk.map((c) => c.op)], guard !== undefined);
      for (const c of chunk) c.apply();
    }
  }

  /**
   * One transaction. The SDK retries throttled requests itself; a transaction cancelled because
   * of throttling or a conflicting transaction says so only in its cancellation reasons, so those
   * are retried here (jittered backoff, bounded). A failed lease check is final.
   */
  async function transact(targetKey: string, items: NonNullable<TransactWriteCommandInput['TransactItems']>, guarded: boolean): Promise<void> {
    await pRetry(
      async () => {
        try {
          await client.doc.send(new TransactWriteCommand({ TransactItems: items }));
        } catch (err) {
          const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
          if (guarded && reasons?.[0]?.Code === 'ConditionalCheckFailed') throw new AbortError(new StateWriteFencedError(targetKey));
          const retryable = reasons?.some((r) => r.Code === 'ThrottlingError' || r.Code === 'TransactionConflict' || r.Code === 'ProvisionedThroughputExceeded');
          const mapped = tableError(err, table, client.region);
          if (!retryable) throw new AbortError(mapped instanceof Error ? mapped : new Error(String(mapped)));
          throw err;
        }
      },
      { retries: 5, minTimeout: 50, maxTimeout: 2_000, randomize: true },
    );
  }

  async function doSave(snapshot: StateSnapshot): Promise<void> {
    const scope = options.targets ? new Set(options.targets) : undefined;
    for (const [targetKey, state] of Object.entries(snapshot.targets)) {
      if (scope && !scope.has(targetKey)) continue;
      const { puts, deletes } = changesFor(targetKey, targetItems(targetKey, state));
      if (puts.length + deletes.length > 0) await writeTarget(targetKey, puts, deletes);
    }
  }

  function save(state: StateSnapshot): Promise<void> {
    // Copied now: later mutation by the caller must not change what this save writes.
    const copy = structuredClone(state);
    const result = saveChain.then(() => doSave(copy));
    saveChain = result.catch(() => undefined);
    return result;
  }

  return {
    table,
    fingerprintScheme: 'secret-version',
    load,
    save,
    hmacKey: async () => SHARED_STATE_DIGEST_KEY,
    release: async () => undefined,
  };
}
