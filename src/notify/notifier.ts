// The one object the daemon and `apply` talk to: `passStarted` before a pass, `passFinished` with
// its report after, `close` on the way out. Each call does pure work (events from the report,
// de-duplication, the sinks' requests) and hands the requests to the dispatcher, which sends them
// in the background: a pass never waits for a receiver.
import type { Logger } from '../logging/logger.js';
import type { ReconcileReport } from '../reconcile/types.js';
import { EventDeduplicator } from './deduplicate.js';
import { NotificationDispatcher, type DispatcherOptions } from './dispatcher.js';
import { eventsFromReport } from './events-from-report.js';
import type { NotificationSink, PassEvents } from './types.js';

export interface NotifierOptions {
  sinks: readonly NotificationSink[];
  /** --notify-repeat: the same failure is told again after this long (ms). */
  repeatMs: number;
  now?: () => number;
  logger?: Logger;
  dispatch?: DispatcherOptions;
}

export interface PassIdentity {
  /** Target name ('default' for the implicit single target). */
  target: string;
  revision: string | null;
}

export class Notifier {
  readonly #sinks: readonly NotificationSink[];
  readonly #dispatcher: NotificationDispatcher;
  readonly #deduplicator: EventDeduplicator;
  readonly #now: () => number;
  /** Per target: profile → revision it was last applied at (tells drift from a new commit). */
  readonly #lastApplied = new Map<string, Map<string, string | null>>();

  constructor(options: NotifierOptions) {
    this.#sinks = options.sinks;
    this.#now = options.now ?? Date.now;
    this.#deduplicator = new EventDeduplicator({ repeatMs: options.repeatMs, now: this.#now });
    this.#dispatcher = new NotificationDispatcher({ logger: options.logger, ...options.dispatch });
  }

  get enabled(): boolean {
    return this.#sinks.length > 0;
  }

  passStarted(pass: PassIdentity): void {
    this.#sinks.forEach((sink, i) => this.#dispatcher.enqueue(laneOf(sink, i), sink.passStarted(pass)));
  }

  passFinished(report: ReconcileReport, pass: PassIdentity): void {
    if (!this.enabled) return;
    const lastApplied = this.#lastApplied.get(pass.target) ?? new Map<string, string | null>();
    this.#lastApplied.set(pass.target, lastApplied);
    const allEvents = eventsFromReport(report, {
      target: pass.target,
      revision: pass.revision,
      timestamp: new Date(this.#now()).toISOString(),
      lastAppliedRevision: lastApplied,
    });
    for (const outcome of report.outcomes) {
      if (outcome.result !== 'applied') continue;
      if (outcome.action === 'delete') lastApplied.delete(outcome.name);
      else lastApplied.set(outcome.name, pass.revision);
    }
    const events: PassEvents = { target: pass.target, revision: pass.revision, ok: report.ok, events: this.#deduplicator.filter(allEvents), allEvents };
    this.#sinks.forEach((sink, i) => this.#dispatcher.enqueue(laneOf(sink, i), sink.passFinished(events)));
  }

  /** Resolves when every queued notification was delivered, failed or dropped. */
  idle(): Promise<void> {
    return this.#dispatcher.idle();
  }

  /** Waits up to `graceMs` for queued notifications, then drops the rest. */
  close(graceMs: number): Promise<void> {
    return this.#dispatcher.close(graceMs);
  }
}

function laneOf(sink: NotificationSink, index: number): string {
  return `${index}:${sink.type}`;
}
