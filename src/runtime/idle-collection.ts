// The daemon collects its young generation when it goes idle. A pass allocates megabytes of
// short-lived objects (file stats, SDK requests and answers, the plan); V8 collects them with a
// scavenge whenever the young generation fills, which left to itself happens in the middle of a
// later pass: the next resync, or the next edit's pass. There the scavenge also copies whatever
// the earlier pass left alive (after the first pass, the parse cache and the remembered answers:
// 8-10 ms), on a machine where each page it touches for the first time costs about 10 µs. Run as
// soon as the last running pass has ended, the same scavenge costs the same or less (the pass's
// garbage is dead by then) and nobody waits on it; the next pass starts with an empty young
// generation and usually needs no scavenge of its own. Chrome does the same with its idle-time
// scavenges; Node has no idle notification, so the daemon says when it is idle.
//
// It is the scavenge V8 would have run anyway, moved: it neither frees nor keeps anything a
// scavenge in the next pass would not (docs/benchmarks.md, round twelve, has the numbers).
import { collectYoungGeneration } from './v8-gc.js';

/** Collects V8's young generation (a scavenge): V8's own unless a test passes another. */
export type YoungCollect = () => void;

/** Runs a callback on a later turn of the event loop (setImmediate; tests pass their own). */
export type Later = (callback: () => void) => void;

export class IdleCollection {
  readonly #collect: YoungCollect;
  readonly #later: Later;
  #running = 0;
  #scheduled = false;
  #collections = 0;
  #lastMs: number | undefined;
  #waiters: (() => void)[] = [];

  constructor(collect: YoungCollect = collectYoungGeneration, later: Later = (callback) => void setImmediate(callback)) {
    this.#collect = collect;
    this.#later = later;
  }

  /**
   * Runs one pass, counted as running until it settles. When the last running pass has ended,
   * the young generation is collected on a later turn (after what the pass's end set off: its
   * status, logs, replies), unless another pass has started by then.
   */
  async around<T>(pass: () => Promise<T>): Promise<T> {
    this.#running += 1;
    try {
      return await pass();
    } finally {
      this.#running -= 1;
      if (this.#running === 0) this.#schedule();
    }
  }

  /** Collections made so far. */
  get collections(): number {
    return this.#collections;
  }

  /** How long the last collection took (ms), undefined before the first. */
  get lastCollectionMs(): number | undefined {
    return this.#lastMs;
  }

  /** Resolves once no collection is scheduled (at once when none is). */
  settled(): Promise<void> {
    if (!this.#scheduled) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#later(() => {
      this.#scheduled = false;
      // A pass that started in between collects nothing of its own yet; the next idle moment will.
      if (this.#running === 0) {
        const started = performance.now();
        try {
          this.#collect();
          this.#collections += 1;
          this.#lastMs = performance.now() - started;
        } catch {
          // A failed collection costs nothing but the collection: V8 collects on its own as before.
        }
      }
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const resolve of waiters) resolve();
    });
  }
}
