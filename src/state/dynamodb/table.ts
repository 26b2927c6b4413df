// The state table: its key schema, `state init` (create if missing, on-demand, TTL on expired
// intents; idempotent) and the one-line error for a table that does not exist.
//
// Items (pk, sk):
//   target#<TARGET>  lease            the leadership lease of that target (src/leadership/)
//   target#<TARGET>  profile#<NAME>   an inventory record (no secret, no value-derived hash)
//   target#<TARGET>  intent#<NAME>    a pending write intent; `expiresAt` (epoch s) is the TTL
//   target#<TARGET>  suspended        `suspend` in effect since `since` (./pause-item.ts)
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';

/** The SDK names a service exception after its error code. */
function errorName(err: unknown): string | undefined {
  return err instanceof Error ? err.name : undefined;
}

export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';
export const TTL_ATTRIBUTE = 'expiresAt';
export const LEASE_SORT_KEY = 'lease';
export const PAUSE_SORT_KEY = 'suspended';

export function targetPartition(targetKey: string): string {
  return `target#${targetKey}`;
}

/** A table that does not exist: one line naming it and the command that creates it. */
export class StateTableMissingError extends Error {
  readonly code = 'state.table-missing';
  constructor(
    readonly table: string,
    region: string,
  ) {
    super(`state table "${table}" does not exist in ${region}; create it with: appflow-gitops state init --state dynamodb://${table}`);
    this.name = 'StateTableMissingError';
  }
}

/** Rethrows ResourceNotFoundException as StateTableMissingError; anything else unchanged. */
export function tableError(err: unknown, table: string, region: string): unknown {
  return errorName(err) === 'ResourceNotFoundException' ? new StateTableMissingError(table, region) : err;
}

export type InitResult = { created: boolean; ttlEnabled: boolean };

/**
 * Creates the table when it is missing (PAY_PER_REQUEST, pk/sk strings) and enables TTL on
 * `expiresAt`; a table that exists with the right keys is left as it is. Safe to run any number
 * of times, and concurrently (a lost CreateTable race is ResourceInUseException).
 */
export async function initStateTable(client: DynamoDBClient, table: string, options: { waitSeconds?: number } = {}): Promise<InitResult> {
  let created = false;
  const existing = await describe(client, table);
  if (existing === undefined) {
    try {
      await client.send(
        new CreateTableCommand({
          TableName: table,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: PARTITION_KEY, AttributeType: 'S' },
            { AttributeName: SORT_KEY, AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
            { AttributeName: SORT_KEY, KeyType: 'RANGE' },
          ],
          Tags: [{ Key: 'app', Value: 'appflow-gitops' }],
        }),
      );
      created = true;
    } catch (err) {
      if (errorName(err) !== 'ResourceInUseException') throw err;
    }
  } else {
    checkKeySchema(table, existing);
  }
  await waitUntilTableExists({ client, maxWaitTime: options.waitSeconds ?? 300, minDelay: 1, maxDelay: 5 }, { TableName: table });
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: table }));
  const status = ttl.TimeToLiveDescription?.TimeToLiveStatus;
  const attribute = ttl.TimeToLiveDescription?.AttributeName;
  if ((status === 'ENABLED' || status === 'ENABLING') && attribute !== TTL_ATTRIBUTE) {
    throw new Error(`state table "${table}" has TTL on "${attribute}", not "${TTL_ATTRIBUTE}"; it was not made by appflow-gitops`);
  }
  if (status !== 'ENABLED' && status !== 'ENABLING') {
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } }),
    );
  }
  return { created, ttlEnabled: true };
}

async function describe(client: DynamoDBClient, table: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: table }))).Table;
  } catch (err) {
    if (errorName(err) === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}

function checkKeySchema(table: string, description: TableDescription): void {
  const keys = (description.KeySchema ?? []).map((k) => `${k.AttributeName}:${k.KeyType}`).sort().join(',');
  if (keys !== `${PARTITION_KEY}:HASH,${SORT_KEY}:RANGE`) {
    throw new Error(`state table "${table}" exists with keys (${keys || 'unknown'}), not ${PARTITION_KEY} (hash) and ${SORT_KEY} (range); pick another table name`);
  }
}
