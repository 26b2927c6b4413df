// Fault injection, per AWS operation name or '*' for all. The HTTP layer asks, for each request and
// in this order: latency → throttle → failNext → (handle) → applyThenDrop.
//
// Throttling uses a sliding one-second window of admitted requests (real wall-clock time, not the
// injectable emulator clock, so a frozen test clock cannot disable it): a request is admitted when
// fewer than R requests were admitted in the preceding 1000 ms; rejected requests do not count.
import type { FaultController, FaultError } from './types.js';

interface PendingFailure {
  remaining: number;
  error: FaultError;
}

interface Throttle {
  requestsPerSecond: number;
  /** Admission times (ms, monotonic) within the last second, oldest first. */
  admitted: number[];
}

function positiveInteger(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative integer, got ${value}`);
}

export class Faults implements FaultController {
  private readonly failures = new Map<string, PendingFailure[]>();
  private readonly throttles = new Map<string, Throttle>();
  private readonly latencies = new Map<string, number>();
  private readonly drops = new Map<string, number>();
  /** Roles whose AssumeRole is refused (AccessDenied), and roles that require an ExternalId. */
  private readonly deniedRoles = new Set<string>();
  private readonly externalIds = new Map<string, string>();

  constructor(private readonly clock: () => number = () => performance.now()) {}

  failNext(operation: string, count: number, error: FaultError): void {
    positiveInteger(count, 'count');
    if (!Number.isInteger(error?.status) || error.status < 400 || error.status > 599) {
      throw new RangeError(`error.status must be an HTTP error status (400-599), got ${error?.status}`);
    }
    if (typeof error.code !== 'string' || error.code === '') throw new RangeError('error.code must be a non-empty string');
    if (count === 0) return;
    const queue = this.failures.get(operation) ?? [];
    queue.push({ remaining: count, error: { ...error } });
    this.failures.set(operation, queue);
  }

  throttle(operation: string, requestsPerSecond: number | undefined): void {
    if (requestsPerSecond === undefined || requestsPerSecond === null) {
      this.throttles.delete(operation);
      return;
    }
    if (!(requestsPerSecond > 0) || !Number.isFinite(requestsPerSecond)) {
      throw new RangeError(`requestsPerSecond must be a positive number, got ${requestsPerSecond}`);
    }
    this.throttles.set(operation, { requestsPerSecond, admitted: [] });
  }

  latency(operation: string, ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`ms must be a non-negative number, got ${ms}`);
    if (ms === 0) this.latencies.delete(operation);
    else this.latencies.set(operation, ms);
  }

  applyThenDrop(operation: string, count: number): void {
    positiveInteger(count, 'count');
    const total = (this.drops.get(operation) ?? 0) + count;
    if (total === 0) this.drops.delete(operation);
    else this.drops.set(operation, total);
  }

  denyRole(roleArn: string, denied = true): void {
    if (typeof roleArn !== 'string' || roleArn === '') throw new RangeError('roleArn must be a non-empty string');
    if (denied) this.deniedRoles.add(roleArn);
    else this.deniedRoles.delete(roleArn);
  }

  requireExternalId(roleArn: string, externalId: string | undefined): void {
    if (typeof roleArn !== 'string' || roleArn === '') throw new RangeError('roleArn must be a non-empty string');
    if (externalId === undefined || externalId === null) this.externalIds.delete(roleArn);
    else this.externalIds.set(roleArn, externalId);
  }

  /** Why AssumeRole of `roleArn` with `externalId` is refused, or undefined when it is allowed. */
  roleRefusal(roleArn: string, externalId: string | undefined): string | undefined {
    if (this.deniedRoles.has(roleArn)) return 'denied';
    const wanted = this.externalIds.get(roleArn);
    if (wanted !== undefined && wanted !== externalId) return 'external id';
    return undefined;
  }

  reset(): void {
    this.deniedRoles.clear();
    this.externalIds.clear();
    this.failures.clear();
    this.throttles.clear();
    this.latencies.clear();
    this.drops.clear();
  }

  // ---- used by the HTTP layer ----

  /** Latency to add: the operation's own setting, else the '*' setting. */
  latencyFor(operation: string): number {
    return this.latencies.get(operation) ?? this.latencies.get('*') ?? 0;
  }

  /** False when the call is over a rate limit (its own or the '*' one); an admitted call counts against both. */
  admit(operation: string): boolean {
    const now = this.clock();
    const applicable = [this.throttles.get(operation), this.throttles.get('*')].filter((t): t is Throttle => t !== undefined);
    for (const throttle of applicable) {
      while (throttle.admitted.length > 0 && now - throttle.admitted[0]! >= 1000) throttle.admitted.shift();
      if (throttle.admitted.length >= throttle.requestsPerSecond) return false;
    }
    for (const throttle of applicable) throttle.admitted.push(now);
    return true;
  }

  /** The injected error for this call, if one is pending (the operation's own queue first, then '*'). */
  takeFailure(operation: string): FaultError | undefined {
    for (const key of [operation, '*']) {
      const queue = this.failures.get(key);
      const head = queue?.[0];
      if (!queue || !head) continue;
      head.remaining--;
      if (head.remaining <= 0) queue.shift();
      if (queue.length === 0) this.failures.delete(key);
      return head.error;
    }
    return undefined;
  }

  /** True when this call's connection must be dropped after applying it. */
  takeDrop(operation: string): boolean {
    for (const key of [operation, '*']) {
      const left = this.drops.get(key);
      if (left === undefined) continue;
      if (left <= 1) this.drops.delete(key);
      else this.drops.set(key, left - 1);
      return true;
    }
    return false;
  }

  /** A description of the active faults (admin HTTP GET). */
  describe(): Record<string, unknown> {
    return {
      failNext: Object.fromEntries([...this.failures].map(([op, q]) => [op, q.map((f) => ({ count: f.remaining, error: f.error }))])),
      throttle: Object.fromEntries([...this.throttles].map(([op, t]) => [op, t.requestsPerSecond])),
      latency: Object.fromEntries(this.latencies),
      applyThenDrop: Object.fromEntries(this.drops),
      deniedRoles: [...this.deniedRoles],
      // Which roles want an ExternalId, never the value (it is a shared secret of sorts).
      externalIdRoles: [...this.externalIds.keys()],
    };
  }
}
