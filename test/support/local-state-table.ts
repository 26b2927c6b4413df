// DynamoDB Local with the project's state table created in it, and a real SDK client to it:
// what a test file of leases, pauses or the shared state starts once (beforeAll) and stops.
import { createStateTableClient, type StateTableClient } from '../../src/state/dynamodb/client.js';
import { initStateTable } from '../../src/state/dynamodb/table.js';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.js';

export interface LocalStateTable {
  ddb: DynamoDbLocal;
  client: StateTableClient;
  /** Closes the client and stops DynamoDB Local (by pid). */
  stop(): Promise<void>;
}

export async function startLocalStateTable(table: string): Promise<LocalStateTable> {
  const ddb = await startDynamoDbLocal();
  const client = createStateTableClient(ddb.sdkConfig());
  try {
    await initStateTable(client.raw, table);
  } catch (err) {
    client.destroy();
    await ddb.stop();
    throw err;
  }
  return {
    ddb,
    client,
    async stop() {
      client.destroy();
      await ddb.stop();
    },
  };
}
