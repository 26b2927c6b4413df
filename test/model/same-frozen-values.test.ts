// sameFrozenValues: the very same frozen objects under the same keys, and nothing else.
import { describe, expect, it } from 'vitest';
import { sameFrozenValues } from '../../src/model/same-frozen-values.js';

describe('sameFrozenValues', () => {
  const a: { v: number } = Object.freeze({ v: 1 });
  const b: { v: number } = Object.freeze({ v: 2 });
  const map = (...entries: [string, { v: number }][]) => new Map(entries);

  it('is true for the same frozen objects under the same keys, in any map', () => {
    expect(sameFrozenValues(map(['a', a], ['b', b]), map(['b', b], ['a', a]))).toBe(true);
    expect(sameFrozenValues(map(), map())).toBe(true);
  });

  it('is false for an equal but other object, a missing or extra key, or a value that is not frozen', () => {
    expect(sameFrozenValues(map(['a', a]), map(['a', Object.freeze({ v: 1 })]))).toBe(false);
    expect(sameFrozenValues(map(['a', a], ['b', b]), map(['a', a]))).toBe(false);
    expect(sameFrozenValues(map(['a', a]), map(['b', a]))).toBe(false);
    const open = { v: 3 };
    expect(sameFrozenValues(map(['a', open]), map(['a', open]))).toBe(false);
  });
});
