// `suspend` on the shared state: an item per target (pk target#<TARGET>, sk suspended) holding
// when the pause began and which replica set it, so every replica honours it, it survives
// restarts, and `resume` on any replica lifts it. Not fenced by the lease: an operator may pause
// writes through any replica, a standby included.
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { StateTableClient } from './client.js';
import { PAUSE_SORT_KEY, tableError, targetPartition } from './table.js';

export interface PauseItem {
  read(): Promise<string | undefined>;
  write(since: string): Promise<void>;
  clear(): Promise<void>;
}

export function pauseItem(client: StateTableClient, table: string, targetKey: string, replica: string): PauseItem {
  const Key = { pk: targetPartition(targetKey), sk: PAUSE_SORT_KEY };
  const mapped = (err: unknown) => {
    throw tableError(err, table, client.region);
  };
  return {
    async read() {
      const out = await client.doc.send(new GetCommand({ TableName: table, Key, ConsistentRead: true })).catch(mapped);
      const since = (out.Item as { since?: unknown } | undefined)?.since;
      if (out.Item === undefined) return undefined;
      // An item that does not say when counts as a pause since now: failing safe means no writes.
      return typeof since === 'string' ? since : new Date().toISOString();
    },
    async write(since) {
      try {
        await client.doc.send(new PutCommand({ TableName: table, Item: { ...Key, since, by: replica }, ConditionExpression: 'attribute_not_exists(pk)' }));
      } catch (err) {
        if (err instanceof Error && err.name === 'ConditionalCheckFailedException') return; // paused already: keep its start
        mapped(err);
      }
    },
    async clear() {
      await client.doc.send(new DeleteCommand({ TableName: table, Key })).catch(mapped);
    },
  };
}
