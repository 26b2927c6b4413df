// The write retry policy and its budget, in one place.
//
// Two layers could retry a write: the AWS SDK (its `maxAttempts`) and p-retry here. They multiply,
// so the adapters are built with `writeMaxAttempts: 1` (WRITE_SDK_MAX_ATTEMPTS) and p-retry is
// the only retry layer for writes. That keeps every attempt of one write under our control: each
// carries the same clientToken, and an uncertain create is resolved by Describe before the next.
//
// Budget per write, with the defaults below:
//   attempts  = WRITE_SDK_MAX_ATTEMPTS × (retries + 1) = 1 × 6 = 6
//   backoff   = min(maxTimeout, minTimeout × factor^n × jitter), jitter ∈ [1, 2)
//             ≤ 0.4 + 0.8 + 1.6 + 3.2 + 6.4 = 12.4 s across the 5 waits (jitter-free: 6.2 s)
//   wall time ≤ maxRetryTime (60 s): p-retry stops retrying once the write has run that long, so
//             backoff plus six request timeouts never keeps a profile busy for more than about a minute.
//
// Throttling is the exception: a ThrottlingException (429) says the account's write rate is full,
// not that anything is wrong, and the rate frees up again within the second. A throttled attempt
// pauses throttlePauseMs to twice that (100 to 200 ms) and tries again WITHOUT using a retry, up to
// throttlePauses times per write (30 pauses: at most 6 s); past that, throttles back off like any
// other error. The exponential backoff left the writers asleep while the rate window had room:
// `npm run bench` measured 75-92% of a 50/s limit across runs with it (issue 17). Every pause
// still counts against maxRetryTime. More 429s are the price (each one is a cheap refusal).
// Reads (Describe, secrets) keep the SDK's own standard retry (3 attempts) because they are safe
// to repeat and carry no token.
import type { Options as PRetryOptions } from 'p-retry';
import type { WriteRetrySettings } from './types.js';

/** SDK attempts per write call: p-retry is the only retry layer for writes. */
export const WRITE_SDK_MAX_ATTEMPTS = 1;

export const DEFAULT_WRITE_RETRY: Readonly<WriteRetrySettings> = Object.freeze({
  /** Retries after the first attempt (6 attempts in all). */
  retries: 5,
  /** Exponential factor between waits. */
  factor: 2,
  /**
   * First wait, 200 ms before jitter. A throttled write should come back inside the next second:
   * with 500 ms the writers idled through most of a rate window, and `npm run bench` measured 70-77%
   * of a 50/s limit against 89-95% with 200 ms (same run, same machine).
   */
  minTimeout: 200,
  /** No single wait longer than 8 s. */
  maxTimeout: 8_000,
  /** Stop retrying one write after 60 s. */
  maxRetryTime: 60_000,
  /** A throttled attempt waits 100 to 200 ms, then tries again without using a retry... */
  throttlePauseMs: 100,
  /** ...up to 30 times per write (at most 6 s of pauses). */
  throttlePauses: 30,
});

/** Worst-case attempts and backoff of one write under `settings` (documented budget; tested). */
export function writeRetryBudget(settings: WriteRetrySettings = DEFAULT_WRITE_RETRY): {
  attempts: number;
  maxBackoffMs: number;
} {
  let maxBackoffMs = 0;
  for (let n = 0; n < settings.retries; n++) {
    // p-retry: round(random × minTimeout × factor^n) with random ∈ [1, 2), then capped.
    maxBackoffMs += Math.min(settings.maxTimeout, 2 * settings.minTimeout * settings.factor ** n);
  }
  return { attempts: WRITE_SDK_MAX_ATTEMPTS * (settings.retries + 1), maxBackoffMs };
}

/** Merges overrides, failing fast on nonsense so a typo cannot disable backoff silently. */
export function resolveWriteRetry(overrides: Partial<WriteRetrySettings> = {}): WriteRetrySettings {
  const merged: WriteRetrySettings = { ...DEFAULT_WRITE_RETRY };
  for (const [key, value] of Object.entries(overrides) as [keyof WriteRetrySettings, number | undefined][]) {
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`retry.${key} must be a non-negative number, got ${String(value)}`);
    }
    merged[key] = value;
  }
  if (!Number.isInteger(merged.throttlePauses)) throw new RangeError(`retry.throttlePauses must be a whole number, got ${merged.throttlePauses}`);
  if (merged.factor < 1) throw new RangeError(`retry.factor must be >= 1, got ${merged.factor}`);
  if (merged.maxTimeout < merged.minTimeout) {
    throw new RangeError(`retry.maxTimeout (${merged.maxTimeout}) must be >= retry.minTimeout (${merged.minTimeout})`);
  }
  return merged;
}

/** p-retry options for one write: exponential backoff with jitter on (p-retry's default is off). */
export function pRetryOptions(settings: WriteRetrySettings, signal?: AbortSignal): PRetryOptions {
  return {
    retries: settings.retries,
    factor: settings.factor,
    minTimeout: settings.minTimeout,
    maxTimeout: settings.maxTimeout,
    maxRetryTime: settings.maxRetryTime,
    randomize: true,
    signal,
    unref: false,
  };
}

/** The pause before a throttled attempt is tried again: `throttlePauseMs` to twice that (jitter spreads the writers out). */
export function throttlePauseMs(settings: WriteRetrySettings, random: () => number = Math.random): number {
  return Math.round(settings.throttlePauseMs * (1 + random()));
}
