// preparePlan's orchestration with small in-memory ports (the AWS side is covered over HTTP in
// test/integration/plan.test.ts): how many reads, which names, and how credentials are assembled.
import { describe, expect, it } from 'vitest';
import type { AppFlowPort, SecretLookup, SecretsPort } from '../../src/aws/ports.js';
import type { ConnectorProfileDocument, DesiredProfile, LoadResult, ObservedProfile, SecretReference, TargetState } from '../../src/model/types.js';
import { parseSecretReference } from '../../src/desired/secret-reference.js';
import { collectCredentialReferences } from '../../src/desired/credential-refs.js';
import { computeFingerprint } from '../../src/planner/fingerprint.js';
import { preparePlan } from '../../src/reconcile/prepare-plan.js';
import { deepFreeze, isDeepFrozen } from '../../src/model/deep-frozen.js';
import { datadogDocument, salesforceJwtDocument } from '../support/profile-documents.js';
import { HMAC_KEY, OPTIONS } from './fixtures.js';

function desired(document: Record<string, unknown>): DesiredProfile {
  const doc = document as unknown as ConnectorProfileDocument;
  return { name: doc.connectorProfileName, document: doc, source: { file: `${doc.connectorProfileName}.yaml`, line: 1, column: 1 }, credentialRefs: collectCredentialReferences(doc) };
}

const hubspot = desired({
  connectorProfileName: 'hubspot',
  connectorType: 'CustomConnector',
  connectorLabel: 'HubSpot',
  connectionMode: 'Public',
  connectorProfileConfig: {
    connectorProfileProperties: { CustomConnector: { profileProperties: { portalId: '1' } } },
    connectorProfileCredentials: {
      CustomConnector: {
        authenticationType: 'OAUTH2',
        oauth2: {
          clientId: '{{resolve:secretsmanager:hub:SecretString:clientId}}',
          clientSecret: '{{resolve:secretsmanager:hub:SecretString:clientSecret}}',
        },
      },
    },
  },
});

const datadog = (name: string, secret = 'dd') => desired(datadogDocument(name, { secret }));

const SECRETS: Record<string, string> = {
  'hub:clientId': 'SENTINEL-SECRET-client-id',
  'hub:clientSecret': 'SENTINEL-SECRET-client-secret',
  'dd:apiKey': 'SENTINEL-SECRET-api',
  'dd:applicationKey': 'SENTINEL-SECRET-app',
};

function ports(observed: ObservedProfile[] = []) {
  const describeCalls: string[][] = [];
  const resolveCalls: SecretReference[][] = [];
  const appflow: AppFlowPort = {
    async describeByNames(names) {
      describeCalls.push(names);
      return observed.filter((o) => names.includes(o.name));
    },
    describeAll: async () => observed,
    create: async () => {
      throw new Error('plan must not write');
    },
    update: async () => {
      throw new Error('plan must not write');
    },
    delete: async () => {
      throw new Error('plan must not write');
    },
  };
  const secrets: SecretsPort = {
    async resolve(refs) {
      resolveCalls.push(refs);
      const out = new Map<string, SecretLookup>();
      for (const ref of refs) {
        const value = SECRETS[`${ref.secretId}:${ref.jsonKey}`];
        out.set(ref.raw, value !== undefined ? { ok: true, value } : { ok: false, error: { code: 'secret.not-found', message: `secret "${ref.secretId}" (key "${ref.jsonKey}") not found`, detail: 'not found', secretWide: true } });
      }
      return out;
    },
  };
  return { appflow, secrets, describeCalls, resolveCalls };
}

function load(profiles: DesiredProfile[]): LoadResult {
  return { directory: 'ok', profiles, invalid: [], diagnostics: [], failedFiles: [], filesRead: profiles.length };
}

const target = { key: 'us-east-1/default', region: 'us-east-1', identity: 'default' };

describe('preparePlan', () => {
  it('reads once: one Describe over desired ∪ inventory names, one resolve over distinct references', async () => {
    const p = ports();
    const state: TargetState = { profiles: { old: { name: 'old', origin: 'created', connectorType: 'Datadog' } }, intents: {} };
    await preparePlan({ target, appflow: p.appflow, secrets: p.secrets, state, hmacKey: HMAC_KEY }, load([datadog('b'), datadog('a'), hubspot]), OPTIONS);
    expect(p.describeCalls).toEqual([['a', 'b', 'hubspot', 'old']]);
    expect(p.resolveCalls).toHaveLength(1);
    expect(p.resolveCalls[0]!.map((r) => r.raw).sort()).toEqual(
      [
        '{{resolve:secretsmanager:dd:SecretString:apiKey}}',
        '{{resolve:secretsmanager:dd:SecretString:applicationKey}}',
        '{{resolve:secretsmanager:hub:SecretString:clientId}}',
        '{{resolve:secretsmanager:hub:SecretString:clientSecret}}',
      ],
    );
  });

  it('hands the same deep-frozen reference list to resolve while the frozen documents stay the same, and a new one when one changes', async () => {
    const frozen = (profile: DesiredProfile) => deepFreeze({ ...profile, credentialRefs: deepFreeze(profile.credentialRefs) });
    const a = frozen(datadog('a'));
    const b = frozen(datadog('b', 'hub'));
    const p = ports();
    const ctx = { target, appflow: p.appflow, secrets: p.secrets, state: { profiles: {}, intents: {} }, hmacKey: HMAC_KEY };
    await preparePlan(ctx, load([a, b]), OPTIONS);
    await preparePlan(ctx, load([a, b]), OPTIONS);
    expect(p.resolveCalls[1]).toBe(p.resolveCalls[0]);
    expect(isDeepFrozen(p.resolveCalls[0])).toBe(true);
    // b's file changed (a new frozen document and list): a new list, with b's new references.
    const b2 = frozen(datadog('b', 'dd'));
    await preparePlan(ctx, load([a, b2]), OPTIONS);
    expect(p.resolveCalls[2]).not.toBe(p.resolveCalls[0]);
    expect(p.resolveCalls[2]!.map((r) => r.secretId)).toEqual(['dd', 'dd']);
    // Documents that are not deep-frozen (a one-shot command's) never share a list.
    const plain = [datadog('a'), datadog('b')];
    await preparePlan(ctx, load(plain), OPTIONS);
    await preparePlan(ctx, load(plain), OPTIONS);
    expect(p.resolveCalls[4]).not.toBe(p.resolveCalls[3]);
  });

  it('remembers the list per secrets port, so targets that take turns each keep theirs', async () => {
    const frozen = (profile: DesiredProfile) => deepFreeze({ ...profile, credentialRefs: deepFreeze(profile.credentialRefs) });
    const one = [frozen(datadog('a'))];
    const two = [frozen(datadog('b', 'hub'))];
    const p1 = ports();
    const p2 = ports();
    const ctx = (p: ReturnType<typeof ports>) => ({ target, appflow: p.appflow, secrets: p.secrets, state: { profiles: {}, intents: {} }, hmacKey: HMAC_KEY });
    for (let pass = 0; pass < 2; pass++) {
      await preparePlan(ctx(p1), load(one), OPTIONS);
      await preparePlan(ctx(p2), load(two), OPTIONS);
    }
    expect(p1.resolveCalls[1]).toBe(p1.resolveCalls[0]);
    expect(p2.resolveCalls[1]).toBe(p2.resolveCalls[0]);
    expect(p2.resolveCalls[0]!.map((r) => r.secretId)).toEqual(['hub', 'hub']);
  });

  it('makes no AWS call at all when there is nothing to read', async () => {
    const p = ports();
    const plan = await preparePlan({ target, appflow: p.appflow, secrets: p.secrets, state: { profiles: {}, intents: {} }, hmacKey: HMAC_KEY }, load([]), OPTIONS);
    expect(p.describeCalls).toEqual([]);
    expect(p.resolveCalls).toEqual([]);
    expect(plan.changes).toEqual([]);
  });

  it('deep-sets resolved values into a copy and keeps mechanism members as written', async () => {
    const p = ports();
    const plan = await preparePlan({ target, appflow: p.appflow, secrets: p.secrets, state: { profiles: {}, intents: {} }, hmacKey: HMAC_KEY }, load([hubspot]), OPTIONS);
    const change = plan.changes[0]!;
    const expected = {
      CustomConnector: { authenticationType: 'OAUTH2', oauth2: { clientId: 'SENTINEL-SECRET-client-id', clientSecret: 'SENTINEL-SECRET-client-secret' } },
    };
    expect(change.credentials!.reveal()).toEqual(expected);
    expect(change.credentialsFingerprint).toBe(computeFingerprint(HMAC_KEY, expected));
    // The document still holds references, not values.
    expect(JSON.stringify(hubspot.document)).not.toContain('SENTINEL');
    expect(parseSecretReference((hubspot.document.connectorProfileConfig.connectorProfileCredentials as { CustomConnector: { oauth2: { clientId: string } } }).CustomConnector.oauth2.clientId)).toBeDefined();
  });

  it('an unresolvable reference is an error for that profile only, naming the member and the secret', async () => {
    const p = ports();
    const plan = await preparePlan({ target, appflow: p.appflow, secrets: p.secrets, state: { profiles: {}, intents: {} }, hmacKey: HMAC_KEY }, load([datadog('ok'), datadog('bad', 'nope')]), OPTIONS);
    const bad = plan.changes.find((c) => c.name === 'bad')!;
    expect(bad.action).toBe('error');
    expect(bad.reason).toBe(
      'credentials cannot be resolved (1 secret):\nconnectorProfileCredentials.Datadog.apiKey: secret "nope" not found (used by Datadog.apiKey, Datadog.applicationKey)',
    );
    expect(plan.changes.find((c) => c.name === 'ok')!.action).toBe('create');
  });

  it('two missing secrets make two lines, each naming its secret once', async () => {
    const p = ports();
    const document = datadogDocument('two', { secret: 'first' });
    const creds = (document.connectorProfileConfig as { connectorProfileCredentials: { Datadog: Record<string, string> } }).connectorProfileCredentials.Datadog;
    creds.applicationKey = '{{resolve:secretsmanager:second:SecretString:applicationKey}}';
    const plan = await preparePlan({ target, appflow: p.appflow, secrets: p.secrets, state: { profiles: {}, intents: {} }, hmacKey: HMAC_KEY }, load([desired(document)]), OPTIONS);
    expect(plan.changes[0]!.reason!.split('\n')).toEqual([
      'credentials cannot be resolved (2 secrets):',
      'connectorProfileCredentials.Datadog.apiKey: secret "first" not found (used by Datadog.apiKey)',
      'connectorProfileCredentials.Datadog.applicationKey: secret "second" not found (used by Datadog.applicationKey)',
    ]);
  });

  it('checks resolved values against the model (pattern) without printing them', async () => {
    SECRETS['sf:jwt'] = 'SENTINEL-SECRET-not-a-jwt';
    const p = ports();
    const salesforce = desired(salesforceJwtDocument('sf'));
    const plan = await preparePlan({ target, appflow: p.appflow, secrets: p.secrets, state: { profiles: {}, intents: {} }, hmacKey: HMAC_KEY }, load([salesforce]), OPTIONS);
    expect(plan.changes[0]!.action).toBe('error');
    expect(plan.changes[0]!.reason).toMatch(/jwtToken.*pattern/);
    expect(plan.changes[0]!.reason).not.toContain('SENTINEL');
  });

  it('does not mutate the state it is given', async () => {
    const p = ports();
    const state: TargetState = { profiles: { gone: { name: 'gone', origin: 'created', connectorType: 'Datadog' } }, intents: {} };
    const before = JSON.stringify(state);
    await preparePlan({ target, appflow: p.appflow, secrets: p.secrets, state, hmacKey: HMAC_KEY }, load([datadog('a')]), { ...OPTIONS, prune: true });
    expect(JSON.stringify(state)).toBe(before);
  });
});
