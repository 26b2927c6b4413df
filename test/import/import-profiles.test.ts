import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateAgainstSchema } from '../../src/desired/schema-file.js';
import { parseSecretReference } from '../../src/desired/secret-reference.js';
import { isPlainCredentialMember } from '../../src/desired/credential-policy.js';
import { connectorTypes } from '../../src/importer/connector-shapes.js';
import { importProfile, importProfiles, type ImportedProfile } from '../../src/importer/import-profiles.js';
import { renderProfileYaml } from '../../src/importer/render-profile-yaml.js';
import { OBSERVED_BY_TYPE, observed } from './fixtures.js';

function imported(profile: ReturnType<typeof importProfile>): ImportedProfile {
  if ('reason' in profile) throw new Error(`skipped: ${profile.reason}`);
  return profile;
}

/** Every string leaf under connectorProfileCredentials, with its dotted path below the connector member. */
function credentialLeaves(doc: Record<string, unknown>): Map<string, string> {
  const config = doc['connectorProfileConfig'] as Record<string, Record<string, Record<string, unknown>>>;
  const creds = config['connectorProfileCredentials'];
  const leaves = new Map<string, string>();
  const walk = (node: unknown, path: string[]): void => {
    if (typeof node === 'string') leaves.set(path.join('.'), node);
    else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
  };
  if (creds) walk(Object.values(creds)[0], []);
  return leaves;
}

describe('importProfile: every connector type', () => {
  const typesWithProfiles = Object.keys(OBSERVED_BY_TYPE);

  it('covers all 19 connector types that have connector profiles', () => {
    expect(typesWithProfiles).toHaveLength(19);
    for (const type of typesWithProfiles) expect(connectorTypes()).toContain(type);
  });

  it.each(typesWithProfiles)('%s: the document passes the JSON Schema', (type) => {
    const profile = imported(importProfile(OBSERVED_BY_TYPE[type]!));
    expect(validateAgainstSchema(profile.document)).toEqual([]);
    // The YAML round-trips to the same document (quoting of `{{...}}` and `@...` values included).
    expect(parse(renderProfileYaml(profile))).toEqual(profile.document);
  });

  it.each(typesWithProfiles)('%s: secret members are references to appflow-gitops/<name> with the dotted member path as key', (type) => {
    const profile = imported(importProfile(OBSERVED_BY_TYPE[type]!));
    const leaves = credentialLeaves(profile.document);
    expect(profile.secret?.keys.length ?? 0).toBeGreaterThan(0);
    for (const [path, value] of leaves) {
      const member = path.split('.').at(-1)!;
      if (isPlainCredentialMember(member)) {
        expect(parseSecretReference(value)).toBeUndefined();
        continue;
      }
      const ref = parseSecretReference(value);
      expect(ref, `${type} ${path}`).toBeDefined();
      expect(ref!.secretId).toBe(`appflow-gitops/${profile.name}`);
      expect(ref!.jsonKey).toBe(path);
      expect(profile.secret!.keys).toContain(path);
    }
    expect([...leaves.keys()].filter((p) => !isPlainCredentialMember(p.split('.').at(-1)!)).sort()).toEqual([...profile.secret!.keys].sort());
  });

  it('keeps every observed property value as returned', () => {
    for (const [type, obs] of Object.entries(OBSERVED_BY_TYPE)) {
      const profile = imported(importProfile(obs));
      const config = profile.document['connectorProfileConfig'] as Record<string, unknown>;
      expect(config['connectorProfileProperties'], type).toEqual(obs.properties);
      expect(profile.omitted, type).toEqual([]);
    }
  });
});

describe('credential layouts', () => {
  const keysOf = (type: string, props?: Record<string, unknown>) => {
    const base = OBSERVED_BY_TYPE[type]!;
    return imported(importProfile(props ? { ...base, properties: props } : base));
  };

  it('Snowflake: the required username and password', () => {
    expect(keysOf('Snowflake').secret!.keys).toEqual(['password', 'username']);
  });

  it('Salesforce: JWT_BEARER assumed, plain grant type, jwtToken reference, and a note saying so', () => {
    const profile = keysOf('Salesforce');
    expect(profile.secret!.keys).toEqual(['jwtToken']);
    expect(credentialLeaves(profile.document).get('oAuth2GrantType')).toBe('JWT_BEARER');
    expect(profile.notes.join(' ')).toMatch(/cannot be read back.*JWT_BEARER/);
  });

  it('SAPOData with oAuthProperties: oAuthCredentials with dotted keys', () => {
    expect(keysOf('SAPOData').secret!.keys).toEqual([
      'oAuthCredentials.accessToken',
      'oAuthCredentials.clientId',
      'oAuthCredentials.clientSecret',
      'oAuthCredentials.refreshToken',
    ]);
  });

  it('SAPOData without oAuthProperties: basicAuthCredentials', () => {
    const props = structuredClone(OBSERVED_BY_TYPE['SAPOData']!.properties) as { SAPOData: Record<string, unknown> };
    delete props.SAPOData['oAuthProperties'];
    expect(keysOf('SAPOData', props).secret!.keys).toEqual(['basicAuthCredentials.password', 'basicAuthCredentials.username']);
  });

  it('CustomConnector with an AUTHORIZATION_CODE oAuth2Properties: OAUTH2 with client and tokens', () => {
    const profile = keysOf('CustomConnector');
    expect(credentialLeaves(profile.document).get('authenticationType')).toBe('OAUTH2');
    expect(profile.secret!.keys).toEqual(['oauth2.accessToken', 'oauth2.clientId', 'oauth2.clientSecret', 'oauth2.refreshToken']);
    expect(profile.document['connectorLabel']).toBe('HubSpot');
  });

  it('CustomConnector with CLIENT_CREDENTIALS: client id and secret only', () => {
    const profile = keysOf('CustomConnector', {
      CustomConnector: { oAuth2Properties: { oAuth2GrantType: 'CLIENT_CREDENTIALS', tokenUrl: 'https://auth.example.com/token' } },
    });
    expect(profile.secret!.keys).toEqual(['oauth2.clientId', 'oauth2.clientSecret']);
    expect(validateAgainstSchema(profile.document)).toEqual([]);
  });

  it('CustomConnector without OAuth properties: APIKEY assumed, with a note', () => {
    const profile = keysOf('CustomConnector', { CustomConnector: { profileProperties: { region: 'eu' } } });
    expect(credentialLeaves(profile.document).get('authenticationType')).toBe('APIKEY');
    expect(profile.secret!.keys).toEqual(['apiKey.apiKey']);
    expect(profile.notes.join(' ')).toMatch(/cannot be read back.*APIKEY/);
    expect(validateAgainstSchema(profile.document)).toEqual([]);
  });

  it('authorization-code connectors get their tokens; client-credential ones do not', () => {
    expect(keysOf('Googleanalytics').secret!.keys).toEqual(['accessToken', 'clientId', 'clientSecret', 'refreshToken']);
    expect(keysOf('Slack').secret!.keys).toEqual(['accessToken', 'clientId', 'clientSecret']);
    expect(keysOf('Marketo').secret!.keys).toEqual(['clientId', 'clientSecret']);
    expect(keysOf('Honeycode').secret!.keys).toEqual(['accessToken', 'refreshToken']);
  });

  it('ServiceNow and Redshift: username/password', () => {
    expect(keysOf('Servicenow').secret!.keys).toEqual(['password', 'username']);
    expect(keysOf('Redshift').secret!.keys).toEqual(['password', 'username']);
  });
});

describe('importProfiles', () => {
  it('omits fields the schema does not accept and says so, keeping the rest', () => {
    const profile = imported(
      importProfile(
        observed('sf', 'Salesforce', {
          Salesforce: { instanceUrl: 'https://a.my.salesforce.com', isSandboxEnvironment: 'yes', privateLinkState: 'READY', usePrivateLinkForMetadataAndAuthorization: null },
        }),
      ),
    );
    const config = profile.document['connectorProfileConfig'] as Record<string, unknown>;
    expect(config['connectorProfileProperties']).toEqual({ Salesforce: { instanceUrl: 'https://a.my.salesforce.com' } });
    expect(profile.omitted.map((o) => o.path)).toEqual([
      'connectorProfileConfig.connectorProfileProperties.Salesforce.isSandboxEnvironment',
      'connectorProfileConfig.connectorProfileProperties.Salesforce.privateLinkState',
    ]);
    expect(renderProfileYaml(profile)).toContain('# - connectorProfileConfig.connectorProfileProperties.Salesforce.privateLinkState: not accepted');
    expect(validateAgainstSchema(profile.document)).toEqual([]);
  });

  it('skips connector types without connector profiles, and sorts by name', () => {
    const result = importProfiles([observed('zz', 'Snowflake', OBSERVED_BY_TYPE['Snowflake']!.properties), observed('s3', 'S3', {}), observed('aa', 'Datadog', OBSERVED_BY_TYPE['Datadog']!.properties)]);
    expect(result.profiles.map((p) => p.name)).toEqual(['aa', 'zz']);
    expect(result.skipped).toEqual([{ name: 's3', reason: expect.stringContaining('S3') }]);
  });

  it('skips a profile whose file name differs only in case from another', () => {
    const props = OBSERVED_BY_TYPE['Datadog']!.properties;
    const result = importProfiles([observed('Prod', 'Datadog', props), observed('prod', 'Datadog', props)]);
    expect(result.profiles.map((p) => p.name)).toEqual(['Prod']);
    expect(result.skipped[0]).toMatchObject({ name: 'prod', reason: expect.stringContaining('differs only in case') });
  });

  it('skips a profile whose secret name collides after ! and # are replaced', () => {
    const props = OBSERVED_BY_TYPE['Datadog']!.properties;
    const result = importProfiles([observed('a!b', 'Datadog', props), observed('a#b', 'Datadog', props)]);
    expect(result.profiles).toHaveLength(1);
    expect(result.skipped[0]!.reason).toContain('appflow-gitops/a_b');
  });

  it('writes connectorLabel only when AppFlow returns one, and keeps connectionMode', () => {
    const profile = imported(importProfile({ ...OBSERVED_BY_TYPE['Datadog']!, connectionMode: 'Private' }));
    expect(Object.keys(profile.document)).toEqual(['connectorProfileName', 'connectorType', 'connectionMode', 'connectorProfileConfig']);
    expect(profile.document['connectionMode']).toBe('Private');
  });

  it('never writes kmsArn and says why in the header comment', () => {
    const profile = imported(importProfile(OBSERVED_BY_TYPE['Snowflake']!));
    expect(profile.document).not.toHaveProperty('kmsArn');
    const text = renderProfileYaml(profile);
    expect(text).toMatch(/^# .*kmsArn cannot be read back from AppFlow/m);
    expect(text).toContain('# Before plan/apply, create the secret appflow-gitops/snowflake with the JSON keys: password, username');
  });
});
