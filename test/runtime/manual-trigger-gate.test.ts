// The manual-trigger rate limit (issue 11 item 1), driven by a manual clock: no sleeps.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { Daemon, type DaemonReconcileFn } from '../../src/runtime/daemon.js';
import { ManualTriggerGate } from '../../src/runtime/manual-trigger-gate.js';
import type { TriggerReason } from '../../src/runtime/scheduler.js';
import { fakeReport, type FakeProfile } from './fake-report.js';

const quiet = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('ManualTriggerGate', () => {
  it('passes the first request at once, holds the next until 1 s after the last manual pass, and joins the rest to it', () => {
    const clock = new ManualClock(0);
    const released: TriggerReason[][] = [];
    const gate = new ManualTriggerGate({ clock, release: (reasons) => released.push(reasons) });
    expect(gate.request('http')).toBe('requested');
    gate.passStarted(['http'], 0);
    clock.advance(100);
    expect(gate.request('http')).toBe('waiting');
    for (let i = 0; i < 10_000; i++) gate.request('http');
    expect(gate.request('signal')).toBe('coalesced');
    expect(released).toEqual([['http']]);
    clock.advance(899);
    expect(released).toHaveLength(1);
    clock.advance(1);
    expect(released).toEqual([['http'], ['http', 'signal']]);
    expect(gate.waiting).toBe(false);
  });

  it('counts spacing only from passes a manual trigger asked for', () => {
    const clock = new ManualClock(10_000);
    const released: TriggerReason[][] = [];
    const gate = new ManualTriggerGate({ clock, release: (reasons) => released.push(reasons) });
    gate.passStarted(['resync'], 10_000);
    expect(gate.request('http')).toBe('requested');
  });
});

/** A world with one profile whose writes always fail (retryable) and one that converges. */
function failingWorld() {
  const profiles: FakeProfile[] = [
    { name: 'bad', action: 'update', result: 'failed', error: { code: 'InternalServerException', message: '500', terminal: false } },
    { name: 'good' },
  ];
  const passes: (ReadonlySet<string> | undefined)[] = [];
  const reconcile: DaemonReconcileFn = async ({ reconcileId, onlyNames }) => {
    passes.push(onlyNames);
    return fakeReport(reconcileId, profiles, onlyNames);
  };
  return { passes, reconcile };
}

describe('Daemon manual triggers', () => {
  it('a burst of 1,000 POSTs and SIGHUPs costs one pass plus one follow-up', async () => {
    const clock = new ManualClock(0);
    const { passes, reconcile } = failingWorld();
    const daemon = new Daemon({ reconcile, logger: quiet, clock, resyncIntervalMs: 3_600_000, random: () => 0.5 });
    await daemon.start();
    await daemon.whenIdle();
    const before = passes.length;
    for (let i = 0; i < 1_000; i++) {
      daemon.requestManualReconcile(i % 2 ? 'http' : 'signal');
      if (i % 100 === 0) await settle(); // the burst spans many event-loop turns
    }
    await daemon.whenIdle();
    expect(passes.length - before).toBe(1);
    expect(daemon.status().reconcileQueued).toBe(true);
    clock.advance(1_000);
    await settle();
    await daemon.whenIdle();
    expect(passes.length - before).toBe(2);
    expect(daemon.status().reconcileQueued).toBe(false);
    await daemon.stop();
  });

  it('never ends the backoff of a failing profile: manual passes leave it out until it expires', async () => {
    const clock = new ManualClock(0);
    const { passes, reconcile } = failingWorld();
    const daemon = new Daemon({ reconcile, logger: quiet, clock, resyncIntervalMs: 3_600_000, random: () => 0.5, backoff: { initialMs: 10_000 } });
    await daemon.start();
    await daemon.whenIdle();
    expect(daemon.status().profiles.find((p) => p.name === 'bad')?.backoff?.failures).toBe(1);
    for (let second = 0; second < 5; second++) {
      daemon.requestManualReconcile('http');
      daemon.requestManualReconcile('signal');
      daemon.requestReconcile('http');
      clock.advance(1_000);
      await settle();
      await daemon.whenIdle();
    }
    expect(passes.length).toBeGreaterThan(5);
    // Every manual pass named only the good profile; the failure count did not move.
    for (const onlyNames of passes.slice(1)) expect([...(onlyNames ?? [])]).toEqual(['good']);
    expect(daemon.status().profiles.find((p) => p.name === 'bad')?.backoff?.failures).toBe(1);
    await daemon.stop();
  });
});
