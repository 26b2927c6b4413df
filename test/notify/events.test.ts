import { describe, expect, it } from 'vitest';
import { EventDeduplicator } from '../../src/notify/deduplicate.js';
import { eventsFromReport, type EventContext } from '../../src/notify/events-from-report.js';
import type { NotificationEvent } from '../../src/notify/types.js';
import { planOf, reportOf, REVISION_A, REVISION_B } from './reports.js';

function context(extra: Partial<EventContext> = {}): EventContext {
  let n = 0;
  return { target: 'prod-us', revision: REVISION_A, timestamp: '2026-12-01T10:00:02.080Z', lastAppliedRevision: new Map(), newId: () => `id-${++n}`, ...extra };
}

describe('events from a reconcile report', () => {
  it('gives one event per write and a summary, in the webhook envelope, without durations or values', () => {
    const plan = planOf({ created: ['orders'], updated: ['billing'] });
    const events = eventsFromReport(reportOf(plan), context());
    expect(events.map((e) => [e.type, e.profile?.name ?? null, e.action])).toEqual([
      ['applied', 'billing', 'update'],
      ['applied', 'orders', 'create'],
      ['summary', null, null],
    ]);
    expect(events[0]).toEqual({
      id: 'id-1',
      type: 'applied',
      severity: 'info',
      timestamp: '2026-12-01T10:00:02.080Z',
      revision: REVISION_A,
      target: 'prod-us',
      profile: { name: 'billing', connectorType: 'Snowflake' },
      action: 'update',
      reason: 'Applied',
      message: 'update billing',
      changes: ['connectionMode'],
    });
    expect(Object.keys(events[0]!)).toEqual(['id', 'type', 'severity', 'timestamp', 'revision', 'target', 'profile', 'action', 'reason', 'message', 'changes']);
    expect(events[2]).toMatchObject({ severity: 'info', reason: 'ReconciliationSucceeded', message: '2 applied' });
    // The report's durations (1234 ms per write, 2080 ms per pass) never reach a message.
    for (const event of events) expect(event.message).not.toMatch(/1234|2080|1\.2|2\.08|\bms\b|seconds/);
    expect(JSON.stringify(events)).not.toContain('SecretString');
  });

  it('has no event at all for a pass that changed nothing and failed nothing', () => {
    const plan = planOf({});
    expect(eventsFromReport(reportOf(plan), context())).toEqual([]);
  });

  it('tells failures, policy denials and blocked deletes with their reasons', () => {
    const plan = planOf({ created: ['a', 'b', 'c'] });
    const report = reportOf(plan, {
      a: { result: 'failed', code: 'ValidationException', message: 'instanceUrl is not reachable' },
      b: { result: 'blocked', code: 'PolicyViolation', message: 'policy private-in-prod: production profiles must use a Private connection' },
      c: { result: 'blocked', code: 'prune.blocked', message: 'more than --max-deletes' },
    });
    const events = eventsFromReport(report, context());
    expect(events.map((e) => [e.type, e.severity, e.reason, e.message])).toEqual([
      ['failed', 'error', 'ApplyFailed', 'create a failed: ValidationException: instanceUrl is not reachable'],
      ['policy-violation', 'error', 'PolicyViolation', 'create b not made: policy private-in-prod: production profiles must use a Private connection'],
      ['prune-blocked', 'warning', 'PruneBlocked', 'delete c not made: more than --max-deletes'],
      ['summary', 'error', 'ReconciliationFailed', '1 failed, 1 policy violations, 1 deletes blocked'],
    ]);
  });

  it('tells a warn policy on a write that was made', () => {
    const plan = planOf({ created: ['a'] });
    plan.changes[0]!.policyViolations = [{ policy: 'kms-required', severity: 'warn', message: 'name a KMS key' }];
    const events = eventsFromReport(reportOf(plan), context());
    expect(events.map((e) => [e.type, e.severity, e.message])).toEqual([
      ['applied', 'info', 'create a'],
      ['policy-violation', 'warning', 'create a was made, but policy kms-required (warn): name a KMS key'],
      ['summary', 'warning', '1 applied, 1 policy violations'],
    ]);
  });

  it('calls a write at the revision the profile was already applied at drift, and a new revision applied', () => {
    const plan = planOf({ updated: ['billing'] });
    const seen = new Map([['billing', REVISION_A]]);
    expect(eventsFromReport(reportOf(plan), context({ lastAppliedRevision: seen }))[0]).toMatchObject({ type: 'drift-corrected', reason: 'DriftCorrected' });
    expect(eventsFromReport(reportOf(plan), context({ lastAppliedRevision: seen, revision: REVISION_B }))[0]).toMatchObject({ type: 'applied' });
    expect(eventsFromReport(reportOf(plan), context({ lastAppliedRevision: new Map([['billing', null]]), revision: null }))[0]).toMatchObject({ type: 'applied' });
  });

  it('tells a failure of the pass as a whole', () => {
    const events = eventsFromReport(reportOf(planOf({}), {}, { ok: false, error: { code: 'observe.failed', message: 'could not read the current state: ECONNREFUSED' } }), context());
    expect(events.map((e) => [e.type, e.profile, e.message])).toEqual([
      ['failed', null, 'the pass failed: observe.failed: could not read the current state: ECONNREFUSED'],
      ['summary', null, '1 failed'],
    ]);
  });
});

describe('de-duplication', () => {
  function passes(now: { ms: number }) {
    return new EventDeduplicator({ repeatMs: 5 * 60_000, now: () => now.ms });
  }
  const failing = (revision = REVISION_A): NotificationEvent[] => eventsFromReport(reportOf(planOf({ created: ['a'] }), { a: { result: 'failed', code: 'Throttling', message: 'slow down' } }), context({ revision }));
  const applied = (revision = REVISION_A): NotificationEvent[] => eventsFromReport(reportOf(planOf({ created: ['a'] })), context({ revision }));

  it('tells a success once per revision', () => {
    const clock = { ms: 0 };
    const dedupe = passes(clock);
    expect(dedupe.filter(applied())).toHaveLength(2);
    clock.ms += 60 * 60_000;
    expect(dedupe.filter(applied())).toEqual([]);
    expect(dedupe.filter(applied(REVISION_B))).toHaveLength(2);
  });

  it('tells a repeated failure at most once per repeat interval, with its summary', () => {
    const clock = { ms: 0 };
    const dedupe = passes(clock);
    expect(dedupe.filter(failing()).map((e) => e.type)).toEqual(['failed', 'summary']);
    clock.ms += 4 * 60_000;
    expect(dedupe.filter(failing())).toEqual([]);
    clock.ms += 60_000;
    expect(dedupe.filter(failing()).map((e) => e.type)).toEqual(['failed', 'summary']);
  });

  it('tells a different failure at once', () => {
    const clock = { ms: 0 };
    const dedupe = passes(clock);
    dedupe.filter(failing());
    const other = eventsFromReport(reportOf(planOf({ created: ['a'] }), { a: { result: 'failed', code: 'ValidationException', message: 'bad' } }), context());
    expect(dedupe.filter(other).map((e) => e.type)).toEqual(['failed', 'summary']);
  });

  it('forgets the oldest events beyond its bound', () => {
    const dedupe = new EventDeduplicator({ repeatMs: 1, now: () => 0, maxEntries: 1 });
    dedupe.filter(applied(REVISION_A));
    dedupe.filter(applied(REVISION_B));
    expect(dedupe.filter(applied(REVISION_A))).toHaveLength(2);
  });
});
