// The request log tests and benchmarks read to count calls. Entries name the operation, outcome,
// clientToken and profile, never a request body (bodies hold credentials).
import type { RequestLogEntry } from './types.js';

export type RequestListener = (entry: RequestLogEntry) => void;

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private readonly listeners = new Set<RequestListener>();

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    for (const listener of this.listeners) {
      try {
        listener({ ...entry });
      } catch {
        // A listener's failure must never break the emulator's response.
      }
    }
  }

  /** Calls `listener` for every request as it is logged; returns the unsubscribe function. */
  subscribe(listener: RequestListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A copy, so callers can keep it while the emulator goes on logging. */
  list(): RequestLogEntry[] {
    return this.entries.map((entry) => ({ ...entry }));
  }

  clear(): void {
    this.entries = [];
  }
}
