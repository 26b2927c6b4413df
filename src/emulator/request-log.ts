// The request log tests and benchmarks read to count calls. Entries name the operation, outcome,
// clientToken and profile, never a request body (bodies hold credentials).
import type { RequestLogEntry } from './types.js';

export type RequestListener = (entry: RequestLogEntry) => void;

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private readonly listeners = new Set<RequestListener>();
  private readonly arrivalListeners = new Set<RequestListener>();

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    notify(this.listeners, entry);
  }

  /** Calls `listener` for every request as it is logged; returns the unsubscribe function. */
  subscribe(listener: RequestListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells the arrival listeners that a request came in (before faults and handling; status 0). */
  arrived(entry: RequestLogEntry): void {
    notify(this.arrivalListeners, entry);
  }

  /** Calls `listener` when a request arrives, before any latency or fault; returns the unsubscribe function. */
  subscribeArrivals(listener: RequestListener): () => void {
    this.arrivalListeners.add(listener);
    return () => this.arrivalListeners.delete(listener);
  }

  /** A copy, so callers can keep it while the emulator goes on logging. */
  list(): RequestLogEntry[] {
    return this.entries.map((entry) => ({ ...entry }));
  }

  clear(): void {
    this.entries = [];
  }
}

/** Each listener gets its own copy; a listener's failure must never break the emulator's response. */
function notify(listeners: ReadonlySet<RequestListener>, entry: RequestLogEntry): void {
  for (const listener of listeners) {
    try {
      listener({ ...entry });
    } catch {
      // ignored, see above
    }
  }
}
