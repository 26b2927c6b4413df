import { describe, expect, it } from 'vitest';
import { ReconcileScheduler, type ReconcileRequest } from '../../src/runtime/scheduler.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('ReconcileScheduler', () => {
  it('coalesces a synchronous burst of requests into one pass', async () => {
    const calls: ReconcileRequest[] = [];
    const scheduler = new ReconcileScheduler(async (req) => void calls.push(req));
    for (let i = 0; i < 50; i++) scheduler.request('watch');
    scheduler.request('resync');
    await scheduler.whenIdle();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.reasons).toEqual(['watch', 'resync']);
  });

  it('never overlaps passes and collapses requests made during a pass into exactly one follow-up', async () => {
    let running = 0;
    let maxRunning = 0;
    const gates = [deferred(), deferred(), deferred()];
    const started = [deferred(), deferred(), deferred()];
    const reasons: string[][] = [];
    const scheduler = new ReconcileScheduler(async (req) => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      reasons.push(req.reasons);
      started[reasons.length - 1]!.resolve();
      await gates[reasons.length - 1]!.promise;
      running -= 1;
    });
    scheduler.request('startup');
    await started[0]!.promise;
    expect(scheduler.busy).toBe(true);
    // 100 events while the first pass is running.
    for (let i = 0; i < 100; i++) scheduler.request(i % 2 ? 'watch' : 'http');
    gates[0]!.resolve();
    await started[1]!.promise;
    expect(reasons).toHaveLength(2);
    gates[1]!.resolve();
    await scheduler.whenIdle();
    expect(maxRunning).toBe(1);
    expect(reasons).toEqual([['startup'], ['http', 'watch']]);
    expect(scheduler.passes).toBe(2);
  });

  it('keeps running after a pass throws', async () => {
    const errors: unknown[] = [];
    let n = 0;
    const scheduler = new ReconcileScheduler(
      async () => {
        n += 1;
        if (n === 1) throw new Error('boom');
      },
      { onError: (e) => errors.push(e) },
    );
    scheduler.request('startup');
    await scheduler.whenIdle();
    scheduler.request('resync');
    await scheduler.whenIdle();
    expect(n).toBe(2);
    expect(errors).toHaveLength(1);
  });

  it('stop() aborts the running pass, waits for it, drops queued work and refuses new requests', async () => {
    let sawAbort = false;
    let passes = 0;
    const started = deferred();
    const scheduler = new ReconcileScheduler(async ({ signal }) => {
      passes += 1;
      started.resolve();
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      sawAbort = signal.aborted;
    });
    scheduler.request('startup');
    await started.promise;
    scheduler.request('watch'); // queued behind the running pass
    await scheduler.stop();
    expect(sawAbort).toBe(true);
    expect(passes).toBe(1);
    expect(scheduler.request('http')).toBe(false);
    await scheduler.whenIdle();
    expect(passes).toBe(1);
  });
});
