// The events of one pass, from its reconcile report alone (pure). A pass with nothing applied,
// nothing failed and nothing blocked has no event at all: a quiet pass is quiet.
//
// Messages name the profile, the action and the error, never a duration or a count of attempts
// (either would make two reports of the same failure differ, defeating de-duplication), and
// never a value: an outcome's error message never holds a secret (src/reconcile/types.ts), and
// `changes` lists field paths only.
import { randomUUID } from 'node:crypto';
import type { PlannedChange } from '../model/types.js';
import { describeViolation, POLICY_VIOLATION_CODE } from '../policy/violation-text.js';
import type { ProfileOutcome, ReconcileReport } from '../reconcile/types.js';
import type { EventSeverity, EventType, NotificationEvent } from './types.js';


const WRITE_ACTIONS = new Set(['create', 'update', 'replace', 'delete']);

export interface EventContext {
  target: string;
  revision: string | null;
  /** ISO-8601 time of the events (the end of the pass). */
  timestamp: string;
  /**
   * The revision at which each profile was last applied, as this process saw it. A write at the
   * revision a profile was already applied at means the files did not change but AWS did: drift.
   */
  lastAppliedRevision: ReadonlyMap<string, string | null>;
  newId?: () => string;
}

export function eventsFromReport(report: ReconcileReport, context: EventContext): NotificationEvent[] {
  const changes = new Map(report.plan.changes.map((change) => [change.name, change]));
  const make = eventMaker(context);
  const events: NotificationEvent[] = [];
  for (const outcome of report.outcomes) {
    const change = changes.get(outcome.name);
    events.push(...outcomeEvents(outcome, change, make, context));
  }
  if (report.error) {
    events.push(make({ type: 'failed', severity: 'error', reason: 'ReconciliationFailed', message: `the pass failed: ${report.error.code}: ${report.error.message}` }));
  }
  if (events.length > 0) events.push(summaryEvent(events, report.ok, make));
  return events;
}

type EventFields = Pick<NotificationEvent, 'type' | 'severity' | 'reason' | 'message'> & Partial<Pick<NotificationEvent, 'profile' | 'action' | 'changes'>>;

function eventMaker(context: EventContext): (fields: EventFields) => NotificationEvent {
  const newId = context.newId ?? randomUUID;
  return (fields) => ({
    id: newId(),
    type: fields.type,
    severity: fields.severity,
    timestamp: context.timestamp,
    revision: context.revision,
    target: context.target,
    profile: fields.profile ?? null,
    action: fields.action ?? null,
    reason: fields.reason,
    message: fields.message,
    changes: fields.changes ?? [],
  });
}

function outcomeEvents(
  outcome: ProfileOutcome,
  change: PlannedChange | undefined,
  make: (fields: EventFields) => NotificationEvent,
  context: EventContext,
): NotificationEvent[] {
  const about = {
    profile: { name: outcome.name, connectorType: change?.desired?.document.connectorType ?? change?.observed?.connectorType ?? null },
    action: outcome.action,
    changes: change?.fields.map((field) => field.path) ?? [],
  };
  const events: NotificationEvent[] = [];
  if (outcome.error?.code === POLICY_VIOLATION_CODE) {
    events.push(make({ ...about, type: 'policy-violation', severity: 'error', reason: 'PolicyViolation', message: `${outcome.action} ${outcome.name} not made: ${outcome.error.message}` }));
    return events;
  }
  if (outcome.result === 'blocked') {
    events.push(make({ ...about, type: 'prune-blocked', severity: 'warning', reason: 'PruneBlocked', message: `delete ${outcome.name} not made: ${outcome.error?.message ?? 'prune blocked'}` }));
  } else if (outcome.result === 'failed') {
    const error = outcome.error ? `${outcome.error.code}: ${outcome.error.message}` : 'failed';
    events.push(make({ ...about, type: 'failed', severity: 'error', reason: 'ApplyFailed', message: `${outcome.action} ${outcome.name} failed: ${error}` }));
  } else if (outcome.result === 'applied' && WRITE_ACTIONS.has(outcome.action)) {
    // Without a revision the two cannot be told apart: call it applied.
    const drift = context.revision !== null && context.lastAppliedRevision.get(outcome.name) === context.revision && outcome.action !== 'delete';
    events.push(
      drift
        ? make({ ...about, type: 'drift-corrected', severity: 'info', reason: 'DriftCorrected', message: `${outcome.name} was changed outside git; ${outcome.action} restored the document` })
        : make({ ...about, type: 'applied', severity: 'info', reason: 'Applied', message: `${outcome.action} ${outcome.name}` }),
    );
  }
  for (const warning of (change?.policyViolations ?? []).filter((v) => v.severity === 'warn')) {
    if (outcome.result !== 'applied') continue;
    events.push(make({ ...about, type: 'policy-violation', severity: 'warning', reason: 'PolicyViolation', message: `${outcome.action} ${outcome.name} was made, but ${describeViolation(warning)}` }));
  }
  return events;
}

const TALLY_ORDER: Array<[EventType, string]> = [
  ['applied', 'applied'],
  ['drift-corrected', 'drift corrected'],
  ['failed', 'failed'],
  ['policy-violation', 'policy violations'],
  ['prune-blocked', 'deletes blocked'],
];

function summaryEvent(events: readonly NotificationEvent[], ok: boolean, make: (fields: EventFields) => NotificationEvent): NotificationEvent {
  const counts = new Map<EventType, number>();
  for (const event of events) counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
  const parts = TALLY_ORDER.filter(([type]) => counts.has(type)).map(([type, label]) => `${counts.get(type)} ${label}`);
  const severity: EventSeverity = !ok || events.some((e) => e.severity === 'error') ? 'error' : events.some((e) => e.severity === 'warning') ? 'warning' : 'info';
  return make({
    type: 'summary',
    severity,
    reason: severity === 'error' ? 'ReconciliationFailed' : 'ReconciliationSucceeded',
    message: parts.join(', '),
  });
}
