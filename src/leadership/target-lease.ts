// Leadership of one target: a lease item in the state table (pk target#<TARGET>, sk lease), after
// the design of AWS's DynamoDB lock client.
//
//   acquire   a conditional write: the item is absent, released (no owner), or its record
//             version number (rvn, a fresh UUID at every write) has not changed for one full
//             lease duration as measured on THIS replica's monotonic clock; no clock of another
//             machine is ever compared with ours.
//   renew     every heartbeat, rewrite rvn on condition that owner, rvn and fence are still ours.
//   release   on shutdown: remove the owner (rvn changes), so a standby takes over at its next
//             heartbeat instead of waiting out the lease.
//   fence     a counter that grows at every acquisition by a new holder; every state write is
//             conditional on (owner, fence), see the DynamoDB state store's leaseGuard.
//
// Validity: a renewal sent at monotonic time t0 proves the lease until t0 + leaseMs (a standby
// first saw that rvn no earlier than t0 and waits leaseMs of its own time). The leader stops
// writing `safetyMs` before that, and a replica paused past it (GC, SIGSTOP) finds its validity
// gone when it wakes: it writes nothing until a conditional renewal succeeds again.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

import { DEFAULT_HEARTBEAT_MS, DEFAULT_LEASE_MS } from './lease-timing.js';

export { DEFAULT_HEARTBEAT_MS, DEFAULT_LEASE_MS };

export type LeaseRole = 'leader' | 'standby';

export interface LeaseStatus {
  /** The target's state key (the lease's partition). */
  target: string;
  /** The target's name (appflow-gitops.yaml, or 'default'), beside its key in /status. */
  name?: string;
  role: LeaseRole;
  /** The replica holding the lease as last read (this one when leader); undefined when free. */
  holder?: string;
  /** Leader: when this replica stops writing unless renewed (its own clock). Standby: the holder's announced expiry. */
  leaseExpiresAt?: string;
  /** The fencing counter of the current holder. */
  fence?: number;
  /** False when the last call to the table failed (a standby that cannot watch is not healthy). */
  healthy: boolean;
}

export interface TargetLeaseOptions {
  doc: DynamoDBDocumentClient;
  table: string;
  target: string;
  /** This replica's id (host name, pid and a random suffix): unique per process. */
  owner: string;
  leaseMs?: number;
  heartbeatMs?: number;
  /** Stop writing this long before the lease could lapse; default max(heartbeat, lease / 5). */
  safetyMs?: number;
  /** Monotonic milliseconds (performance.now); injectable for tests. */
  monotonicNow?: () => number;
  /** Called when this replica becomes leader or stops being one. */
  onRoleChange?: (role: LeaseRole, status: LeaseStatus) => void;
  onError?: (err: unknown) => void;
}

/** This replica cannot prove it holds the lease: it must not write state nor call AppFlow. */
export class LeaseNotHeldError extends Error {
  readonly code = 'lease.not-held';
  constructor(target: string, why: string) {
    super(`not the leader of target ${target}: ${why}; the write was not made`);
    this.name = 'LeaseNotHeldError';
  }
}

interface LeaseItem {
  owner?: string;
  rvn: string;
  fence: number;
  leaseMs: number;
  leaseUntil?: string;
}

function isConditionFailure(err: unknown): boolean {
  return err instanceof Error && err.name === 'ConditionalCheckFailedException';
}

export class TargetLease {
  readonly #o: Required<Omit<TargetLeaseOptions, 'onRoleChange' | 'onError'>> & Pick<TargetLeaseOptions, 'onRoleChange' | 'onError'>;
  readonly #key: { pk: string; sk: string };
  #role: LeaseRole = 'standby';
  /** Ours while leader: the rvn we last wrote and our fence. */
  #rvn: string | undefined;
  #fence: number | undefined;
  #validUntil = -Infinity;
  /** Standby: the rvn being watched and when (our clock) we first saw it. */
  #watched: { rvn: string; since: number } | undefined;
  #lastSeen: LeaseItem | undefined;
  #healthy = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #tick: Promise<void> = Promise.resolve();

  constructor(options: TargetLeaseOptions) {
    const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    if (heartbeatMs * 2 > leaseMs) throw new RangeError(`heartbeat (${heartbeatMs} ms) must be at most half the lease (${leaseMs} ms)`);
    this.#o = {
      ...options,
      leaseMs,
      heartbeatMs,
      safetyMs: options.safetyMs ?? Math.max(heartbeatMs, Math.round(leaseMs / 5)),
      monotonicNow: options.monotonicNow ?? (() => performance.now()),
    };
    this.#key = { pk: `target#${options.target}`, sk: 'lease' };
  }

  get target(): string {
    return this.#o.target;
  }

  get role(): LeaseRole {
    return this.#role;
  }

  /** Starts the heartbeat loop; the first attempt runs at once. */
  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  /** One acquire-or-renew round now (tests; the loop calls it every heartbeat). */
  heartbeat(): Promise<void> {
    this.#tick = this.#tick.then(() => this.#round()).catch((err: unknown) => this.#o.onError?.(err));
    return this.#tick;
  }

  /** Stops the loop and, when leader, releases the lease so a standby takes over at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#tick.catch(() => undefined);
    if (this.#role !== 'leader' || this.#rvn === undefined) return;
    const rvn = this.#rvn;
    this.#setRole('standby');
    try {
      await this.#o.doc.send(
        new UpdateCommand({
          TableName: this.#o.table,
          Key: this.#key,
          UpdateExpression: 'REMOVE #owner, leaseUntil SET rvn = :next',
          ConditionExpression: '#owner = :me AND rvn = :rvn',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':me': this.#o.owner, ':rvn': rvn, ':next': randomUUID() },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err; // someone took over already: nothing to release
    }
  }

  /**
   * The condition for a state write, checked locally (no call): this replica is leader and its
   * lease cannot have lapsed. Throws LeaseNotHeldError otherwise.
   */
  guard(): { owner: string; fence: number } {
    if (this.#role !== 'leader' || this.#fence === undefined) throw new LeaseNotHeldError(this.#o.target, 'this replica is a standby');
    if (this.#o.monotonicNow() >= this.#validUntil) {
      throw new LeaseNotHeldError(this.#o.target, 'the lease was not renewed in time (paused or cut off from DynamoDB)');
    }
    return { owner: this.#o.owner, fence: this.#fence };
  }

  /**
   * Re-reads the lease (strongly consistent) right before a mutating AppFlow call, which cannot
   * check a fencing token itself: the write goes out only if the item still names this replica
   * with its fence, and the lease is still locally valid.
   */
  async confirm(): Promise<void> {
    const guard = this.guard();
    const item = await this.#read();
    if (item?.owner !== guard.owner || item.fence !== guard.fence) {
      this.#setRole('standby');
      throw new LeaseNotHeldError(this.#o.target, `the lease is now held by ${item?.owner ?? 'nobody'}`);
    }
    this.guard();
  }

  status(): LeaseStatus {
    const leader = this.#role === 'leader';
    const remaining = this.#validUntil - this.#o.monotonicNow();
    return {
      target: this.#o.target,
      role: this.#role,
      holder: leader ? this.#o.owner : this.#lastSeen?.owner,
      leaseExpiresAt: leader ? new Date(Date.now() + Math.max(0, remaining)).toISOString() : this.#lastSeen?.owner ? this.#lastSeen.leaseUntil : undefined,
      fence: leader ? this.#fence : this.#lastSeen?.fence,
      healthy: this.#healthy,
    };
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      void this.heartbeat().finally(() => this.#schedule(this.#o.heartbeatMs));
    }, delayMs);
  }

  async #round(): Promise<void> {
    if (this.#stopped) return;
    try {
      if (this.#role === 'leader') await this.#renew();
      else await this.#tryAcquire();
      this.#healthy = true;
    } catch (err) {
      this.#healthy = false;
      // A leader whose validity ran out while the table could not be reached is no longer one.
      if (this.#role === 'leader' && this.#o.monotonicNow() >= this.#validUntil) this.#setRole('standby');
      throw err;
    }
  }

  async #renew(): Promise<void> {
    const sentAt = this.#o.monotonicNow();
    const next = randomUUID();
    try {
      await this.#o.doc.send(
        new UpdateCommand({
          TableName: this.#o.table,
          Key: this.#key,
          UpdateExpression: 'SET rvn = :next, leaseMs = :leaseMs, leaseUntil = :until',
          ConditionExpression: '#owner = :me AND rvn = :rvn AND fence = :fence',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':me': this.#o.owner, ':rvn': this.#rvn, ':fence': this.#fence, ':next': next, ':leaseMs': this.#o.leaseMs, ':until': this.#announcedExpiry() },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      this.#setRole('standby'); // taken over (or released) while we were away
      return;
    }
    const lapsed = this.#o.monotonicNow() >= this.#validUntil;
    this.#rvn = next;
    this.#validUntil = sentAt + this.#o.leaseMs - this.#o.safetyMs;
    // Writes were refused while the lease could not be proven (a pause, a slow table): the
    // renewal proves nobody took over, so say "leader" again and let the daemon retry at once.
    if (lapsed) this.#o.onRoleChange?.('leader', this.status());
  }

  async #tryAcquire(): Promise<void> {
    const item = await this.#read();
    const now = this.#o.monotonicNow();
    if (item?.owner !== undefined && item.owner !== this.#o.owner) {
      // Held by another replica: take over only once its rvn has not moved for a full lease.
      if (this.#watched?.rvn !== item.rvn) {
        this.#watched = { rvn: item.rvn, since: now };
        return;
      }
      if (now - this.#watched.since < item.leaseMs) return;
    }
    const next = randomUUID();
    const sentAt = this.#o.monotonicNow();
    const values = { ':me': this.#o.owner, ':next': next, ':leaseMs': this.#o.leaseMs, ':until': this.#announcedExpiry() };
    let fence: number;
    try {
      if (item === undefined) {
        fence = 1;
        await this.#o.doc.send(
          new PutCommand({
            TableName: this.#o.table,
            Item: { ...this.#key, owner: this.#o.owner, rvn: next, fence, leaseMs: this.#o.leaseMs, leaseUntil: values[':until'] },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } else {
        // Free, expired, or ours from before (same process): a new holder bumps the fence.
        const same = item.owner === this.#o.owner;
        fence = same ? item.fence : item.fence + 1;
        await this.#o.doc.send(
          new UpdateCommand({
            TableName: this.#o.table,
            Key: this.#key,
            UpdateExpression: 'SET #owner = :me, rvn = :next, fence = :fence, leaseMs = :leaseMs, leaseUntil = :until',
            ConditionExpression: 'rvn = :seen',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: { ...values, ':seen': item.rvn, ':fence': fence },
          }),
        );
      }
    } catch (err) {
      if (isConditionFailure(err)) {
        this.#watched = undefined; // someone else moved first: watch again
        return;
      }
      throw err;
    }
    this.#rvn = next;
    this.#fence = fence;
    this.#validUntil = sentAt + this.#o.leaseMs - this.#o.safetyMs;
    this.#watched = undefined;
    this.#setRole('leader');
  }

  async #read(): Promise<LeaseItem | undefined> {
    const out = await this.#o.doc.send(new GetCommand({ TableName: this.#o.table, Key: this.#key, ConsistentRead: true }));
    const item = out.Item as LeaseItem | undefined;
    this.#lastSeen = item;
    return item;
  }

  /** The expiry shown to others (/status of standbys): informational only, never trusted by code. */
  #announcedExpiry(): string {
    return new Date(Date.now() + this.#o.leaseMs).toISOString();
  }

  #setRole(role: LeaseRole): void {
    if (role === 'standby') {
      this.#validUntil = -Infinity;
      if (this.#role === 'leader') {
        this.#rvn = undefined;
        this.#fence = undefined;
      }
    }
    if (this.#role === role) return;
    this.#role = role;
    this.#o.onRoleChange?.(role, this.status());
  }
}
