// AppFlow and Secrets Manager state per account and region, as AWS keeps it: a profile created
// in one account or region is invisible from every other. The default partition (the emulator's
// --account and --region) is the one seeds, the state file's top level and the test hooks use
// unless told otherwise; others are created on first use, up to a bound.
import type { ServiceContext } from './context.js';
import { ApiError } from './api-error.js';
import { IdempotencyRegistry } from './idempotency.js';
import { EmulatorStore } from './store.js';
import type { TokenMismatchError } from './types.js';

/** Each partition costs a store; a caller inventing regions must not grow the emulator without end. */
export const MAX_PARTITIONS = 64;

// Properties, not methods: each partition's context calls them detached from this object.
export interface PartitionShared {
  now: () => number;
  profileQuota: () => number;
  changed: () => void;
  tokenMismatchError: () => TokenMismatchError;
}

export const partitionKey = (accountId: string, region: string): string => `${accountId}/${region}`;

export class Partitions {
  private readonly byKey = new Map<string, ServiceContext>();
  readonly defaultContext: ServiceContext;

  constructor(
    readonly defaultAccountId: string,
    readonly defaultRegion: string,
    private readonly shared: PartitionShared,
  ) {
    this.defaultContext = this.create(defaultAccountId, defaultRegion);
  }

  private create(accountId: string, region: string): ServiceContext {
    const store = new EmulatorStore();
    const ctx: ServiceContext = {
      store,
      idempotency: new IdempotencyRegistry(store.tokens, this.shared.tokenMismatchError),
      region,
      accountId,
      now: this.shared.now,
      profileQuota: this.shared.profileQuota,
      changed: this.shared.changed,
    };
    this.byKey.set(partitionKey(accountId, region), ctx);
    return ctx;
  }

  /** The partition of an account and region, created on first use. */
  get(accountId: string = this.defaultAccountId, region: string = this.defaultRegion): ServiceContext {
    const existing = this.byKey.get(partitionKey(accountId, region));
    if (existing) return existing;
    if (this.byKey.size >= MAX_PARTITIONS) {
      throw new ApiError(400, 'LimitExceededException', `The emulator keeps at most ${MAX_PARTITIONS} account/region partitions.`);
    }
    return this.create(accountId, region);
  }

  /** Existing partitions only (never creates). */
  find(accountId: string, region: string): ServiceContext | undefined {
    return this.byKey.get(partitionKey(accountId, region));
  }

  all(): ServiceContext[] {
    return [...this.byKey.values()];
  }

  /** Empties every partition and forgets all but the default one. */
  clear(): void {
    for (const ctx of this.byKey.values()) ctx.store.clear();
    for (const key of [...this.byKey.keys()]) if (key !== partitionKey(this.defaultAccountId, this.defaultRegion)) this.byKey.delete(key);
  }
}
