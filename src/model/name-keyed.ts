// Objects keyed by profile name. AWS's name pattern allows `__proto__`, `constructor`, `toString`
// and `hasOwnProperty`: on a plain object `record['constructor']` finds Object.prototype's member
// (so a never-applied profile looked managed) and `record['__proto__'] = x` replaces the prototype
// instead of storing x (so that profile never converged). Objects from here have no prototype:
// every name is an ordinary key. State keeps its JSON shape (an object per target), so the
// inventory and intents are these objects rather than Maps; everything else keyed by name is a Map.

/** An empty object for profile-name keys, without a prototype. */
export function nameKeyed<T>(entries: Iterable<readonly [string, T]> = []): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  for (const [name, value] of entries) out[name] = value;
  return out;
}
