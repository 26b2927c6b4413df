import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/emulator/api-error.js';
import { canonicalJson, IdempotencyRegistry, paramsDigest, TOKEN_LIFETIME_MS } from '../../src/emulator/idempotency.js';
import type { IdempotencyRecord } from '../../src/emulator/store.js';

describe('idempotency registry', () => {
  it('binds a token to the parameters regardless of key order, excluding the token itself', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
    expect(paramsDigest({ clientToken: 't1', a: 1, b: 2 })).toBe(paramsDigest({ b: 2, a: 1, clientToken: 't2' }));
    expect(paramsDigest({ a: 1 })).not.toBe(paramsDigest({ a: 2 }));
  });

  it('replays within 8 h, rejects other parameters with the configured error, forgets after 8 h', () => {
    let mismatch: 'ConflictException' | 'ValidationException' = 'ConflictException';
    const registry = new IdempotencyRegistry(new Map(), () => mismatch);
    registry.record('Op', 'tok', 'digest-1', 0, { ok: 1 });
    expect(registry.lookup('Op', 'tok', 'digest-1', TOKEN_LIFETIME_MS - 1)).toEqual({ ok: 1 });
    expect(registry.lookup('Other', 'tok', 'digest-2', 1)).toBeUndefined(); // scoped per operation
    expect(() => registry.lookup('Op', 'tok', 'digest-2', 1)).toThrow(expect.objectContaining({ code: 'ConflictException', status: 409 }));
    mismatch = 'ValidationException';
    try {
      registry.lookup('Op', 'tok', 'digest-2', 1);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBe(400);
    }
    expect(registry.lookup('Op', 'tok', 'digest-2', TOKEN_LIFETIME_MS)).toBeUndefined();
    expect(registry.lookup('Op', undefined, 'digest-1', 0)).toBeUndefined();
  });

  it('purges expired records so memory stays bounded', () => {
    const records = new Map<string, IdempotencyRecord>();
    const registry = new IdempotencyRegistry(records, () => 'ConflictException');
    for (let i = 0; i < 999; i++) registry.record('Op', `old-${i}`, 'd', 0, {});
    expect(records.size).toBe(999);
    registry.record('Op', 'new', 'd', TOKEN_LIFETIME_MS + 1, {}); // the 1,000th insert triggers a purge
    expect([...records.values()].map((r) => r.clientToken)).toEqual(['new']);
  });
});
