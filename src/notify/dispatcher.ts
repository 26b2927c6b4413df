// Delivery that never slows a pass: `enqueue` returns at once; each destination has its own lane
// (a bounded FIFO and one worker), so a receiver that is down delays only its own messages, and
// its messages keep their order (a GitHub `pending` never lands after the `success`). Each request
// is retried with exponential backoff and jitter (p-retry); a lane that is full drops its OLDEST
// waiting message (the newest says more about now). Every message ends delivered, failed or
// dropped, and the observer counts each (the daemon's metrics).
import pRetry from 'p-retry';
import type { Logger } from '../logging/logger.js';
import { DeliveryRejected, postDelivery } from './http-post.js';
import type { Delivery } from './types.js';

export type DeliveryResult = 'delivered' | 'failed' | 'dropped';

export interface DispatcherOptions {
  /** Messages waiting per destination; more drops the oldest. */
  maxQueue?: number;
  /** Retries after the first attempt. */
  retries?: number;
  /** First backoff (ms, before jitter) and the cap on one backoff. */
  minTimeoutMs?: number;
  maxTimeoutMs?: number;
  /** Cap on one request. */
  requestTimeoutMs?: number;
  observe?: (sink: string, result: DeliveryResult) => void;
  logger?: Logger;
  /** How a delivery is sent (tests may count); default: an HTTP POST. */
  send?: (delivery: Delivery, signal: AbortSignal) => Promise<void>;
}

export const DEFAULT_DISPATCH = { maxQueue: 100, retries: 5, minTimeoutMs: 1_000, maxTimeoutMs: 60_000, requestTimeoutMs: 10_000 } as const;

interface Lane {
  queue: Delivery[];
  running?: Promise<void>;
}

export class NotificationDispatcher {
  readonly #lanes = new Map<string, Lane>();
  readonly #options: Required<Omit<DispatcherOptions, 'logger' | 'observe' | 'send'>> & Pick<DispatcherOptions, 'logger' | 'observe'>;
  readonly #send: (delivery: Delivery, signal: AbortSignal) => Promise<void>;
  readonly #stop = new AbortController();
  #closed = false;

  constructor(options: DispatcherOptions = {}) {
    const { send, ...rest } = options;
    this.#options = { ...DEFAULT_DISPATCH, ...rest };
    this.#send = send ?? ((delivery, signal) => postDelivery(delivery, { timeoutMs: this.#options.requestTimeoutMs, signal }));
  }

  /** Queues `deliveries` on the lane of one destination and returns at once. */
  enqueue(lane: string, deliveries: readonly Delivery[]): void {
    if (deliveries.length === 0) return;
    if (this.#closed) {
      for (const delivery of deliveries) this.#settle(delivery, 'dropped');
      return;
    }
    let state = this.#lanes.get(lane);
    if (!state) {
      state = { queue: [] };
      this.#lanes.set(lane, state);
    }
    state.queue.push(...deliveries);
    while (state.queue.length > this.#options.maxQueue) this.#settle(state.queue.shift()!, 'dropped');
    state.running ??= this.#work(state);
  }

  /** Resolves when every lane is empty (tests and one-shot commands wait on this). */
  async idle(): Promise<void> {
    for (;;) {
      const running = [...this.#lanes.values()].map((lane) => lane.running).filter((p): p is Promise<void> => p !== undefined);
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  /**
   * Stops taking messages and waits up to `graceMs` for the lanes to empty; then aborts what is
   * left (waiting retries included), counting it as dropped.
   */
  async close(graceMs: number): Promise<void> {
    this.#closed = true;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
      timer.unref();
    });
    await Promise.race([this.idle(), deadline]);
    clearTimeout(timer);
    this.#stop.abort();
    await this.idle();
  }

  async #work(lane: Lane): Promise<void> {
    try {
      for (let next = lane.queue.shift(); next !== undefined; next = lane.queue.shift()) {
        if (this.#stop.signal.aborted) {
          this.#settle(next, 'dropped');
          continue;
        }
        await this.#deliver(next);
      }
    } finally {
      lane.running = undefined;
    }
  }

  async #deliver(delivery: Delivery): Promise<void> {
    const signal = this.#stop.signal;
    try {
      await pRetry(() => this.#send(delivery, signal), {
        retries: this.#options.retries,
        factor: 2,
        minTimeout: this.#options.minTimeoutMs,
        maxTimeout: this.#options.maxTimeoutMs,
        randomize: true,
        signal,
        onFailedAttempt: ({ error, retriesLeft }) => {
          if (retriesLeft > 0 && !(error instanceof DeliveryRejected)) {
            this.#options.logger?.debug({ event: 'notification.retry', sink: delivery.sink, error: error.message, retriesLeft }, `${delivery.sink} notification: will retry`);
          }
        },
      });
    } catch (err) {
      if (signal.aborted) {
        this.#settle(delivery, 'dropped');
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      this.#options.logger?.warn({ event: 'notification.failed', sink: delivery.sink, error: message }, `${delivery.sink} notification not delivered: ${message}`);
      this.#settle(delivery, 'failed');
      return;
    }
    this.#settle(delivery, 'delivered');
  }

  #settle(delivery: Delivery, result: DeliveryResult): void {
    if (result !== 'delivered') delivery.onFailed?.();
    if (result === 'dropped') this.#options.logger?.warn({ event: 'notification.dropped', sink: delivery.sink }, `${delivery.sink} notification dropped`);
    this.#options.observe?.(delivery.sink, result);
  }
}
