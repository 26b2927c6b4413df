// profiles/ is the `npm start` demo: every reference must resolve against demo/seed.json, and the
// resolved values must satisfy the model (e.g. the Salesforce jwtToken must look like a JWT).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkResolvedCredentials } from '../../src/desired/resolved-credentials.js';
import { loadProfiles } from '../../src/desired/load-profiles.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const seed = JSON.parse(readFileSync(`${ROOT}/demo/seed.json`, 'utf8')) as { secrets: { name: string; secretString: string }[] };
const secrets = new Map(seed.secrets.map((s) => [s.name, JSON.parse(s.secretString) as Record<string, unknown>]));

describe('demo profiles and seed', () => {
  it('covers the connectors the issue asks for, all valid', async () => {
    const result = await loadProfiles(`${ROOT}/profiles`);
    expect(result.diagnostics).toEqual([]);
    expect(result.profiles.map((p) => p.document.connectorType).sort()).toEqual(
      ['CustomConnector', 'Datadog', 'Googleanalytics', 'Redshift', 'SAPOData', 'Salesforce', 'Snowflake'],
    );
    const salesforce = result.profiles.find((p) => p.name === 'salesforce-jwt')!;
    expect(salesforce.document.connectorProfileConfig.connectorProfileCredentials?.Salesforce?.oAuth2GrantType).toBe('JWT_BEARER');
    const sap = result.profiles.find((p) => p.name === 'sap-odata')!;
    expect(sap.document.connectorProfileConfig.connectorProfileCredentials?.SAPOData?.oAuthCredentials).toBeDefined();
  });

  it('resolves every reference from demo/seed.json to a value the model accepts', async () => {
    const result = await loadProfiles(`${ROOT}/profiles`);
    for (const profile of result.profiles) {
      expect(profile.credentialRefs.length, profile.name).toBeGreaterThan(0);
      const resolved = structuredClone(profile.document.connectorProfileConfig.connectorProfileCredentials) as Record<string, any>;
      for (const { path, ref } of profile.credentialRefs) {
        expect(ref.secretId).toBe(`appflow-gitops/demo/${profile.name}`);
        const value = secrets.get(ref.secretId)?.[ref.jsonKey];
        expect(value, `${ref.secretId} ${ref.jsonKey}`).toEqual(expect.any(String));
        const parent = path.slice(0, -1).reduce((node, key) => node[key], resolved);
        parent[path.at(-1)!] = value;
      }
      expect(checkResolvedCredentials(profile.document, resolved), profile.name).toEqual([]);
    }
  });
});
