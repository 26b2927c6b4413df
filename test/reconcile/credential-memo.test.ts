// Resolved credentials remembered per parse-cached (deep-frozen) document: reused only while the
// document, every reference's value and version, the key and the scheme are the same; a remembered
// resolution is frozen, so nothing downstream can change what the next pass gets.
import { describe, expect, it } from 'vitest';
import type { SecretLookup } from '../../src/aws/ports.js';
import { collectCredentialReferences } from '../../src/desired/credential-refs.js';
import { deepFreeze } from '../../src/model/deep-frozen.js';
import type { ConnectorProfileDocument, DesiredProfile } from '../../src/model/types.js';
import { CredentialMemo } from '../../src/reconcile/credential-memo.js';
import { assembleCredentials } from '../../src/reconcile/prepare-plan.js';
import { datadogDocument } from '../support/profile-documents.js';
import { HMAC_KEY } from '../planner/fixtures.js';

function profileOf(document: Record<string, unknown>, frozen = true): DesiredProfile {
  const doc = document as unknown as ConnectorProfileDocument;
  const profile = { name: doc.connectorProfileName, document: doc, source: { file: 'a.yaml', line: 1, column: 1 }, credentialRefs: collectCredentialReferences(doc) };
  // What the parse cache hands out: the document and its references, deep-frozen.
  return frozen ? { ...profile, document: deepFreeze(doc), credentialRefs: deepFreeze(profile.credentialRefs) } : profile;
}

function lookupsOf(apiKey: string, versionId = 'v1'): Map<string, SecretLookup> {
  return new Map<string, SecretLookup>([
    ['{{resolve:secretsmanager:dd:SecretString:apiKey}}', { ok: true, value: apiKey, versionId }],
    ['{{resolve:secretsmanager:dd:SecretString:applicationKey}}', { ok: true, value: 'SENTINEL-SECRET-app', versionId }],
  ]);
}

function counting() {
  const counter = { calls: 0 };
  const assemble: typeof assembleCredentials = (...args) => {
    counter.calls += 1;
    return assembleCredentials(...args);
  };
  return { counter, assemble };
}

describe('CredentialMemo', () => {
  it('reuses the resolution while nothing it depends on changed, and recomputes when a secret, its version, the key or the scheme did', () => {
    const memo = new CredentialMemo();
    const { counter, assemble } = counting();
    const profile = profileOf(datadogDocument('a'));
    const first = memo.resolve(profile, lookupsOf('SENTINEL-SECRET-api'), HMAC_KEY, 'value', assemble);
    expect(memo.resolve(profile, lookupsOf('SENTINEL-SECRET-api'), HMAC_KEY, 'value', assemble)).toBe(first);
    expect(counter.calls).toBe(1);

    const rotated = memo.resolve(profile, lookupsOf('SENTINEL-SECRET-api-rotated'), HMAC_KEY, 'value', assemble);
    expect(counter.calls).toBe(2);
    expect(rotated).not.toEqual(first);
    expect(rotated && 'fingerprint' in rotated ? rotated.value?.reveal() : undefined).toEqual({ Datadog: { apiKey: 'SENTINEL-SECRET-api-rotated', applicationKey: 'SENTINEL-SECRET-app' } });

    memo.resolve(profile, lookupsOf('SENTINEL-SECRET-api-rotated', 'v2'), HMAC_KEY, 'value', assemble);
    expect(counter.calls).toBe(3);
    memo.resolve(profile, lookupsOf('SENTINEL-SECRET-api-rotated', 'v2'), Buffer.alloc(32, 9), 'value', assemble);
    expect(counter.calls).toBe(4);
    memo.resolve(profile, lookupsOf('SENTINEL-SECRET-api-rotated', 'v2'), Buffer.alloc(32, 9), 'secret-version', assemble);
    expect(counter.calls).toBe(5);
    // The same key in another Buffer is the same key.
    memo.resolve(profile, lookupsOf('SENTINEL-SECRET-api-rotated', 'v2'), Buffer.alloc(32, 9), 'secret-version', assemble);
    expect(counter.calls).toBe(5);
  });

  it('an edited document (a new object) is resolved again; a document that is not frozen always is', () => {
    const memo = new CredentialMemo();
    const { counter, assemble } = counting();
    memo.resolve(profileOf(datadogDocument('a')), lookupsOf('SENTINEL-SECRET-api'), HMAC_KEY, 'value', assemble);
    memo.resolve(profileOf(datadogDocument('a')), lookupsOf('SENTINEL-SECRET-api'), HMAC_KEY, 'value', assemble);
    expect(counter.calls).toBe(2);
    const loose = profileOf(datadogDocument('b'), false);
    memo.resolve(loose, lookupsOf('SENTINEL-SECRET-api'), HMAC_KEY, 'value', assemble);
    memo.resolve(loose, lookupsOf('SENTINEL-SECRET-api'), HMAC_KEY, 'value', assemble);
    expect(counter.calls).toBe(4);
  });

  it('never remembers a failure: a secret that comes back is resolved, and a missing one is reported each time', () => {
    const memo = new CredentialMemo();
    const { counter, assemble } = counting();
    const profile = profileOf(datadogDocument('a'));
    const missing = new Map<string, SecretLookup>([...lookupsOf('x')].slice(1));
    const failed = memo.resolve(profile, missing, HMAC_KEY, 'value', assemble);
    expect(failed && 'error' in failed).toBe(true);
    memo.resolve(profile, missing, HMAC_KEY, 'value', assemble);
    expect(counter.calls).toBe(2);
    const ok = memo.resolve(profile, lookupsOf('SENTINEL-SECRET-api'), HMAC_KEY, 'value', assemble);
    expect(ok && 'fingerprint' in ok).toBe(true);
    expect(counter.calls).toBe(3);
  });

  it('a remembered resolution is frozen: what the next pass gets cannot be changed', () => {
    const memo = new CredentialMemo();
    const profile = profileOf(datadogDocument('a'));
    const resolution = memo.resolve(profile, lookupsOf('SENTINEL-SECRET-api'), HMAC_KEY, 'value', assembleCredentials);
    if (!resolution || !('fingerprint' in resolution)) throw new Error('expected a resolution');
    const values = resolution.value!.reveal() as { Datadog: { apiKey: string } };
    expect(() => {
      values.Datadog.apiKey = 'changed';
    }).toThrow(TypeError);
    expect(() => {
      (resolution as { fingerprint: string }).fingerprint = 'changed';
    }).toThrow(TypeError);
    expect(memo.resolve(profile, lookupsOf('SENTINEL-SECRET-api'), HMAC_KEY, 'value', assembleCredentials)).toBe(resolution);
  });
});
