import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';
import { DEFAULT_BACKOFF } from '../../src/runtime/backoff.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { Daemon, DEFAULT_PASS_RETRY, type DaemonReconcileFn } from '../../src/runtime/daemon.js';
import { createDaemonMetrics } from '../../src/server/metrics.js';
import { fakeReport, type FakeProfile } from './fake-report.js';

function captureLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      cb();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

/** A reconcile function whose world is a mutable list of fake profiles. */
function fakeWorld(initial: FakeProfile[]) {
  const world = { profiles: initial, calls: [] as { onlyNames?: ReadonlySet<string> }[] };
  const reconcile: DaemonReconcileFn = async ({ reconcileId, onlyNames }) => {
    world.calls.push({ onlyNames });
    return fakeReport(reconcileId, world.profiles, onlyNames);
  };
  return { world, reconcile };
}


describe('Daemon (fake reconcile, manual clock)', () => {
  it('is not ready before the first pass and ready after it; status lists profiles with conditions', async () => {
    const clock = new ManualClock(1_000_000);
    const { reconcile } = fakeWorld([{ name: 'a', action: 'create' }, { name: 'b' }]);
    const { logger } = captureLogger();
    const daemon = new Daemon({ reconcile, logger, clock, resyncIntervalMs: 60_000, random: () => 0.5 });
    expect(daemon.readiness().ready).toBe(false);
    await daemon.start();
    expect(daemon.readiness().ready).toBe(false); // requested, not yet run
    await daemon.whenIdle();
    expect(daemon.readiness()).toEqual({ ready: true, checks: { firstReconcileDone: true, awsReachable: true } });
    const status = daemon.status();
    expect(status.profiles.map((p) => [p.name, p.condition, p.reason])).toEqual([
      ['a', 'Ready', 'Applied'],
      ['b', 'Ready', 'UpToDate'],
    ]);
    expect(status.profiles[0]!.lastAppliedAt).toBe(new Date(1_000_000).toISOString());
    expect(status.profiles[0]!.sourceFile).toBe('a.yaml');
    await daemon.stop();
  });

  it('resyncs on the jittered interval, measured from the end of the last pass', async () => {
    const clock = new ManualClock(0);
    const { world, reconcile } = fakeWorld([{ name: 'a' }]);
    const daemon = new Daemon({ reconcile, logger: captureLogger().logger, clock, resyncIntervalMs: 60_000, random: () => 0 });
    await daemon.start();
    await daemon.whenIdle();
    expect(world.calls).toHaveLength(1);
    clock.advance(53_999); // 60s - 10% jitter = 54s
    await daemon.whenIdle();
    expect(world.calls).toHaveLength(1);
    clock.advance(1);
    await daemon.whenIdle();
    expect(world.calls).toHaveLength(2);
    expect(daemon.status().lastReconcile?.triggers).toEqual(['resync']);
    await daemon.stop();
  });

  it('backs off a failing profile on its own, leaves it out of passes, and retries it when the backoff expires', async () => {
    const clock = new ManualClock(0);
    const { world, reconcile } = fakeWorld([
      { name: 'bad', action: 'update', result: 'failed', error: { code: 'InternalServerException', message: 'boom', terminal: false } },
      { name: 'good', action: 'update' },
    ]);
    const { logger, lines } = captureLogger();
    const daemon = new Daemon({ reconcile, logger, clock, resyncIntervalMs: 3_600_000, random: () => 0.5, backoff: { initialMs: 10_000, maxMs: 40_000 } });
    await daemon.start();
    await daemon.whenIdle();
    expect(world.calls[0]!.onlyNames).toBeUndefined();
    expect(daemon.status().profiles.find((p) => p.name === 'bad')).toMatchObject({ condition: 'Failed', reason: 'WriteFailed', backoff: { failures: 1, waitingForInputChange: false } });
    expect(lines.some((l) => l.event === 'daemon.backoff' && l.profile === 'bad' && l.retryInMs === 10_000)).toBe(true);

    // Another trigger while backing off: only 'good' is written.
    daemon.requestReconcile('watch');
    await daemon.whenIdle();
    expect([...world.calls[1]!.onlyNames!]).toEqual(['good']);
    expect(daemon.status().profiles.find((p) => p.name === 'bad')).toMatchObject({ condition: 'Failed', reason: 'BackingOff' });

    // The backoff expiry triggers a pass by itself; the failure doubles the delay.
    clock.advance(10_000);
    await daemon.whenIdle();
    expect(world.calls).toHaveLength(3);
    expect(world.calls[2]!.onlyNames).toBeUndefined();
    expect(daemon.status().lastReconcile?.triggers).toEqual(['backoff']);
    expect(daemon.status().profiles.find((p) => p.name === 'bad')?.backoff?.failures).toBe(2);

    // It recovers: backoff cleared, Ready again.
    world.profiles[0] = { name: 'bad', action: 'update' };
    clock.advance(20_000);
    await daemon.whenIdle();
    expect(world.calls).toHaveLength(4);
    expect(daemon.status().profiles.find((p) => p.name === 'bad')).toMatchObject({ condition: 'Ready', reason: 'Applied' });
    expect(daemon.status().profiles.find((p) => p.name === 'bad')?.backoff).toBeUndefined();
    await daemon.stop();
  });

  it('holds a terminal failure until the profile input changes, then retries at once', async () => {
    const clock = new ManualClock(0);
    const rejected = { code: 'ValidationException', message: 'bad instanceUrl', terminal: true };
    const { world, reconcile } = fakeWorld([{ name: 'x', action: 'update', result: 'failed', error: rejected, revision: 1 }]);
    const daemon = new Daemon({ reconcile, logger: captureLogger().logger, clock, resyncIntervalMs: 60_000, random: () => 0.5 });
    await daemon.start();
    await daemon.whenIdle();
    expect(daemon.status().profiles[0]).toMatchObject({ condition: 'Failed', backoff: { retryAt: null, waitingForInputChange: true } });

    // Resyncs come and go: x stays excluded (onlyNames without it).
    clock.advance(70_000);
    await daemon.whenIdle();
    expect(world.calls).toHaveLength(2);
    expect([...world.calls[1]!.onlyNames!]).toEqual([]);

    // The file changes (new revision): the next pass notices and a follow-up pass writes it.
    world.profiles[0] = { name: 'x', action: 'update', revision: 2 };
    daemon.requestReconcile('watch');
    await daemon.whenIdle();
    expect(world.calls).toHaveLength(4);
    expect(world.calls[3]!.onlyNames).toBeUndefined();
    expect(daemon.status().profiles[0]).toMatchObject({ condition: 'Ready', reason: 'Applied' });
    await daemon.stop();
  });

  it('picks up a profile added while another backs off with a follow-up pass', async () => {
    const clock = new ManualClock(0);
    const { world, reconcile } = fakeWorld([{ name: 'bad', action: 'update', result: 'failed', error: { code: 'Throttling', message: 't', terminal: false } }]);
    const daemon = new Daemon({ reconcile, logger: captureLogger().logger, clock, resyncIntervalMs: 3_600_000, random: () => 0.5 });
    await daemon.start();
    await daemon.whenIdle();
    world.profiles.push({ name: 'new', action: 'create' });
    daemon.requestReconcile('watch');
    await daemon.whenIdle();
    expect(world.calls).toHaveLength(3);
    expect([...world.calls[2]!.onlyNames!]).toEqual(['new']);
    expect(daemon.status().profiles.find((p) => p.name === 'new')).toMatchObject({ condition: 'Ready', reason: 'Applied' });
    await daemon.stop();
  });

  it('records a pass that throws as an error result, stays not-ready, and marks AWS unreachable from the observer', async () => {
    const clock = new ManualClock(0);
    const metrics = createDaemonMetrics({ defaultMetrics: false });
    let daemon!: Daemon;
    const reconcile: DaemonReconcileFn = async () => {
      daemon.awsObserver({ service: 'appflow', operation: 'DescribeConnectorProfiles', errorCode: 'ECONNREFUSED', durationMs: 2 });
      throw new Error('connect ECONNREFUSED 127.0.0.1:1');
    };
    daemon = new Daemon({ reconcile, logger: captureLogger().logger, clock, metrics, resyncIntervalMs: 60_000 });
    await daemon.start();
    await daemon.whenIdle();
    expect(daemon.readiness()).toEqual({ ready: false, checks: { firstReconcileDone: false, awsReachable: false } });
    expect(daemon.status().lastReconcile).toMatchObject({ result: 'error', error: 'connect ECONNREFUSED 127.0.0.1:1' });
    const text = await metrics.render();
    expect(text).toContain('appflow_gitops_reconcile_total{result="error",target="default"} 1');
    expect(text).toContain('appflow_gitops_aws_calls_total{service="appflow",operation="DescribeConnectorProfiles",code="ECONNREFUSED",target="default"} 1');
    await daemon.stop();
  });

  it('after stop() refuses new requests and arms no timers', async () => {
    const clock = new ManualClock(0);
    const { world, reconcile } = fakeWorld([{ name: 'a' }]);
    const daemon = new Daemon({ reconcile, logger: captureLogger().logger, clock, resyncIntervalMs: 1000 });
    await daemon.start();
    await daemon.whenIdle();
    await daemon.stop();
    expect(daemon.requestReconcile('http')).toBe(false);
    clock.advance(10_000);
    await daemon.whenIdle();
    expect(world.calls).toHaveLength(1);
  });
});

describe('Daemon with a pass that fails as a whole (report.error)', () => {
  it('counts it as an error, keeps the previous status and is not ready until a full pass', async () => {
    const clock = new ManualClock(0);
    const metrics = createDaemonMetrics({ defaultMetrics: false });
    let fail = true;
    const reconcile: DaemonReconcileFn = async ({ reconcileId }) => {
      const report = fakeReport(reconcileId, fail ? [] : [{ name: 'a' }]);
      return fail ? { ...report, ok: false, error: { code: 'observe.failed', message: 'could not read the current state: socket hang up' } } : report;
    };
    const daemon = new Daemon({ reconcile, logger: captureLogger().logger, clock, metrics, resyncIntervalMs: 60_000 });
    await daemon.start();
    await daemon.whenIdle();
    expect(daemon.readiness().ready).toBe(false);
    expect(daemon.status().lastReconcile).toMatchObject({ result: 'error', error: 'could not read the current state: socket hang up' });
    expect(await metrics.render()).toContain('appflow_gitops_reconcile_total{result="error",target="default"} 1');
    fail = false;
    daemon.requestReconcile('http');
    await daemon.whenIdle();
    expect(daemon.readiness().ready).toBe(true);
    expect(daemon.status().profiles.map((p) => p.condition)).toEqual(['Ready']);
    await daemon.stop();
  });
});

describe('Daemon with a missing or empty profiles directory', () => {
  it('warns in the log on every pass and in /status warnings, and stays ready', async () => {
    const clock = new ManualClock(0);
    let directory: 'missing' | 'empty' | 'ok' = 'missing';
    const reconcile: DaemonReconcileFn = async ({ reconcileId }) => ({ ...fakeReport(reconcileId, []), profilesDirectory: directory });
    const { logger, lines } = captureLogger();
    const daemon = new Daemon({ reconcile, logger, clock, resyncIntervalMs: 60_000, random: () => 0.5 });
    await daemon.start();
    await daemon.whenIdle();
    daemon.requestReconcile('http');
    await daemon.whenIdle();
    const warned = lines.filter((l) => l.event === 'daemon.profiles-directory');
    expect(warned).toHaveLength(2);
    expect(warned[0]).toMatchObject({ level: 40, status: 'missing' });
    expect(daemon.status().warnings).toEqual([expect.stringMatching(/^the profiles directory is missing: no profile document was read/)]);
    expect(daemon.readiness().ready).toBe(true);

    directory = 'empty';
    daemon.requestReconcile('http');
    await daemon.whenIdle();
    expect(daemon.status().warnings[0]).toMatch(/is empty \(no profile files\)/);

    directory = 'ok';
    daemon.requestReconcile('http');
    await daemon.whenIdle();
    expect(daemon.status().warnings).toEqual([]);
    expect(lines.filter((l) => l.event === 'daemon.profiles-directory')).toHaveLength(3);
    await daemon.stop();
  });
});

describe('Daemon retry after a pass that fails as a whole', () => {
  function failingWorld() {
    const world = { fail: true, calls: 0 };
    const reconcile: DaemonReconcileFn = async ({ reconcileId }) => {
      world.calls += 1;
      const report = fakeReport(reconcileId, world.fail ? [] : [{ name: 'a' }]);
      return world.fail ? { ...report, ok: false, error: { code: 'observe.failed', message: 'connect ECONNREFUSED 127.0.0.1:1' } } : report;
    };
    return { world, reconcile };
  }

  it('retries after 5 s, doubling, long before the interval; a good pass returns to the interval', async () => {
    const clock = new ManualClock(0);
    const { world, reconcile } = failingWorld();
    const { logger, lines } = captureLogger();
    const daemon = new Daemon({ reconcile, logger, clock, resyncIntervalMs: 300_000, random: () => 0.5 });
    await daemon.start();
    await daemon.whenIdle();
    expect(world.calls).toBe(1);
    expect(daemon.status().passRetry).toEqual({ consecutiveFailures: 1, nextRetryAt: new Date(5_000).toISOString() });
    expect(lines.find((l) => l.event === 'daemon.pass' && l.result === 'error')).toMatchObject({ retryInMs: 5_000, consecutiveFailures: 1 });
    clock.advance(4_999);
    await daemon.whenIdle();
    expect(world.calls).toBe(1);
    clock.advance(1);
    await daemon.whenIdle();
    expect(world.calls).toBe(2);
    // Second failure in a row: 10 s.
    clock.advance(9_999);
    await daemon.whenIdle();
    expect(world.calls).toBe(2);
    world.fail = false; // AWS is back
    clock.advance(1);
    await daemon.whenIdle();
    expect(world.calls).toBe(3);
    expect(daemon.readiness().ready).toBe(true);
    expect(daemon.status().passRetry).toBeUndefined();
    // Back on the normal interval: nothing until the resync.
    clock.advance(200_000);
    await daemon.whenIdle();
    expect(world.calls).toBe(3);
    await daemon.stop();
  });

  it('caps the retry below the interval, and a success resets the doubling', async () => {
    const clock = new ManualClock(0);
    const { world, reconcile } = failingWorld();
    const daemon = new Daemon({ reconcile, logger: captureLogger().logger, clock, resyncIntervalMs: 60_000, random: () => 0.5 });
    await daemon.start();
    await daemon.whenIdle();
    for (let i = 0; i < 5; i++) {
      daemon.requestReconcile('http');
      await daemon.whenIdle();
    }
    // 6 failures: 5 s * 2^5 = 160 s, capped at half the 60 s interval.
    expect(daemon.status().passRetry).toEqual({ consecutiveFailures: 6, nextRetryAt: new Date(30_000).toISOString() });
    world.fail = false;
    daemon.requestReconcile('http');
    await daemon.whenIdle();
    world.fail = true;
    daemon.requestReconcile('http');
    await daemon.whenIdle();
    expect(daemon.status().passRetry).toEqual({ consecutiveFailures: 1, nextRetryAt: new Date(5_000).toISOString() });
    await daemon.stop();
  });

  it('a retry coalesces with other triggers: an earlier good pass cancels it', async () => {
    const clock = new ManualClock(0);
    const { world, reconcile } = failingWorld();
    const daemon = new Daemon({ reconcile, logger: captureLogger().logger, clock, resyncIntervalMs: 300_000, random: () => 0.5 });
    await daemon.start();
    await daemon.whenIdle();
    world.fail = false;
    daemon.requestReconcile('http');
    daemon.requestReconcile('watch');
    await daemon.whenIdle();
    expect(world.calls).toBe(2);
    clock.advance(60_000);
    await daemon.whenIdle();
    expect(world.calls).toBe(2);
    await daemon.stop();
  });
});

describe('Daemon backoff with other kinds of changes', () => {
  it('keeps writing planned deletes while another profile backs off, without looping on follow-ups', async () => {
    const clock = new ManualClock(0);
    const { world, reconcile } = fakeWorld([
      { name: 'bad', action: 'update', result: 'failed', error: { code: 'InternalServerException', message: 'x', terminal: false } },
      { name: 'gone', action: 'delete', result: 'failed', error: { code: 'InternalServerException', message: 'x', terminal: false } },
    ]);
    const daemon = new Daemon({ reconcile, logger: captureLogger().logger, clock, resyncIntervalMs: 3_600_000, random: () => 0.5, backoff: { initialMs: 10_000 } });
    await daemon.start();
    await daemon.whenIdle();
    // 'gone' now deletes fine, 'bad' still backs off: the delete is written on the next trigger.
    world.profiles[1] = { name: 'gone', action: 'delete', result: 'failed', error: { code: 'InternalServerException', message: 'x', terminal: false } };
    clock.advance(10_000);
    await daemon.whenIdle();
    world.profiles = [world.profiles[0]!, { name: 'new', action: 'delete' }];
    daemon.requestReconcile('watch');
    await daemon.whenIdle();
    const passes = world.calls.length;
    // The new delete was left out (unknown name) once, then written by exactly one follow-up.
    expect(world.calls.at(-1)!.onlyNames?.has('new')).toBe(true);
    await daemon.whenIdle();
    expect(world.calls.length).toBe(passes);
    await daemon.stop();
  });
});

describe('Daemon and writes abandoned by a shutdown', () => {
  it('shows them as Pending/Aborted and does not back them off', async () => {
    const clock = new ManualClock(0);
    const { reconcile } = fakeWorld([
      { name: 'a', action: 'update', result: 'failed', error: { code: 'aborted', message: 'abandoned: the reconcile was stopped', terminal: false } },
    ]);
    const daemon = new Daemon({ reconcile, logger: captureLogger().logger, clock, resyncIntervalMs: 60_000 });
    await daemon.start();
    await daemon.whenIdle();
    expect(daemon.status().profiles[0]).toMatchObject({ condition: 'Pending', reason: 'Aborted' });
    expect(daemon.status().profiles[0]!.backoff).toBeUndefined();
    await daemon.stop();
  });
});

describe('the documented backoff defaults', () => {
  it('are the exported constants: profiles 15 s doubling to 10 min (±10%), failed passes 5 s doubling to 2 min', () => {
    expect(DEFAULT_BACKOFF).toEqual({ initialMs: 15_000, maxMs: 10 * 60_000, factor: 2, jitter: 0.1 });
    expect(DEFAULT_PASS_RETRY).toEqual({ initialMs: 5_000, maxMs: 2 * 60_000 });
  });

  it('a failing profile is retried after 15 s, 30 s, 1 min, ... and never later than 10 min', async () => {
    const clock = new ManualClock(0);
    const failing = { name: 'bad', action: 'update' as const, result: 'failed' as const, error: { code: 'InternalServerException', message: 'x', terminal: false } };
    const { world, reconcile } = fakeWorld([failing]);
    // No backoff option: the defaults. random 0.5 = no jitter; the resync is out of the way.
    const daemon = new Daemon({ reconcile, logger: captureLogger().logger, clock, resyncIntervalMs: 24 * 3_600_000, random: () => 0.5 });
    await daemon.start();
    await daemon.whenIdle();
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const retryAt = Date.parse(daemon.status().profiles[0]!.backoff!.retryAt!);
      delays.push(retryAt - clock.now());
      clock.advance(retryAt - clock.now());
      await daemon.whenIdle();
    }
    expect(delays).toEqual([15_000, 30_000, 60_000, 120_000, 240_000, 480_000, 600_000, 600_000]);
    expect(world.calls).toHaveLength(9);
    await daemon.stop();
  });

  it('a pass that fails as a whole is retried after 5 s, 10 s, ... and never later than 2 min', async () => {
    const clock = new ManualClock(0);
    const reconcile: DaemonReconcileFn = async ({ reconcileId }) => ({
      ...fakeReport(reconcileId, []),
      ok: false,
      error: { code: 'observe.failed', message: 'connect ECONNREFUSED 127.0.0.1:1' },
    });
    const daemon = new Daemon({ reconcile, logger: captureLogger().logger, clock, resyncIntervalMs: 24 * 3_600_000, random: () => 0.5 });
    await daemon.start();
    await daemon.whenIdle();
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const retryAt = Date.parse(daemon.status().passRetry!.nextRetryAt);
      delays.push(retryAt - clock.now());
      clock.advance(retryAt - clock.now());
      await daemon.whenIdle();
    }
    expect(delays).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 120_000, 120_000, 120_000]);
    await daemon.stop();
  });
});
