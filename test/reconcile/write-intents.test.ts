import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TargetState, WriteIntent } from '../../src/model/types.js';
import {
  INTENT_RETIREMENT_MS,
  chooseIntent,
  requestDigest,
  retireExpiredIntents,
} from '../../src/reconcile/write-intents.js';
import { canonicalJson } from '../../src/planner/normalize.js';

const key = randomBytes(32);
const T0 = Date.parse('2026-01-01T00:00:00Z');

function intent(overrides: Partial<WriteIntent> = {}): WriteIntent {
  return {
    operation: 'create',
    name: 'p1',
    clientToken: 'tok-1',
    requestDigest: 'd1',
    createdAt: new Date(T0).toISOString(),
    ...overrides,
  };
}

describe('requestDigest', () => {
  const request = {
    connectorProfileName: 'p1',
    connectionMode: 'Public',
    connectorProfileConfig: { connectorProfileCredentials: { Datadog: { apiKey: 'SENTINEL-SECRET-A' } } },
  };

  it('ignores key order and the clientToken', () => {
    const reordered = {
      connectorProfileConfig: { connectorProfileCredentials: { Datadog: { apiKey: 'SENTINEL-SECRET-A' } } },
      clientToken: 'whatever',
      connectionMode: 'Public',
      connectorProfileName: 'p1',
    };
    expect(requestDigest(key, 'create', reordered)).toBe(requestDigest(key, 'create', request));
  });

  it('changes with the credentials, the operation and the key, and never contains the secret', () => {
    const digest = requestDigest(key, 'create', request);
    const rotated = structuredClone(request);
    rotated.connectorProfileConfig.connectorProfileCredentials.Datadog.apiKey = 'SENTINEL-SECRET-B';
    expect(requestDigest(key, 'create', rotated)).not.toBe(digest);
    expect(requestDigest(key, 'update', request)).not.toBe(digest);
    expect(requestDigest(randomBytes(32), 'create', request)).not.toBe(digest);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(digest).not.toContain('SENTINEL');
  });

  it('canonicalJson sorts nested keys and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: undefined, c: [{ z: 1, y: 2 }] } })).toBe('{"a":{"c":[{"y":2,"z":1}]},"b":1}');
  });
});

describe('chooseIntent', () => {
  const wanted = { operation: 'create' as const, name: 'p1', requestDigest: 'd1' };
  let counter = 0;
  const mint = () => `minted-${++counter}`;

  it('mints a token when there is no intent', () => {
    const choice = chooseIntent(undefined, wanted, T0, mint);
    expect(choice.reused).toBe(false);
    expect(choice.intent).toMatchObject({ ...wanted, createdAt: new Date(T0).toISOString() });
    expect(choice.intent.clientToken).toMatch(/^minted-/);
  });

  it('reuses a live intent for the identical request', () => {
    const choice = chooseIntent(intent(), wanted, T0 + INTENT_RETIREMENT_MS - 1, mint);
    expect(choice).toEqual({ intent: intent(), reused: true });
  });

  it.each([
    ['a different request', intent({ requestDigest: 'd2' }), T0],
    ['a different operation', intent({ operation: 'update' }), T0],
    ['an intent past the retirement age', intent(), T0 + INTENT_RETIREMENT_MS],
    ['an intent dated in the future', intent({ createdAt: new Date(T0 + 10 * 60_000).toISOString() }), T0],
    ['a corrupt date', intent({ createdAt: 'not a date' }), T0],
  ])('mints a new token for %s', (_label, existing, now) => {
    const choice = chooseIntent(existing, wanted, now, mint);
    expect(choice.reused).toBe(false);
    expect(choice.intent.clientToken).not.toBe('tok-1');
  });

  it('retires well inside the 8-hour AppFlow token window', () => {
    expect(INTENT_RETIREMENT_MS).toBeLessThanOrEqual(4 * 60 * 60 * 1000);
  });

  it('mints random UUIDs by default', () => {
    const a = chooseIntent(undefined, wanted, T0).intent.clientToken;
    const b = chooseIntent(undefined, wanted, T0).intent.clientToken;
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
  });
});

describe('retireExpiredIntents', () => {
  it('drops only the intents past the retirement age', () => {
    const state: TargetState = {
      profiles: {},
      intents: {
        old: intent({ name: 'old', createdAt: new Date(T0 - INTENT_RETIREMENT_MS - 1).toISOString() }),
        fresh: intent({ name: 'fresh', createdAt: new Date(T0 - 1000).toISOString() }),
      },
    };
    expect(retireExpiredIntents(state, T0)).toEqual(['old']);
    expect(Object.keys(state.intents)).toEqual(['fresh']);
  });
});
