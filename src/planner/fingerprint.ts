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
