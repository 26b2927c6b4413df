// The fleet's /status (the top level for the daemon as a whole, targets[] per target) and which
// targets a changed path wakes.
import { describe, expect, it } from 'vitest';
import { pathTouchesSelectors } from '../../src/runtime/daemon-fleet.js';
import type { DaemonStatus } from '../../src/runtime/daemon-status.js';
import { fleetStatus, type MemberStatus } from '../../src/runtime/fleet-status.js';

function daemonStatus(extra: Partial<DaemonStatus> = {}): DaemonStatus {
  return { ready: true, checks: { firstReconcileDone: true, awsReachable: true }, reconciling: false, reconcileQueued: false, warnings: [], profiles: [], ...extra };
}

const pass = (result: 'success' | 'failure' | 'error', startedAt: string, error?: string) => ({
  id: startedAt.slice(-6),
  result,
  triggers: ['startup' as const],
  startedAt,
  durationMs: 5,
  ...(error ? { error } : {}),
});

function member(name: string, status: DaemonStatus, accountId = '123456789012'): MemberStatus {
  return { name, target: { key: `${accountId}/us-east-1@local`, region: 'us-east-1', identity: 'default', name, accountId, endpoint: 'local' }, status };
}

describe('fleetStatus', () => {
  it('one member: its status unchanged, plus targets[] and each profile\'s target', () => {
    const status = daemonStatus({
      lastReconcile: pass('success', '2026-01-01T00:00:00.000Z'),
      profiles: [{ name: 'a', condition: 'Ready', reason: 'UpToDate', message: '', lastTransitionAt: 'x', lastReconcileId: 'r' }],
    });
    const result = fleetStatus([member('default', status)]);
    expect({ ...result, targets: undefined, profiles: undefined }).toEqual({ ...status, targets: undefined, profiles: undefined });
    expect(result.profiles.map((p) => p.target)).toEqual(['default']);
    expect(result.targets).toEqual([
      expect.objectContaining({ name: 'default', key: '123456789012/us-east-1@local', emulator: true, ready: true, profiles: [expect.objectContaining({ name: 'a', target: 'default' })] }),
    ]);
  });

  it('several: ready only when all are, the latest pass with the worst result, the oldest success, warnings by target', () => {
    const ok = daemonStatus({ lastReconcile: pass('success', '2026-01-01T00:00:10.000Z'), lastSuccessfulReconcileAt: '2026-01-01T00:00:11.000Z', warnings: ['w'] });
    const failed = daemonStatus({
      ready: false,
      checks: { firstReconcileDone: false, awsReachable: true },
      lastReconcile: pass('error', '2026-01-01T00:00:05.000Z', 'target prod: could not assume a role'),
      passRetry: { consecutiveFailures: 2, nextRetryAt: '2026-01-01T00:01:00.000Z' },
    });
    const result = fleetStatus([member('dev', ok), member('prod', failed, '222222222222')]);
    expect(result.ready).toBe(false);
    expect(result.checks).toEqual({ firstReconcileDone: false, awsReachable: true });
    expect(result.lastReconcile).toMatchObject({ startedAt: '2026-01-01T00:00:10.000Z', result: 'error' });
    // No success yet for prod: the daemon as a whole has none to report.
    expect(result.lastSuccessfulReconcileAt).toBeUndefined();
    expect(result.passRetry).toEqual({ consecutiveFailures: 2, nextRetryAt: '2026-01-01T00:01:00.000Z' });
    expect(result.warnings).toEqual(['dev: w']);
    expect(result.targets!.map((t) => [t.name, t.ready, t.error])).toEqual([
      ['dev', true, undefined],
      ['prod', false, 'target prod: could not assume a role'],
    ]);
    const later = fleetStatus([member('dev', ok), member('prod', { ...ok, lastSuccessfulReconcileAt: '2026-01-01T00:00:20.000Z' })]);
    expect(later.lastSuccessfulReconcileAt).toBe('2026-01-01T00:00:11.000Z');
  });
});

describe('pathTouchesSelectors', () => {
  it.each([
    [['prod/'], 'prod/app.yaml', true],
    [['prod/'], 'prod', true], // the directory itself (removed or renamed)
    [['prod/'], 'production/app.yaml', false],
    [['prod/'], 'dev/app.yaml', false],
    [['teams/prod/'], 'teams', true], // a directory above the selector
    [['shared/base.yaml'], 'shared/base.yaml', true],
    [['shared/base.yaml'], 'shared/other.yaml', false],
    [['prod/'], '.', true], // the profiles directory itself (a git-sync link swap)
    [[''], 'anything/at/all.yaml', true],
  ])('%j takes a change at %s: %s', (selectors, path, expected) => {
    expect(pathTouchesSelectors(selectors, path)).toBe(expected);
  });
});
