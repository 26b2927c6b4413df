// The layout the shared-state targets tests share: DynamoDB Local beside the emulator, and two
// declared targets in two accounts (dev-us with the default keys in us-east-1; prod-eu in
// eu-west-1, reached through a role assumed with STS), each seeded with the Datadog secret `dd`
// holding sentinel values that no output or table item may contain.
import { stringify } from 'yaml';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { createStateTableClient, type StateTableClient } from '../../src/state/dynamodb/client.js';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.js';
import { startEmulatorHarness, type EmulatorHarness } from './emulator-harness.js';

export const PROD_ROLE = 'arn:aws:iam::222222222222:role/appflow-gitops';
export const DEV = { accountId: '123456789012', region: 'us-east-1' } as const;
export const PROD = { accountId: '222222222222', region: 'eu-west-1' } as const;
/** The state keys of the two targets (account/region@endpoint; the emulator's endpoint reads `local`). */
export const DEV_KEY = '123456789012/us-east-1@local';
export const PROD_KEY = '222222222222/eu-west-1@local';

/** appflow-gitops.yaml: dev-us takes dev/, prod-eu takes prod/. */
export const TWO_TARGETS_CONFIG = stringify({
  targets: [
    { name: 'dev-us', region: 'us-east-1', paths: ['dev/'] },
    { name: 'prod-eu', region: 'eu-west-1', accountId: '222222222222', roleArn: PROD_ROLE, paths: ['prod/'] },
  ],
});

/** Seeds the secret `dd` (apiKey, applicationKey made of `sentinel`) in both targets' partitions. */
export function seedSentinelSecrets(emulator: RunningEmulator, sentinel: string): void {
  for (const place of [DEV, PROD]) {
    emulator.seed({ ...place, secrets: [{ name: 'dd', secretString: JSON.stringify({ apiKey: `${sentinel}-a`, applicationKey: `${sentinel}-b` }) }] });
  }
}

/** DynamoDB Local, the emulator, and a table client on DynamoDB Local; `stop` ends all three. */
export interface SharedStateRig {
  ddb: DynamoDbLocal;
  harness: EmulatorHarness;
  table: StateTableClient;
  stop(): Promise<void>;
}

export async function startSharedStateRig(): Promise<SharedStateRig> {
  const [ddb, harness] = await Promise.all([startDynamoDbLocal(), startEmulatorHarness()]);
  const table = createStateTableClient(ddb.sdkConfig());
  return {
    ddb,
    harness,
    table,
    async stop() {
      table.destroy();
      await Promise.all([ddb.stop(), harness.close()]);
    },
  };
}
