// Single-flight, level-triggered reconcile scheduler. Triggers (file events, resync timer,
// SIGHUP, POST /reconcile, backoff expiry) only *request* a reconcile; they never carry what
// changed, because the reconcile re-reads files and AWS every time. While a reconcile runs,
// any number of requests collapse into exactly one follow-up run, so a burst of 500 file events
// costs at most two passes and two passes never overlap (overlapping writers would race on the
// state file and on AWS).

export type TriggerReason = 'startup' | 'watch' | 'resync' | 'signal' | 'http' | 'backoff' | 'followup' | 'leadership';

export interface ReconcileRequest {
  /** Every trigger that asked for this pass, deduplicated, in arrival order. */
  reasons: TriggerReason[];
  /** Aborted by stop(): the pass should stop taking new writes. */
  signal: AbortSignal;
}

export type ReconcileRunner = (request: ReconcileRequest) => Promise<void>;

export interface SchedulerOptions {
  /** Called when the runner throws (the scheduler itself never stops on an error). */
  onError?: (err: unknown) => void;
}

export class ReconcileScheduler {
  readonly #run: ReconcileRunner;
  readonly #onError: (err: unknown) => void;
  readonly #abort = new AbortController();
  #pending: Set<TriggerReason> | undefined;
  #draining: Promise<void> | undefined;
  #stopped = false;
  #passes = 0;

  constructor(run: ReconcileRunner, options: SchedulerOptions = {}) {
    this.#run = run;
    this.#onError = options.onError ?? (() => {});
  }

  /**
   * Asks for a reconcile. Returns false once stopped. Synchronous bursts, and requests made while
   * a pass runs, coalesce into a single pass.
   */
  request(reason: TriggerReason): boolean {
    if (this.#stopped) return false;
    (this.#pending ??= new Set()).add(reason);
    // Start on a microtask, not inline: callers in the middle of a burst finish adding reasons first.
    this.#draining ??= Promise.resolve().then(() => this.#drain());
    return true;
  }

  /** True while a pass runs or one is queued. */
  get busy(): boolean {
    return this.#draining !== undefined;
  }

  /** True while a request waits for the running pass to finish (or for its microtask to start). */
  get queued(): boolean {
    return this.#pending !== undefined;
  }

  /** Number of passes started so far. */
  get passes(): number {
    return this.#passes;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Resolves when no pass is running or queued. */
  async whenIdle(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  /**
   * Stops taking work: drops queued requests, aborts the running pass's signal and waits for it
   * to return. The caller bounds the wait (see the daemon's shutdown deadline).
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#pending = undefined;
    this.#abort.abort(new Error('shutting down'));
    await this.whenIdle();
  }

  async #drain(): Promise<void> {
    try {
      while (this.#pending && !this.#stopped) {
        const reasons = [...this.#pending];
        this.#pending = undefined;
        this.#passes += 1;
        try {
          await this.#run({ reasons, signal: this.#abort.signal });
        } catch (err) {
          this.#onError(err);
        }
      }
    } finally {
      this.#draining = undefined;
    }
  }
}
