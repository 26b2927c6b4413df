// The shared DynamoDB state's code, loaded only when --state names a table. The DynamoDB client
// and lib-dynamodb cost about 40 ms of start-up (more under load) that a run on a state directory,
// the common case, never uses; the commands reach them through this one loader.
export async function sharedStateModules() {
  const [runtime, client, store, targetStores, table] = await Promise.all([
    import('../runtime/shared-state.js'),
    import('../state/dynamodb/client.js'),
    import('../state/dynamodb/dynamodb-state-store.js'),
    import('../state/dynamodb/target-stores.js'),
    import('../state/dynamodb/table.js'),
  ]);
  return {
    ledElsewhere: runtime.ledElsewhere,
    openSharedState: runtime.openSharedState,
    createStateTableClient: client.createStateTableClient,
    createDynamoDbStateStore: store.createDynamoDbStateStore,
    SHARED_STATE_DIGEST_KEY: store.SHARED_STATE_DIGEST_KEY,
    joinTargetStores: targetStores.joinTargetStores,
    StateTableMissingError: table.StateTableMissingError,
  };
}
