// A declared target's shared state opens only once STS has confirmed its account (identify()),
// so for a moment after start its pause item cannot be read. A replica starting while the fleet
// is suspended through another target must not take that moment for "no pause": the fleet's
// pause read waits for the target's first attempt to open (DynamoDB Local, real SDK client).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppFlowPort, AwsTarget } from '../../src/aws/ports.js';
import type { TargetAdapters } from '../../src/aws/target-adapters.js';
import { createSilentLogger } from '../../src/logging/logger.js';
import { openSharedState, openTargetSharedState, sharedPauseStorage, type SharedStateSettings } from '../../src/runtime/shared-state.js';
import type { DynamoDbLocal } from '../support/dynamodb-local.js';
import { startLocalStateTable, type LocalStateTable } from '../support/local-state-table.js';

const TABLE = 'pause-at-start';
const SINCE = '2026-12-02T00:00:00.000Z';
const PROD: AwsTarget = { key: '222222222222/eu-west-1@local', region: 'eu-west-1', identity: 'test', endpoint: 'local', name: 'prod-eu', accountId: '222222222222' };
let ddb: DynamoDbLocal;

let local: LocalStateTable | undefined;

beforeAll(async () => {
  local = await startLocalStateTable(TABLE);
  ({ ddb } = local);
}, 120_000);

afterAll(() => local?.stop());

/** Adapters whose identify() answers when the test says so; no AppFlow call is made here. */
function heldAdapters(target: AwsTarget): { adapters: TargetAdapters; confirm: () => void } {
  let confirm!: () => void;
  const confirmed = new Promise<AwsTarget>((resolve) => (confirm = () => resolve(target)));
  const adapters = {
    target: { name: target.name, region: target.region, implicit: false },
    identify: () => confirmed,
    appflow: {} as AppFlowPort,
    credentials: ddb.sdkConfig().credentials,
    destroy: () => undefined,
  } as unknown as TargetAdapters;
  return { adapters, confirm };
}

describe('the pause of a declared target whose shared state is still opening', () => {
  it('is read once the first attempt to open has settled, not taken for "no pause"', async () => {
    const settings: SharedStateSettings = { table: TABLE, client: { endpoint: ddb.endpoint, credentials: ddb.sdkConfig().credentials } };
    // Another replica suspended the fleet through prod-eu.
    const other = openSharedState(settings, PROD, {} as AppFlowPort, createSilentLogger());
    await other.pause.write(SINCE);
    await other.stop();

    const { adapters, confirm } = heldAdapters(PROD);
    const opening = openTargetSharedState(settings, adapters, createSilentLogger(), 60_000);
    opening.start(() => undefined);
    const read = sharedPauseStorage([opening]).read();
    confirm();
    expect(await read).toBe(SINCE);
    await opening.stop();
  }, 60_000);
});
