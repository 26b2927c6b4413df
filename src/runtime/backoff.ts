// Per-profile backoff. A profile whose write failed is left out of the next passes for a while,
// doubling each time up to a cap, so one broken profile never slows or floods the loop for the
// others. A terminal failure (AWS rejected the request itself: ValidationException,
// ConnectorAuthenticationException, ...) is not retried on a timer at all: only a change to its
// input (file content or resolved secret) releases it, because resending the same request would
// get the same answer. Pure bookkeeping: time comes in as arguments.
import { withJitter } from './duration.js';

export interface BackoffPolicy {
  /** Delay after the first failure. */
  initialMs: number;
  /** Upper bound of the delay. */
  maxMs: number;
  /** Multiplier per consecutive failure. */
  factor: number;
  /** Random spread, e.g. 0.1 = ±10%, so many failing profiles do not retry in lockstep. */
  jitter: number;
}

/** controller-runtime backs off 5 ms → 1000 s; our writes already retry inside one pass, so start higher. */
export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 15_000, maxMs: 10 * 60_000, factor: 2, jitter: 0.1 };

export interface BackoffEntry {
  failures: number;
  /** ms since epoch; Infinity for terminal failures (waits for an input change). */
  retryAt: number;
  terminal: boolean;
  /** Digest of the inputs (document + credentials fingerprint) that failed. */
  inputKey: string | undefined;
}

export class ProfileBackoff {
  readonly #policy: BackoffPolicy;
  readonly #random: () => number;
  readonly #entries = new Map<string, BackoffEntry>();

  constructor(policy: Partial<BackoffPolicy> = {}, random: () => number = Math.random) {
    this.#policy = { ...DEFAULT_BACKOFF, ...policy };
    this.#random = random;
  }

  recordFailure(name: string, failure: { terminal: boolean; inputKey?: string }, now: number): BackoffEntry {
    const failures = (this.#entries.get(name)?.failures ?? 0) + 1;
    const { initialMs, maxMs, factor, jitter } = this.#policy;
    const delay = Math.min(maxMs, withJitter(initialMs * factor ** (failures - 1), jitter, this.#random));
    const entry: BackoffEntry = {
      failures,
      retryAt: failure.terminal ? Number.POSITIVE_INFINITY : now + delay,
      terminal: failure.terminal,
      inputKey: failure.inputKey,
    };
    this.#entries.set(name, entry);
    return entry;
  }

  /** Success (or the profile is gone): forget its failures. */
  clear(name: string): void {
    this.#entries.delete(name);
  }

  /** Releases the entry when the profile's inputs differ from the ones that failed. */
  releaseIfInputChanged(name: string, inputKey: string | undefined): boolean {
    const entry = this.#entries.get(name);
    if (!entry || entry.inputKey === inputKey) return false;
    this.#entries.delete(name);
    return true;
  }

  get(name: string): BackoffEntry | undefined {
    return this.#entries.get(name);
  }

  /** Names that must not be written at `now`. */
  blockedNames(now: number): Set<string> {
    const blocked = new Set<string>();
    for (const [name, entry] of this.#entries) if (entry.retryAt > now) blocked.add(name);
    return blocked;
  }

  /** Earliest finite retry time of a blocked entry, for arming the wake-up timer. */
  nextRetryAt(now: number): number | undefined {
    let next: number | undefined;
    for (const entry of this.#entries.values()) {
      if (entry.retryAt > now && Number.isFinite(entry.retryAt)) next = Math.min(next ?? entry.retryAt, entry.retryAt);
    }
    return next;
  }

  names(): string[] {
    return [...this.#entries.keys()];
  }

  get size(): number {
    return this.#entries.size;
  }
}
