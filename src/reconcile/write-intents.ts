// Idempotency tokens for writes, persisted as intents in the state directory.
//
// Lifecycle of one write's token:
//   1. before the first attempt: reuse a live intent for the same name, operation and request
//      digest (a crash or an abandoned pass left it), else mint a fresh random UUID; persist it;
//   2. every attempt (p-retry) sends that token;
//   3. once the write is confirmed (success, or Describe shows it landed) the intent is dropped, so
//      the same change needed again later (someone reverted it in the console) gets a NEW token.
//      Reusing the old one would make AppFlow replay the first answer and apply nothing.
// Intents are retired after INTENT_RETIREMENT_MS, far inside AppFlow's 8-hour token window, so a
// reused token is always one AppFlow still remembers.
import { createHmac, randomUUID } from 'node:crypto';
import type { TargetState, WriteIntent, WriteOperation } from '../model/types.js';
// The planner's canonical form (sorted keys, undefined members dropped): equal requests, equal digests.
import { canonicalJson } from '../planner/normalize.js';

/** Intents older than this are never reused (AppFlow remembers a token for 8 hours). */
export const INTENT_RETIREMENT_MS = 2 * 60 * 60 * 1000;

/**
 * Keyed digest (HMAC-SHA256, hex) of a full write request, credentials included, clientToken
 * excluded. Keyed with the state directory's key so the state file cannot be used to test guesses
 * of a credential value.
 */
export function requestDigest(hmacKey: Buffer, operation: WriteOperation, request: object): string {
  const { clientToken: _ignored, ...rest } = request as Record<string, unknown>;
  return createHmac('sha256', hmacKey).update(`${operation}\n${canonicalJson(rest)}`).digest('hex');
}

export function isIntentLive(intent: WriteIntent, nowMs: number): boolean {
  const created = Date.parse(intent.createdAt);
  return Number.isFinite(created) && nowMs - created < INTENT_RETIREMENT_MS && nowMs >= created - 60_000;
}

export interface IntentChoice {
  intent: WriteIntent;
  /** True when a persisted intent's token is reused (a previous attempt may have landed). */
  reused: boolean;
}

/** Reuses `existing` only for the identical request within the retirement age; otherwise mints. */
export function chooseIntent(
  existing: WriteIntent | undefined,
  wanted: { operation: WriteOperation; name: string; requestDigest: string },
  nowMs: number,
  mintToken: () => string = randomUUID,
): IntentChoice {
  if (
    existing &&
    existing.operation === wanted.operation &&
    existing.name === wanted.name &&
    existing.requestDigest === wanted.requestDigest &&
    isIntentLive(existing, nowMs)
  ) {
    return { intent: existing, reused: true };
  }
  return {
    intent: { ...wanted, clientToken: mintToken(), createdAt: new Date(nowMs).toISOString() },
    reused: false,
  };
}

/** Drops intents past the retirement age; returns the names dropped. */
export function retireExpiredIntents(state: TargetState, nowMs: number): string[] {
  const dropped: string[] = [];
  for (const [name, intent] of Object.entries(state.intents)) {
    if (!isIntentLive(intent, nowMs)) {
      delete state.intents[name];
      dropped.push(name);
    }
  }
  return dropped;
}
