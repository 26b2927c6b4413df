// A deep copy of plain data (objects, arrays, primitives), several times cheaper than
// structuredClone or JSON.parse for what loading a file or reading the state gives. Used by the
// profile parse cache (src/desired/parse-cache.ts) and the state file's cache of its last parse
// (src/state/file-state-store.ts).

/** Deeper than any profile (the loader refuses nesting past MAX_NESTING_DEPTH): not a plain tree, let structuredClone decide. */
const PLAIN_CLONE_MAX_DEPTH = 64;

/**
 * A deep copy of plain data (objects, arrays, primitives: what loading a file gives). Copying
 * 1,000 cached files with structuredClone (serialise, then deserialise) was the loader's largest
 * cost in a warm pass; walking the values is several times faster. Anything else (a class
 * instance, a very deep value) is left to structuredClone, so the copy is never wrong.
 */
export function clonePlain<T>(value: T): T {
  const copied = copyPlain(value, 0);
  return copied === NOT_PLAIN ? structuredClone(value) : (copied as T);
}

const NOT_PLAIN = Symbol('not plain');

function copyPlain(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return typeof value === 'function' || typeof value === 'symbol' ? NOT_PLAIN : value;
  if (depth > PLAIN_CLONE_MAX_DEPTH) return NOT_PLAIN;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = copyPlain(value[i], depth + 1);
      if (item === NOT_PLAIN) return NOT_PLAIN;
      out[i] = item;
    }
    return out;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return NOT_PLAIN;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    // An own `__proto__` key (YAML allows it) would set the copy's prototype if assigned.
    if (key === '__proto__') return NOT_PLAIN;
    const item = copyPlain((value as Record<string, unknown>)[key], depth + 1);
    if (item === NOT_PLAIN) return NOT_PLAIN;
    out[key] = item;
  }
  return out;
}
