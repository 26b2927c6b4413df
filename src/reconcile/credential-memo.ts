// Resolved credentials and their fingerprint, remembered per parse-cached document across the
// daemon's passes: one HMAC (and one copy of the credentials) per profile only when its document
// or one of its secrets changed, not on every pass. A profile's resolution is a pure function of
// its document (deep-frozen while its file is unchanged, see src/model/deep-frozen.ts), the value
// and version each of its references resolved to, the fingerprint key and the scheme: all of them
// are compared before a remembered resolution is reused. Failures are never remembered (cheap,
// and their messages must stay current). What is remembered holds secret values, as the plan of
// every pass does: in memory only, boxed in Sensitive, and dropped with the document.
import type { SecretLookup } from '../aws/ports.js';
import { deepFreeze, isDeepFrozen } from '../model/deep-frozen.js';
import { sameFrozenValues } from '../model/same-frozen-values.js';
import type { DesiredProfile, FingerprintScheme } from '../model/types.js';
import type { CredentialResolution } from '../planner/plan-changes.js';

interface Remembered {
  refs: DesiredProfile['credentialRefs'];
  hmacKey: Buffer;
  scheme: FingerprintScheme;
  /** Per reference, in order: the value and the version id it resolved to. */
  inputs: (string | undefined)[];
  resolution: CredentialResolution;
}

export type AssembleCredentials = (profile: DesiredProfile, lookups: ReadonlyMap<string, SecretLookup>, hmacKey: Buffer, scheme: FingerprintScheme) => CredentialResolution | undefined;

/** One pass's resolutions (by profile name) and everything they were made from. */
interface RememberedPass {
  profiles: readonly DesiredProfile[];
  documents: readonly object[];
  refs: readonly DesiredProfile['credentialRefs'][];
  lookups: ReadonlyMap<string, SecretLookup>;
  hmacKey: Buffer;
  scheme: FingerprintScheme;
  credentials: ReadonlyMap<string, CredentialResolution>;
}

export class CredentialMemo {
  readonly #byDocument = new WeakMap<object, Remembered>();
  /** Per secrets port (one per target): the last pass's resolutions, when every one was remembered. */
  readonly #byPort = new WeakMap<object, RememberedPass>();

  /**
   * Every profile's resolution, by name. A daemon's pass over unchanged files whose secrets kept
   * their versions gets the same deep-frozen documents and reference lists as the pass before, and
   * the same frozen lookups from the secrets adapter (src/aws/secrets-adapter.ts): then the last
   * pass's resolutions are handed out again (in a new map) without a per-profile look at the memo.
   * A failed lookup is a new object every pass and a failed resolution is never remembered, so a
   * pass with any failure resolves profile by profile (its messages stay current).
   */
  resolveAll(
    port: object,
    profiles: readonly DesiredProfile[],
    lookups: ReadonlyMap<string, SecretLookup>,
    hmacKey: Buffer,
    scheme: FingerprintScheme,
    assemble: AssembleCredentials,
  ): Map<string, CredentialResolution> {
    const last = this.#byPort.get(port);
    if (last && sameProfiles(last, profiles) && last.scheme === scheme && (last.hmacKey === hmacKey || last.hmacKey.equals(hmacKey)) && sameFrozenValues(last.lookups, lookups)) {
      return new Map(last.credentials);
    }
    const credentials = new Map<string, CredentialResolution>();
    let remembered = true;
    for (const profile of profiles) {
      const resolution = this.resolve(profile, lookups, hmacKey, scheme, assemble);
      if (resolution === undefined) {
        if (!isDeepFrozen(profile.document)) remembered = false;
        continue;
      }
      credentials.set(profile.name, resolution);
      // Frozen: remembered per document above (a success from frozen inputs); anything else is not.
      if (!Object.isFrozen(resolution)) remembered = false;
    }
    if (remembered) {
      this.#byPort.set(port, {
        profiles,
        documents: profiles.map((p) => p.document),
        refs: profiles.map((p) => p.credentialRefs),
        lookups,
        hmacKey,
        scheme,
        credentials: new Map(credentials),
      });
    } else {
      this.#byPort.delete(port);
    }
    return credentials;
  }

  /** `assemble(...)`'s answer, reused when nothing it depends on changed since it was remembered. */
  resolve(profile: DesiredProfile, lookups: ReadonlyMap<string, SecretLookup>, hmacKey: Buffer, scheme: FingerprintScheme, assemble: AssembleCredentials): CredentialResolution | undefined {
    if (!isDeepFrozen(profile.document) || profile.credentialRefs.length === 0) return assemble(profile, lookups, hmacKey, scheme);
    const inputs = inputsOf(profile, lookups);
    const known = this.#byDocument.get(profile.document);
    if (
      inputs &&
      known &&
      known.refs === profile.credentialRefs &&
      known.scheme === scheme &&
      (known.hmacKey === hmacKey || known.hmacKey.equals(hmacKey)) &&
      sameInputs(known.inputs, inputs)
    ) {
      return known.resolution;
    }
    const resolution = assemble(profile, lookups, hmacKey, scheme);
    if (inputs && resolution && !('error' in resolution)) {
      // Shared by later passes: frozen, so nothing downstream can change what they get.
      if (resolution.value) deepFreeze(resolution.value.reveal());
      this.#byDocument.set(profile.document, { refs: profile.credentialRefs, hmacKey, scheme, inputs, resolution: Object.freeze(resolution) });
    } else {
      this.#byDocument.delete(profile.document);
    }
    return resolution;
  }
}

/** The same profiles in the same order: the same names, deep-frozen documents and reference lists. */
function sameProfiles(last: RememberedPass, profiles: readonly DesiredProfile[]): boolean {
  if (last.profiles.length !== profiles.length) return false;
  for (let i = 0; i < profiles.length; i++) {
    const profile = profiles[i]!;
    if (profile.name !== last.profiles[i]!.name || profile.document !== last.documents[i] || profile.credentialRefs !== last.refs[i]) return false;
  }
  return true;
}

/** Each reference's value and version id, or undefined when one did not resolve. */
function inputsOf(profile: DesiredProfile, lookups: ReadonlyMap<string, SecretLookup>): (string | undefined)[] | undefined {
  const inputs: (string | undefined)[] = [];
  for (const { ref } of profile.credentialRefs) {
    const lookup = lookups.get(ref.raw);
    if (!lookup?.ok) return undefined;
    inputs.push(lookup.value, lookup.versionId);
  }
  return inputs;
}

function sameInputs(a: readonly (string | undefined)[], b: readonly (string | undefined)[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
