// Deep-frozen values: plain data frozen all the way down, and registered as such, so a cache can
// remember what it derived from one (a digest, a canonical form, a fingerprint) for as long as the
// object lives. Object.isFrozen alone would not do: it says nothing of the object's children.
// The parse cache hands out deep-frozen documents (the same objects every pass of the daemon);
// the planner's memos (src/planner/memo.ts) key on them.

const deepFrozen = new WeakSet<object>();

/** Freezes `value` and everything below it, and registers each object as deep-frozen; returns `value`. */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || deepFrozen.has(value)) return value;
  Object.freeze(value);
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  deepFrozen.add(value);
  return value;
}

/** True when `value` was deep-frozen by deepFreeze: neither it nor anything below it can change. */
export function isDeepFrozen(value: unknown): value is object {
  return typeof value === 'object' && value !== null && deepFrozen.has(value);
}

/**
 * Freezes what can be frozen in an SDK answer (plain objects and arrays), leaving what cannot
 * (Dates keep their setters, binary views cannot be frozen) as it is; registers as deep-frozen
 * each object whose whole subtree is plain data. Returns whether `value` itself is deep-frozen.
 */
export function freezePlainParts(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (deepFrozen.has(value)) return true;
  if (ArrayBuffer.isView(value) || value instanceof Date) return false;
  let plain = true;
  for (const key of Object.keys(value)) if (!freezePlainParts((value as Record<string, unknown>)[key])) plain = false;
  Object.freeze(value);
  if (plain) deepFrozen.add(value);
  return plain;
}
