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

/** The adapter's answer while nothing changed: the same frozen lookup objects in a new map each pass. */
function frozenLookups(apiKey: string, versionId = 'v1'): Map<string, SecretLookup> {
  return new Map([...lookupsOf(apiKey, versionId)].map(([raw, lookup]) => [raw, Object.freeze(lookup)]));
}

describe('CredentialMemo.resolveAll (a whole pass)', () => {
  const port = {};

  it('hands the last pass its resolutions again, in a new map, while the profiles and the lookup objects are the same', () => {
    const memo = new CredentialMemo();
    const { counter, assemble } = counting();
    const profiles = [profileOf(datadogDocument('a')), profileOf(datadogDocument('b'))];
    const lookups = frozenLookups('SENTINEL-SECRET-api');
    const first = memo.resolveAll(port, profiles, lookups, HMAC_KEY, 'value', assemble);
    expect(counter.calls).toBe(2);
    const second = memo.resolveAll(port, profiles, new Map(lookups), HMAC_KEY, 'value', assemble);
    expect(counter.calls).toBe(2);
    expect(second).not.toBe(first);
    expect([...second]).toEqual([...first]);
    expect(second.get('a')).toBe(first.get('a'));
    // The map is the caller's: changing it changes nothing the next pass gets.
    second.delete('a');
    expect(memo.resolveAll(port, profiles, new Map(lookups), HMAC_KEY, 'value', assemble).get('a')).toBe(first.get('a'));
    // Another port (another target) has its own.
    memo.resolveAll({}, profiles, new Map(lookups), HMAC_KEY, 'value', assemble);
    expect(counter.calls).toBe(2);
  });

  it('resolves again what changed: a rotated secret (a new lookup), an edited document, a failure, the key', () => {
    const memo = new CredentialMemo();
    const { counter, assemble } = counting();
    const a = profileOf(datadogDocument('a'));
    const b = profileOf(datadogDocument('b'));
    memo.resolveAll(port, [a, b], frozenLookups('SENTINEL-SECRET-api'), HMAC_KEY, 'value', assemble);
    expect(counter.calls).toBe(2);
    const rotatedLookups = frozenLookups('SENTINEL-SECRET-api-rotated');
    const rotated = memo.resolveAll(port, [a, b], rotatedLookups, HMAC_KEY, 'value', assemble);
    expect(counter.calls).toBe(4);
    const revealed = rotated.get('a');
    expect(revealed && 'fingerprint' in revealed ? revealed.value?.reveal() : undefined).toEqual({ Datadog: { apiKey: 'SENTINEL-SECRET-api-rotated', applicationKey: 'SENTINEL-SECRET-app' } });

    const edited = profileOf(datadogDocument('b', { instanceUrl: 'https://api.datadoghq.eu' }));
    memo.resolveAll(port, [a, edited], new Map(rotatedLookups), HMAC_KEY, 'value', assemble);
    expect(counter.calls).toBe(5);

    const missing = new Map<string, SecretLookup>([...rotatedLookups].slice(1));
    const failedPass = memo.resolveAll(port, [a, edited], missing, HMAC_KEY, 'value', assemble);
    expect(failedPass.get('a') && 'error' in failedPass.get('a')!).toBe(true);
    memo.resolveAll(port, [a, edited], missing, HMAC_KEY, 'value', assemble);
    expect(counter.calls).toBe(9);

    // The failure was not remembered: both resolved again once it is gone, then reused whole.
    memo.resolveAll(port, [a, edited], new Map(rotatedLookups), HMAC_KEY, 'value', assemble);
    expect(counter.calls).toBe(11);
    memo.resolveAll(port, [a, edited], new Map(rotatedLookups), HMAC_KEY, 'value', assemble);
    expect(counter.calls).toBe(11);
    memo.resolveAll(port, [a, edited], new Map(rotatedLookups), Buffer.alloc(32, 9), 'value', assemble);
    expect(counter.calls).toBe(13);
  });

  it('never reuses a pass whose lookups or documents are not frozen', () => {
    const memo = new CredentialMemo();
    const { counter, assemble } = counting();
    const loose = [profileOf(datadogDocument('a'), false)];
    memo.resolveAll(port, loose, frozenLookups('SENTINEL-SECRET-api'), HMAC_KEY, 'value', assemble);
    memo.resolveAll(port, loose, frozenLookups('SENTINEL-SECRET-api'), HMAC_KEY, 'value', assemble);
    expect(counter.calls).toBe(2);
    const frozen = [profileOf(datadogDocument('a'))];
    const unfrozenLookups = lookupsOf('SENTINEL-SECRET-api');
    memo.resolveAll(port, frozen, unfrozenLookups, HMAC_KEY, 'value', assemble);
    // Per document, the memo still answers (values compared), but the pass is not reused whole.
    expect(memo.resolveAll(port, frozen, unfrozenLookups, HMAC_KEY, 'value', assemble).size).toBe(1);
    expect(counter.calls).toBe(3);
  });
});
