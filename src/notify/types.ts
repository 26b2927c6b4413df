// Notifications: what happened in a reconcile pass, told to people where they look (a webhook,
// Slack, a commit status on GitHub). The reconcile report is the only input (events-from-report.ts);
// each destination is a sink (sinks/); delivery is asynchronous and never slows a pass
// (dispatcher.ts). See docs/notifications.md.

export type EventSeverity = 'info' | 'warning' | 'error';

export type EventType = 'applied' | 'drift-corrected' | 'failed' | 'prune-blocked' | 'policy-violation' | 'summary';

/**
 * One event, exactly the JSON envelope a webhook receives. Holds no secret and no duration (a
 * duration in a message defeats de-duplication in every receiver).
 */
export interface NotificationEvent {
  /** Minted once per event; a retried delivery carries the same id, so receivers can drop repeats. */
  id: string;
  type: EventType;
  severity: EventSeverity;
  /** ISO-8601 time the pass finished. */
  timestamp: string;
  /** Git revision of the profiles (null when unknown). */
  revision: string | null;
  /** Target name ('default' for the implicit single target). */
  target: string;
  /** The profile concerned; null for the pass summary and failures of the pass as a whole. */
  profile: { name: string; connectorType: string | null } | null;
  /** The planned action (create, update, replace, delete), or null for the pass summary. */
  action: string | null;
  /** CamelCase reason, as in Kubernetes events: Applied, DriftCorrected, ApplyFailed, PruneBlocked, PolicyViolation, ReconciliationSucceeded, ReconciliationFailed. */
  reason: string;
  /** One line for people. */
  message: string;
  /** Dotted paths of the fields the write changed (values are never sent); [] when none. */
  changes: string[];
}

/** The events of one pass of one target, after de-duplication: what a sink receives. */
export interface PassEvents {
  target: string;
  revision: string | null;
  /** False when anything failed (a profile or the pass as a whole). */
  ok: boolean;
  /** The events to tell: new ones only (see deduplicate.ts). Empty for a quiet or repeated pass. */
  events: NotificationEvent[];
  /** Every event of the pass, told before or not: a commit status describes the whole pass. */
  allEvents: NotificationEvent[];
}

/** The commit a target is about to apply: a GitHub sink marks it `pending`. */
export interface PassStart {
  target: string;
  revision: string | null;
}

/** One HTTP request a sink wants made; the dispatcher sends it, retries it, counts it. */
export interface Delivery {
  /** Sink type, for metrics and logs: webhook, slack, github. Never the URL (it may hold a token). */
  sink: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Called when the request failed for good or was dropped (a GitHub sink forgets the status, so it is posted again). */
  onFailed?: () => void;
}

/** A destination: turns what happened into zero or more requests. Pure apart from its own memory. */
export interface NotificationSink {
  readonly type: string;
  passStarted(start: PassStart): Delivery[];
  passFinished(pass: PassEvents): Delivery[];
}
