// The event-loop delay histogram behind nodejs_eventloop_lag_* samples only while a pass runs
// (src/server/pass-loop-delay.ts): prom-client's enable() at start samples nothing, the daemon's
// pass switches it on and off, and a window without samples reads 0. Observed through the
// histogram's own enable/disable answers (true when the state changed), never by timing.
import perfHooks from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { withPassOnlyLoopDelay } from '../../src/server/pass-loop-delay.js';
import { createDaemonMetrics } from '../../src/server/metrics.js';

describe('event-loop delay sampled only during passes', () => {
  it('is off until a pass starts, on while it runs, off after; empty windows read 0', () => {
    const original = perfHooks.monitorEventLoopDelay;
    let histogram: ReturnType<typeof perfHooks.monitorEventLoopDelay> | undefined;
    const sampling = withPassOnlyLoopDelay(() => {
      // What prom-client's collector does at collectDefaultMetrics.
      histogram = perfHooks.monitorEventLoopDelay({ resolution: 100 });
      histogram.enable();
    });
    expect(perfHooks.monitorEventLoopDelay).toBe(original);
    const h = histogram!;
    // disable() answers true only when the histogram was sampling.
    expect(h.disable()).toBe(false);
    sampling.setSampling(true);
    expect(h.disable()).toBe(true);
    sampling.setSampling(true);
    sampling.setSampling(false);
    expect(h.disable()).toBe(false);
    expect(h.count).toBe(0);
    expect([h.min, h.max, h.mean, h.stddev, h.percentile(99)]).toEqual([0, 0, 0, 0, 0]);
  });

  it('the daemon metrics switch it with setReconcileInProgress and never export the empty histogram minimum', async () => {
    const metrics = createDaemonMetrics();
    const east = metrics.forTarget('east');
    const west = metrics.forTarget('west');
    east.setReconcileInProgress(true);
    west.setReconcileInProgress(true);
    east.setReconcileInProgress(false);
    west.setReconcileInProgress(false);
    const text = await metrics.render();
    expect(text).toMatch(/^nodejs_eventloop_lag_min_seconds \d/m);
    expect(text).not.toContain('9223372036');
  });
});
