// Pure: turn one fetched secret into the value a reference asks for. Messages name the secret
// and the key, never any part of the value (not even the JSON parser's message, which can quote
// the text it choked on).
import type { SecretReference } from '../model/types.js';
import type { SecretLookup } from './ports.js';

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
  const what = describeReference(ref);
  if (fetched.kind === 'binary') {
    return { ok: false, error: { code: 'secret.binary', message: `${what} holds binary data (SecretBinary), not a SecretString` } };
  }
  const version = fetched.versionId ? { versionId: fetched.versionId } : {};
  if (ref.jsonKey === '') return { ok: true, value: fetched.secretString, ...version };
  let parsed: unknown;
  try {
    parsed = JSON.parse(fetched.secretString);
  } catch {
    return {
      ok: false,
      error: { code: 'secret.not-json', message: `${what} is not a JSON object, so key ${JSON.stringify(ref.jsonKey)} cannot be read from it` },
    };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return {
      ok: false,
      error: { code: 'secret.not-json', message: `${what} is not a JSON object, so key ${JSON.stringify(ref.jsonKey)} cannot be read from it` },
    };
  }
  if (!Object.prototype.hasOwnProperty.call(parsed, ref.jsonKey)) {
    return { ok: false, error: { code: 'secret.key-missing', message: `${what} has no key ${JSON.stringify(ref.jsonKey)}` } };
  }
  const value = (parsed as Record<string, unknown>)[ref.jsonKey];
  if (typeof value === 'string') return { ok: true, value, ...version };
  if (typeof value === 'number' || typeof value === 'boolean') return { ok: true, value: String(value), ...version };
  return {
    ok: false,
    error: { code: 'secret.error', message: `${what} key ${JSON.stringify(ref.jsonKey)} holds ${value === null ? 'null' : 'an object'}, not a string` },
  };
}
