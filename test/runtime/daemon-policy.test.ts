// The daemon's per-profile policy end to end in process: the real Daemon loop (manual clock) over
// the real reconcileOnce, loader, planner, state store and SDK adapters against the emulator. Each
// test pins a decision the fake-report tests cannot see, because it depends on what the planner
// and the executor actually put into the report.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../src/logging/logger.js';
import { DEFAULT_BACKOFF } from '../../src/runtime/backoff.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { Daemon } from '../../src/runtime/daemon.js';
import { datadogDoc, startPipeline, type Pipeline } from '../reconcile/pipeline.js';

let p: Pipeline;
let daemon: Daemon | undefined;
beforeEach(async () => {
  p = await startPipeline();
});
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
  await p.close();
});

/** A daemon over the pipeline; `random` 0.5 makes the ±10% jitter exactly zero. */
async function startDaemon(clock: ManualClock): Promise<Daemon> {
  daemon = new Daemon({
    logger: createSilentLogger(),
    clock,
    random: () => 0.5,
    resyncIntervalMs: 3_600_000,
    reconcile: ({ signal, reconcileId, onlyNames }) => p.apply({ signal, reconcileId, ...(onlyNames ? { onlyNames } : {}) }),
  });
  await daemon.start();
  await daemon.whenIdle();
  return daemon;
}

const profile = (d: Daemon, name: string) => d.status().profiles.find((s) => s.name === name);
const writesOf = (operation: string, name: string) => p.writes().filter((w) => w.operation === operation && w.profileName === name);

/** Fires the timers due within `ms` and waits for the passes they request. */
async function advance(clock: ManualClock, d: Daemon, ms: number): Promise<void> {
  clock.advance(ms);
  await d.whenIdle();
}

describe('a profile AWS rejected as terminal', () => {
  it('is held while its inputs stay the same, and retried at once when its SECRET changes (file untouched)', async () => {
    const clock = new ManualClock(0);
    await p.writeProfile('a.json', datadogDoc('dd-a', 'dd/shared'));
    p.emulator.faults.failNext('CreateConnectorProfile', 1, { status: 400, code: 'ConnectorAuthenticationException', message: 'invalid api key' });
    const d = await startDaemon(clock);
    expect(profile(d, 'dd-a')).toMatchObject({ condition: 'Failed', backoff: { retryAt: null, waitingForInputChange: true } });
    expect(writesOf('CreateConnectorProfile', 'dd-a')).toHaveLength(1);

    // Same file, same secret: a resync, SIGHUP or POST /reconcile sends nothing for it.
    d.requestReconcile('resync');
    await d.whenIdle();
    d.requestManualReconcile('signal');
    d.requestManualReconcile('http');
    clock.advance(1_000); // past the manual triggers' 1 s spacing
    await d.whenIdle();
    expect(d.status().lastReconcile?.triggers).toEqual(expect.arrayContaining(['signal']));
    expect(writesOf('CreateConnectorProfile', 'dd-a')).toHaveLength(1);
    expect(profile(d, 'dd-a')?.backoff?.waitingForInputChange).toBe(true);

    // The operator fixes the secret; the file is not touched. The next resync sees a new
    // credentials fingerprint, releases the hold and the follow-up pass creates the profile.
    await p.rotateSecret('dd/shared', { apiKey: 'SENTINEL-SECRET-fixed-api', applicationKey: 'SENTINEL-SECRET-fixed-app' });
    d.requestReconcile('resync');
    await d.whenIdle();
    expect(writesOf('CreateConnectorProfile', 'dd-a').map((w) => w.status)).toEqual([400, 200]);
    expect(profile(d, 'dd-a')).toMatchObject({ condition: 'Ready', reason: 'Applied' });
    expect(profile(d, 'dd-a')?.backoff).toBeUndefined();
    expect(p.emulator.storedCredentials?.('dd-a')).toEqual({ Datadog: { apiKey: 'SENTINEL-SECRET-fixed-api', applicationKey: 'SENTINEL-SECRET-fixed-app' } });
  });
});

describe('an update that finds the profile gone (ResourceNotFoundException)', () => {
  it('is a timed, retryable failure: when the backoff expires the next pass creates the profile', async () => {
    const clock = new ManualClock(0);
    await p.writeProfile('a.json', datadogDoc('dd-a'));
    const d = await startDaemon(clock);
    expect(profile(d, 'dd-a')?.condition).toBe('Ready');

    // The profile vanishes between this pass's Describe and its Update: the Update answers 404.
    await p.writeProfile('a.json', datadogDoc('dd-a', 'dd/shared', 'https://api.datadoghq.eu'));
    p.emulator.faults.failNext('UpdateConnectorProfile', 1, { status: 404, code: 'ResourceNotFoundException', message: 'No ConnectorProfile found' });
    d.requestReconcile('watch');
    await d.whenIdle();
    await p.adapters.appflow.delete('dd-a', false);
    expect(profile(d, 'dd-a')).toMatchObject({
      condition: 'Failed',
      lastError: { code: 'ResourceNotFoundException', terminal: false },
      backoff: { failures: 1, waitingForInputChange: false, retryAt: new Date(DEFAULT_BACKOFF.initialMs).toISOString() },
    });

    // Not held for an input change: the backoff timer alone brings it back, as a create.
    await advance(clock, d, DEFAULT_BACKOFF.initialMs);
    expect(writesOf('CreateConnectorProfile', 'dd-a').map((w) => w.status)).toEqual([200, 200]);
    expect(profile(d, 'dd-a')).toMatchObject({ condition: 'Ready', reason: 'Applied' });
    const [observed] = await p.adapters.appflow.describeByNames(['dd-a']);
    expect(observed?.properties).toEqual({ Datadog: { instanceUrl: 'https://api.datadoghq.eu' } });
  });
});
