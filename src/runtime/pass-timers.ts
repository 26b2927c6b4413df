// The daemon's three timed triggers, each only a request to the single-flight scheduler:
//   resync      the jittered periodic pass, measured from the end of the last pass;
//   backoff     wakes the loop when the earliest per-profile backoff expires;
//   pass retry  after a pass that failed as a whole, a retry sooner than the resync.
import type { Clock, TimerHandle } from './clock.js';
import { withJitter } from './duration.js';
import type { TriggerReason } from './scheduler.js';

export const DEFAULT_RESYNC_INTERVAL_MS = 5 * 60_000;
export const RESYNC_JITTER = 0.1;

/**
 * Retry of a pass that failed as a whole (AWS unreachable, state unreadable). Waiting the full
 * resync interval would keep /readyz at 503 for minutes after AWS came back, so a failed pass is
 * retried sooner: 5 s, doubling per consecutive failure, capped at 2 min and never later than half
 * the interval, ±10% jitter. One successful pass resets it. The retry is only a request to the
 * single-flight scheduler, so it coalesces with every other trigger.
 */
export interface PassRetryPolicy {
  initialMs: number;
  maxMs: number;
}
export const DEFAULT_PASS_RETRY: PassRetryPolicy = { initialMs: 5_000, maxMs: 2 * 60_000 };
const PASS_RETRY_JITTER = 0.1;

/** Delay before retrying after `consecutiveFailures` failed passes (≥ 1). Pure. */
export function passRetryDelayMs(
  consecutiveFailures: number,
  policy: PassRetryPolicy,
  resyncIntervalMs: number,
  random: () => number,
): number {
  const cap = Math.min(policy.maxMs, resyncIntervalMs / 2);
  const base = policy.initialMs * 2 ** Math.min(consecutiveFailures - 1, 30);
  return Math.max(1, Math.round(Math.min(cap, withJitter(Math.min(base, cap), PASS_RETRY_JITTER, random))));
}

export interface PassTimersOptions {
  clock: Clock;
  random: () => number;
  resyncIntervalMs: number;
  passRetry: PassRetryPolicy;
  /** What each timer does when it fires: ask for a pass. */
  request: (reason: TriggerReason) => void;
}

export class PassTimers {
  readonly #opts: PassTimersOptions;
  #resync: TimerHandle | undefined;
  #resyncAt: number | undefined;
  #backoff: TimerHandle | undefined;
  #passRetry: TimerHandle | undefined;
  #passRetryAt: number | undefined;

  constructor(options: PassTimersOptions) {
    this.#opts = options;
  }

  /** When the next periodic pass is due (ms since epoch). */
  get resyncAt(): number | undefined {
    return this.#resyncAt;
  }

  /** When a failed pass is retried, if one is pending. */
  get passRetryAt(): number | undefined {
    return this.#passRetryAt;
  }

  armResync(): void {
    this.#resync?.cancel();
    const { clock, random, resyncIntervalMs } = this.#opts;
    const delay = withJitter(resyncIntervalMs, RESYNC_JITTER, random);
    this.#resyncAt = clock.now() + delay;
    this.#resync = clock.setTimer(() => this.#opts.request('resync'), delay);
  }

  /** Wakes the loop at `retryAt` (the earliest backoff expiry), or disarms when undefined. */
  armBackoffWakeup(retryAt: number | undefined): void {
    this.#backoff?.cancel();
    this.#backoff = undefined;
    if (retryAt === undefined) return;
    this.#backoff = this.#opts.clock.setTimer(() => this.#opts.request('backoff'), retryAt - this.#opts.clock.now());
  }

  /** Arms the retry after `consecutiveFailures` failed passes; 0 cancels a pending one. Returns the delay. */
  armPassRetry(consecutiveFailures: number): number | undefined {
    this.#passRetry?.cancel();
    this.#passRetry = undefined;
    this.#passRetryAt = undefined;
    if (consecutiveFailures === 0) return undefined;
    const { clock, random, resyncIntervalMs, passRetry } = this.#opts;
    const delay = passRetryDelayMs(consecutiveFailures, passRetry, resyncIntervalMs, random);
    this.#passRetryAt = clock.now() + delay;
    this.#passRetry = clock.setTimer(() => this.#opts.request('backoff'), delay);
    return delay;
  }

  cancelAll(): void {
    this.#resync?.cancel();
    this.#backoff?.cancel();
    this.#passRetry?.cancel();
    this.#passRetryAt = undefined;
  }
}
