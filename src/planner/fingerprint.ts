// Keyed fingerprint of resolved credentials. Describe never returns credentials, so the only way
// to notice a rotated secret is to compare what we would send now with what we sent last time.
// A plain hash would let anyone who reads the state file confirm a guessed password offline; an
// HMAC with a key kept beside the state (mode 0600) does not.
import { createHmac } from 'node:crypto';
import type { ResolvedCredentials } from '../model/types.js';
import { canonicalJson } from './normalize.js';

/** Domain separation: a fingerprint can never be confused with another HMAC made with the same key. */
const DOMAIN = 'appflow-gitops/credentials/v1\n';

/** HMAC-SHA256 (lower-case hex) over the canonical JSON (sorted keys) of the resolved credentials. */
export function computeFingerprint(hmacKey: Buffer, resolved: ResolvedCredentials): string {
  if (hmacKey.length < 16) throw new Error('fingerprint key is too short (need at least 16 bytes)');
  return createHmac('sha256', hmacKey).update(DOMAIN).update(canonicalJson(resolved)).digest('hex');
}

const VERSION_DOMAIN = 'appflow-gitops/credentials-by-secret-version/v1\n';

/**
 * Fingerprint of a profile's credentials by what they resolve to, not by their values: the
 * credentials as written, with each reference replaced by the reference and the id of the secret
 * version it resolved to. A secret version never changes once written, so a new fingerprint
 * means new credentials (a rotation, an edited reference or mechanism member) and the same one
 * means the same values. Computable from DescribeSecret alone (CI plans without secret access),
 * and nothing in it can be used to test a guess of a secret value. `versionOf` gives the version
 * id for a reference's raw text.
 */
export function computeVersionFingerprint(
  hmacKey: Buffer,
  written: Record<string, unknown>,
  refs: readonly { path: readonly string[]; ref: { raw: string } }[],
  versionOf: (raw: string) => string,
): string {
  const identity = structuredClone(written);
  for (const { path, ref } of refs) {
    let node: Record<string, unknown> = identity;
    for (const segment of path.slice(0, -1)) node = node[segment] as Record<string, unknown>;
    node[path[path.length - 1]!] = { ref: ref.raw, versionId: versionOf(ref.raw) };
  }
  return createHmac('sha256', hmacKey).update(VERSION_DOMAIN).update(canonicalJson(identity)).digest('hex');
}
