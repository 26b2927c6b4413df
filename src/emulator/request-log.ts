// The request log tests and benchmarks read to count calls. Entries name the operation, outcome,
// clientToken and profile, never a request body (bodies hold credentials).
import type { RequestLogEntry } from './types.js';

export class RequestLog {
  private entries: RequestLogEntry[] = [];

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
  }

  /** A copy, so callers can keep it while the emulator goes on logging. */
  list(): RequestLogEntry[] {
    return this.entries.map((entry) => ({ ...entry }));
  }

  clear(): void {
    this.entries = [];
  }
}
