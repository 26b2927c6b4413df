// What operation handlers see of the running emulator: state, identity and clock. Kept as a small
// interface so handlers are plain functions testable without HTTP.
import type { IdempotencyRegistry } from './idempotency.js';
import type { EmulatorStore } from './store.js';

export interface ServiceContext {
  store: EmulatorStore;
  idempotency: IdempotencyRegistry;
  region: string;
  accountId: string;
  /** Epoch ms. */
  now(): number;
  profileQuota(): number;
  /** Called after every state change (persistence schedules a write). */
  changed(): void;
}

/** What a handler returns: the response body, and whether it was replayed from a clientToken record. */
export interface HandlerResult {
  body: Record<string, unknown>;
  replayed?: boolean;
}

export const epochSeconds = (ms: number): number => ms / 1000;
