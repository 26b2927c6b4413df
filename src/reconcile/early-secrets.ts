// The secret reads of a daemon's pass sent before the profile files are loaded, as the inventory's
// Describe is (early-describe.ts). A warm pass resolves the same deep-frozen list of unique
// references as the pass before it (the parse cache hands back the same reference lists), and
// that list is known before any file is stat'ed: its 50 BatchGetSecretValue calls (1,000 secrets)
// can run while this process loads the files, instead of only after. The reads still happen in
// the pass (a rotated secret is seen by the pass that reads it, as before): nothing here keeps a
// value across passes, only which references the last pass asked for (no value).
import type { SecretLookup, SecretsPort } from '../aws/ports.js';
import { deepFreeze, isDeepFrozen } from '../model/deep-frozen.js';
import type { DesiredProfile, SecretReference } from '../model/types.js';

/** Secret reads already on their way, for these references (the previous pass's list). */
export interface EarlySecrets {
  refs: readonly SecretReference[];
  lookups: Promise<ReadonlyMap<string, SecretLookup>>;
}

/**
 * Per secrets port (one per target): the reference lists its last list of unique references was
 * made from (the parse cache's deep-frozen ones, in load order), and that list, deep-frozen. A
 * daemon's pass over unchanged files gets the same list object back, which the secrets adapter
 * recognises and does not group again (src/aws/secrets-adapter.ts); any other pass builds a new one.
 */
const lastUnique = new WeakMap<object, { lists: readonly DesiredProfile['credentialRefs'][]; refs: SecretReference[] }>();

export function uniqueReferences(profiles: readonly DesiredProfile[]): SecretReference[] {
  const byRaw = new Map<string, SecretReference>();
  for (const profile of profiles) for (const { ref } of profile.credentialRefs) byRaw.set(ref.raw, ref);
  return [...byRaw.values()];
}

/** The unique references of `profiles`: the same frozen list as last time while their lists are the same. */
export function sharedUniqueReferences(port: object, profiles: readonly DesiredProfile[]): SecretReference[] {
  const lists = profiles.map((profile) => profile.credentialRefs);
  const known = lastUnique.get(port);
  if (known && known.lists.length === lists.length && lists.every((list, i) => list === known.lists[i] && isDeepFrozen(list))) return known.refs;
  const refs = uniqueReferences(profiles);
  if (!lists.every((list) => isDeepFrozen(list))) {
    lastUnique.delete(port);
    return refs;
  }
  lastUnique.set(port, { lists, refs: deepFreeze(refs) });
  return refs;
}

/**
 * Starts reading the secrets the previous pass on this port resolved from a frozen list;
 * undefined when there is none (a process's first pass, a one-shot command, a pass whose files
 * were not all parse-cached). The answer is awaited by `resolveWithEarly`.
 */
export function resolveSecretsEarly(secrets: SecretsPort): EarlySecrets | undefined {
  const known = lastUnique.get(secrets);
  if (known === undefined || known.refs.length === 0) return undefined;
  const lookups = secrets.resolve(known.refs);
  // A pass that stops before resolving (a load that throws) must not leave an unhandled
  // rejection behind; the error itself still reaches resolveWithEarly's caller.
  lookups.catch(() => undefined);
  return { refs: known.refs, lookups };
}

/**
 * The lookups of `refs`: the early answer when it was for this very list (a warm no-op pass);
 * otherwise the early answer for the references it covered plus one resolve for the rest.
 */
export async function resolveWithEarly(secrets: SecretsPort, refs: SecretReference[], early: EarlySecrets | undefined): Promise<ReadonlyMap<string, SecretLookup>> {
  if (refs.length === 0) return new Map();
  if (early === undefined) return secrets.resolve(refs);
  if (early.refs === refs) return early.lookups;
  const covered = new Set(early.refs.map((ref) => ref.raw));
  const rest = refs.filter((ref) => !covered.has(ref.raw));
  const [answered, more] = await Promise.all([early.lookups, rest.length > 0 ? secrets.resolve(rest) : Promise.resolve(new Map<string, SecretLookup>())]);
  // Only this pass's references: a secret the files no longer use is not reported on.
  const lookups = new Map<string, SecretLookup>();
  for (const ref of refs) {
    const lookup = answered.get(ref.raw) ?? more.get(ref.raw);
    if (lookup !== undefined) lookups.set(ref.raw, lookup);
  }
  return lookups;
}
