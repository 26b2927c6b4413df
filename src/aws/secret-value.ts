// Pure: turn one fetched secret into the value a reference asks for. Messages name the secret
// and the key, never any part of the value (not even the JSON parser's message, which can quote
// the text it choked on).
import type { SecretReference } from '../model/types.js';
import type { SecretLookup, SecretResolutionError } from './ports.js';

/** What came back for one secret version: its string, or a marker that it only has binary data. */
export type FetchedSecret = { kind: 'string'; secretString: string; versionId?: string } | { kind: 'binary' };

export function describeReference(ref: SecretReference): string {
  const version = ref.versionId ? ` version ${ref.versionId}` : ref.versionStage ? ` stage ${ref.versionStage}` : '';
  return `secret ${JSON.stringify(ref.secretId)}${version}`;
}

/**
 * Picks `ref.jsonKey` from a secret. An empty jsonKey means "the whole SecretString", as
 * CloudFormation does when a dynamic reference names no JSON key. Numbers and booleans are
 * converted to their JSON text (credentials are strings); objects, arrays and null are errors.
 */
export function extractSecretValue(ref: SecretReference, fetched: FetchedSecret): SecretLookup {
  // The description is built only for a failure: on the common path (thousands of references a
  // pass) it would be work thrown away.
  if (fetched.kind === 'binary') {
    return fail(describeReference(ref), 'secret.binary', 'holds binary data (SecretBinary), not a SecretString', true);
  }
  const version = fetched.versionId ? { versionId: fetched.versionId } : {};
  if (ref.jsonKey === '') return { ok: true, value: fetched.secretString, ...version };
  let parsed: unknown;
  try {
    parsed = JSON.parse(fetched.secretString);
  } catch {
    return notJson(describeReference(ref), ref);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return notJson(describeReference(ref), ref);
  }
  if (!Object.prototype.hasOwnProperty.call(parsed, ref.jsonKey)) {
    // Key names are not secret (only the values are): the caller may offer the closest as a typo fix.
    const lookup = fail(describeReference(ref), 'secret.key-missing', `has no key ${JSON.stringify(ref.jsonKey)}`, false);
    if (!lookup.ok) lookup.error.keys = Object.keys(parsed);
    return lookup;
  }
  const value = (parsed as Record<string, unknown>)[ref.jsonKey];
  if (typeof value === 'string') return { ok: true, value, ...version };
  if (typeof value === 'number' || typeof value === 'boolean') return { ok: true, value: String(value), ...version };
  return fail(describeReference(ref), 'secret.error', `key ${JSON.stringify(ref.jsonKey)} holds ${value === null ? 'null' : 'an object'}, not a string`, false);
}

function fail(what: string, code: SecretResolutionError['code'], detail: string, secretWide: boolean, message = `${what} ${detail}`): SecretLookup {
  return { ok: false, error: { code, message, detail, secretWide } };
}

function notJson(what: string, ref: SecretReference): SecretLookup {
  const message = `${what} is not a JSON object, so key ${JSON.stringify(ref.jsonKey)} cannot be read from it`;
  return fail(what, 'secret.not-json', 'is not a JSON object, so no key can be read from it', true, message);
}
