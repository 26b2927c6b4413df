import { describe, expect, it } from 'vitest';
import { extractSecretValue } from '../../src/aws/secret-value.js';
import type { SecretReference } from '../../src/model/types.js';

const SENTINEL = 'SENTINEL-SECRET-value-91c2';

function ref(jsonKey: string, secretId = 'db/creds'): SecretReference {
  return { raw: `{{resolve:secretsmanager:${secretId}:SecretString:${jsonKey}}}`, secretId, jsonKey };
}

describe('extractSecretValue', () => {
  it('picks the JSON key', () => {
    expect(extractSecretValue(ref('password'), { kind: 'string', secretString: JSON.stringify({ password: SENTINEL }) })).toEqual({
      ok: true,
      value: SENTINEL,
    });
  });

  it('returns the whole string for an empty key (CloudFormation behaviour)', () => {
    expect(extractSecretValue(ref(''), { kind: 'string', secretString: SENTINEL })).toEqual({ ok: true, value: SENTINEL });
  });

  it('converts numbers and booleans to text', () => {
    expect(extractSecretValue(ref('port'), { kind: 'string', secretString: '{"port": 5432}' })).toEqual({ ok: true, value: '5432' });
  });

  it.each([
    ['a non-JSON secret', `not json ${SENTINEL}`, 'secret.not-json'],
    ['a JSON array', `["${SENTINEL}"]`, 'secret.not-json'],
    ['a missing key', JSON.stringify({ user: SENTINEL }), 'secret.key-missing'],
    ['a nested object', JSON.stringify({ password: { inner: SENTINEL } }), 'secret.error'],
    ['null', JSON.stringify({ password: null }), 'secret.error'],
  ])('rejects %s with a message naming the secret and key but not the value', (_label, secretString, code) => {
    const result = extractSecretValue(ref('password'), { kind: 'string', secretString });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(code);
    expect(result.error.message).toContain('"db/creds"');
    expect(result.error.message).not.toContain(SENTINEL);
    if (code !== 'secret.not-json' || secretString.startsWith('[')) expect(result.error.message).toContain('"password"');
  });

  it('rejects a binary secret', () => {
    const result = extractSecretValue(ref('password'), { kind: 'binary' });
    expect(result).toMatchObject({ ok: false, error: { code: 'secret.binary' } });
  });
});
