// Per-document work remembered across the daemon's passes. The parse cache hands out the same
// deep-frozen document objects every pass while a file's text is unchanged (src/desired/parse-cache.ts),
// so what the planner derives from one (its digest, its canonical properties) is computed once per
// edit instead of once per pass; the daemon's Describe answers likewise, while the account answers
// with the same bytes (src/aws/remembered-reads.ts). Keyed weakly on the object: an edited or
// deleted file's document is no longer handed out, and its entries go with it. Anything not
// deep-frozen (one-shot commands have no parse cache and deserialise every answer) is computed
// every time, so a memo can never serve a value derived from an object that has changed since.
import { deepFreeze, isDeepFrozen } from '../model/deep-frozen.js';

/**
 * `compute`, remembered for deep-frozen keys (see src/model/deep-frozen.ts). A remembered value is
 * shared by every later pass, so it is deep-frozen too: whoever tried to change it would throw.
 */
export function memoizeDeepFrozen<K, V>(compute: (key: K) => V): (key: K) => V {
  const memo = new WeakMap<object, V>();
  return (key: K): V => {
    if (!isDeepFrozen(key)) return compute(key);
    if (memo.has(key)) return memo.get(key) as V;
    const value = deepFreeze(compute(key));
    memo.set(key, value);
    return value;
  };
}
