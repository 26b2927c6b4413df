// The lease's default timing, apart from the lease itself: `run`'s option defaults and the
// daemon's pause refresh need these numbers on every start, the lease (and the DynamoDB client it
// imports) only with --state dynamodb://TABLE.
export const DEFAULT_LEASE_MS = 15_000;
export const DEFAULT_HEARTBEAT_MS = 5_000;
