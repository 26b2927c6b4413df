// Less noise, as Flux and Argo CD users keep asking for: a success is told once per revision, and
// the same failure at most once per repeat interval (--notify-repeat, 5m by default). Two events
// are "the same" when everything but their id and timestamp is equal, which works because
// messages hold no durations. A pass summary goes out only with at least one other event.
import type { NotificationEvent } from './types.js';

export const DEFAULT_NOTIFY_REPEAT_MS = 5 * 60_000;

/** Remembered events; the oldest are forgotten first (an old revision's success will not come back). */
const DEFAULT_MAX_ENTRIES = 10_000;

export interface DeduplicateOptions {
  repeatMs: number;
  now: () => number;
  maxEntries?: number;
}

export class EventDeduplicator {
  /** Key → when it was last let through (ms). Map keeps insertion order: the first key is the oldest. */
  readonly #seen = new Map<string, number>();
  readonly #options: Required<DeduplicateOptions>;

  constructor(options: DeduplicateOptions) {
    this.#options = { maxEntries: DEFAULT_MAX_ENTRIES, ...options };
  }

  /** The events of one pass that should be told. */
  filter(events: readonly NotificationEvent[]): NotificationEvent[] {
    const now = this.#options.now();
    const kept = events.filter((event) => event.type !== 'summary' && this.#admit(event, now));
    if (kept.length === 0) return [];
    const summary = events.find((event) => event.type === 'summary');
    return summary ? [...kept, summary] : kept;
  }

  #admit(event: NotificationEvent, now: number): boolean {
    const key = eventKey(event);
    const last = this.#seen.get(key);
    // Successes: once per revision (the revision is part of the key), for as long as remembered.
    // Warnings and errors: again once the repeat interval has passed.
    if (last !== undefined && (event.severity === 'info' || now - last < this.#options.repeatMs)) return false;
    this.#seen.delete(key);
    this.#seen.set(key, now);
    while (this.#seen.size > this.#options.maxEntries) this.#seen.delete(this.#seen.keys().next().value!);
    return true;
  }
}

function eventKey(event: NotificationEvent): string {
  return JSON.stringify([event.type, event.severity, event.target, event.revision, event.profile?.name ?? null, event.action, event.reason, event.message, event.changes]);
}
