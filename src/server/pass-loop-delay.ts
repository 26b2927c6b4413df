// The event-loop delay behind prom-client's nodejs_eventloop_lag_* gauges, sampled only while a
// reconcile pass runs (issue 17: run sampling timers only while a pass runs). prom-client's
// default metrics sample with perf_hooks.monitorEventLoopDelay, a libuv timer that woke the idle
// daemon every EVENT_LOOP_MONITORING_PRECISION_MS although nothing runs between passes to delay
// the loop: measured alone, about 0.07% of a core (20 ms of CPU per 30 s), most of what an idle
// daemon still spent. prom-client has no switch for it, so the histogram it creates is handed a
// stand-in that samples only between passStarted and passEnded. Metric names, help texts and
// prom-client's own collect stay as they are; a scrape window with no pass reads 0 (no delay was
// measured because nothing ran), not the empty histogram's 9.2e9-second minimum.
import perfHooks, { type EventLoopMonitorOptions, type IntervalHistogram } from 'node:perf_hooks';

export interface LoopDelaySampling {
  /** On while at least one pass runs. */
  setSampling(on: boolean): void;
}

/**
 * Runs `collect` (prom-client's collectDefaultMetrics) with monitorEventLoopDelay answering with
 * pass-only histograms, and returns the switch for them. Sampling starts off.
 */
export function withPassOnlyLoopDelay(collect: () => void): LoopDelaySampling {
  const original = perfHooks.monitorEventLoopDelay;
  const made: PassOnlyHistogram[] = [];
  perfHooks.monitorEventLoopDelay = (options?: EventLoopMonitorOptions) => {
    const histogram = new PassOnlyHistogram(original(options));
    made.push(histogram);
    return histogram as unknown as IntervalHistogram;
  };
  try {
    collect();
  } finally {
    perfHooks.monitorEventLoopDelay = original;
  }
  return {
    setSampling(on) {
      for (const histogram of made) histogram.sample(on);
    },
  };
}

/** What prom-client's eventLoopLag collector uses of an IntervalHistogram; empty windows read 0. */
class PassOnlyHistogram {
  readonly #real: IntervalHistogram;

  constructor(real: IntervalHistogram) {
    this.#real = real;
  }

  sample(on: boolean): void {
    if (on) this.#real.enable();
    else this.#real.disable();
  }

  /** prom-client enables the histogram once at start: sampling waits for the first pass instead. */
  enable(): boolean {
    return false;
  }

  disable(): boolean {
    return this.#real.disable();
  }

  get count(): number {
    return this.#real.count;
  }

  get min(): number {
    return this.#read(() => this.#real.min);
  }

  get max(): number {
    return this.#read(() => this.#real.max);
  }

  get mean(): number {
    return this.#read(() => this.#real.mean);
  }

  get stddev(): number {
    return this.#read(() => this.#real.stddev);
  }

  percentile(percentile: number): number {
    return this.#read(() => this.#real.percentile(percentile));
  }

  reset(): void {
    this.#real.reset();
  }

  #read(value: () => number): number {
    return this.#real.count === 0 ? 0 : value();
  }
}
