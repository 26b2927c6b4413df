import { describe, expect, it } from 'vitest';
import { nameKeyed } from '../../src/model/name-keyed.js';
import { sameJson } from '../../src/model/json-equal.js';

/** The definition sameJson must agree with, in every case. */
const sameText = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A small seeded generator (mulberry32): the same cases on every run, and a failing seed can be replayed. */
function random(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** A state-shaped snapshot: targets of profile records and intents, by name without a prototype. */
function snapshot(): Record<string, unknown> {
  const profiles = nameKeyed<Record<string, unknown>>();
  for (let i = 0; i < 50; i++) {
    profiles[`p-${i}`] = { name: `p-${i}`, origin: 'created', connectorType: 'Datadog', credentialsFingerprint: 'f'.repeat(64), lifecycle: { preventDestroy: i % 2 === 0, ignore: ['connectorProfileConfig.connectorProfileProperties'] } };
  }
  const intents = nameKeyed<Record<string, unknown>>([['p-3', { name: 'p-3', operation: 'update', clientToken: 't', requestDigest: 'd', createdAt: new Date(3).toISOString() }]]);
  return { formatVersion: 1, targets: { 'us-east-1/default@local': { profiles, intents } } };
}

/** Every object and array in `value`, `value` itself included: the places a change can be made. */
function containers(value: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (value === null || typeof value !== 'object') return out;
  out.push(value as Record<string, unknown>);
  for (const key of Object.keys(value)) containers((value as Record<string, unknown>)[key], out);
  return out;
}

/** One small change of the kind a pass makes (or a near miss that leaves the JSON as it was). */
function mutate(root: Record<string, unknown>, next: () => number): void {
  const all = containers(root);
  const target = all[Math.floor(next() * all.length)]!;
  const keys = Object.keys(target);
  const key = keys[Math.floor(next() * keys.length)];
  const kind = Math.floor(next() * 9);
  if (Array.isArray(target)) {
    if (kind < 3) target.push(kind === 0 ? undefined : kind === 1 ? null : 'x');
    else if (key !== undefined) target[Number(key)] = kind < 6 ? undefined : 'y';
    return;
  }
  if (kind === 0) target.added = 'new';
  else if (kind === 1) target.ignored = undefined; // left out of the JSON: the text is unchanged
  else if (kind === 2) target.fn = () => 1; // likewise
  else if (key === undefined) target.first = 1;
  else if (kind === 3) delete target[key];
  else if (kind === 4) target[key] = typeof target[key] === 'string' ? `${target[key]}!` : 'changed';
  else if (kind === 5) {
    // The same members in another order: a different text.
    const value = target[key];
    delete target[key];
    target[key] = value;
  } else if (kind === 6) target[key] = undefined;
  else if (kind === 7) target[key] = new Date(0);
  else target[key] = structuredClone(target[key]); // an equal copy: the same text
}

describe('sameJson', () => {
  it.each([
    ['equal primitives', 1, 1],
    ['different primitives', 1, '1'],
    ['NaN and null (both written null)', Number.NaN, null],
    ['0 and -0 (both written 0)', 0, -0],
    ['undefined and a function at the top (neither has a text)', undefined, () => 1],
    ['undefined and null', undefined, null],
    ['an object and an array', {}, []],
    ['the same members in another order', { a: 1, b: 2 }, { b: 2, a: 1 }],
    ['a member JSON leaves out', { a: 1, b: undefined, c: () => 1, d: Symbol('s') }, { a: 1 }],
    ['a left-out member against a present one', { a: 1, b: undefined }, { a: 1, b: null }],
    ['array items written as null', [undefined, () => 1, null], [null, null, null]],
    ['arrays of different lengths', [1], [1, undefined]],
    ['a Date and its ISO text', { at: new Date(0) }, { at: '1970-01-01T00:00:00.000Z' }],
    ['toJSON against its result', { x: { toJSON: () => [1] } }, { x: [1] }],
    ['a boxed string and a string', { s: new String('a') }, { s: 'a' }],
    ['a null-prototype map and a plain object', nameKeyed([['p', { name: 'p' }]]), { p: { name: 'p' } }],
    ['integer-like keys (listed first by both)', { b: 1, 2: 'x', 1: 'y' }, { 1: 'y', 2: 'x', b: 1 }],
    ['nested empty containers', { a: {}, b: [] }, { a: [], b: {} }],
  ])('agrees with JSON.stringify for %s', (_label, a, b) => {
    expect(sameJson(a, b)).toBe(sameText(a, b));
    expect(sameJson(b, a)).toBe(sameText(b, a));
  });

  it('agrees with JSON.stringify over 2,000 random changes to a state-shaped snapshot', () => {
    const next = random(20261202);
    let same = 0;
    for (let round = 0; round < 2_000; round++) {
      const before = snapshot();
      const after = snapshot();
      for (let changes = 1 + Math.floor(next() * 3); changes > 0; changes--) mutate(after, next);
      const expected = sameText(before, after);
      if (expected) same++;
      expect({ round, same: sameJson(before, after) }).toEqual({ round, same: expected });
      expect(sameJson(after, before)).toBe(expected);
    }
    // Both answers are exercised: the changes that leave the text alone are not rare.
    expect(same).toBeGreaterThan(100);
    expect(same).toBeLessThan(1_900);
  });
});
