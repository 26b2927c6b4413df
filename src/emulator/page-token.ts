// Opaque, validated pagination tokens. A token names the last item returned (keyset pagination over
// the name-sorted index), so pages stay stable while profiles are created or deleted between calls:
// nothing is skipped or repeated except items that were themselves added or removed.
// The token is also bound to the filters it was issued for; using it with other filters is an error.
import { ApiError } from './api-error.js';
import { digest } from './idempotency.js';

interface PageTokenBody {
  v: 1;
  /** Last name returned. */
  after: string;
  /** Digest of the request's filters. */
  f: string;
}

export function encodePageToken(after: string, filters: unknown): string {
  const body: PageTokenBody = { v: 1, after, f: digest(filters).slice(0, 16) };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/** The name after which the page starts; throws the service's error for a forged, corrupt or foreign token. */
export function decodePageToken(token: string, filters: unknown, invalid: () => ApiError): string {
  let body: Partial<PageTokenBody>;
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<PageTokenBody>;
  } catch {
    throw invalid();
  }
  if (body === null || typeof body !== 'object' || body.v !== 1 || typeof body.after !== 'string' || body.f !== digest(filters).slice(0, 16)) {
    throw invalid();
  }
  return body.after;
}
