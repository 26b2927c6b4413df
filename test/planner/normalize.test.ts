import { describe, expect, it } from 'vitest';
import { diffConfiguration } from '../../src/planner/diff.js';
import { canonicalJson, modelDefaultAt, normalizeProperties } from '../../src/planner/normalize.js';
import { computeFingerprint } from '../../src/planner/fingerprint.js';

/** Desired and observed properties that must compare equal (no field changes). */
const equalPairs: { rule: string; desired: unknown; observed: unknown }[] = [
  {
    rule: 'key order is irrelevant',
    desired: { Snowflake: { warehouse: 'WH', stage: 'S', bucketName: 'b' } },
    observed: { Snowflake: { bucketName: 'b', stage: 'S', warehouse: 'WH' } },
  },
  {
    rule: 'Salesforce isSandboxEnvironment false equals absent (model default)',
    desired: { Salesforce: { instanceUrl: 'https://x', isSandboxEnvironment: false } },
    observed: { Salesforce: { instanceUrl: 'https://x' } },
  },
  {
    rule: 'Salesforce usePrivateLinkForMetadataAndAuthorization absent equals false',
    desired: { Salesforce: { instanceUrl: 'https://x' } },
    observed: { Salesforce: { instanceUrl: 'https://x', usePrivateLinkForMetadataAndAuthorization: false } },
  },
  {
    rule: 'Redshift isRedshiftServerless false equals absent',
    desired: { Redshift: { roleArn: 'arn:r', bucketName: 'b', isRedshiftServerless: false } },
    observed: { Redshift: { roleArn: 'arn:r', bucketName: 'b' } },
  },
  {
    rule: 'Pardot isSandboxEnvironment false equals absent',
    desired: { Pardot: { instanceUrl: 'https://p', isSandboxEnvironment: false } },
    observed: { Pardot: { instanceUrl: 'https://p' } },
  },
  {
    rule: 'SAPOData disableSSO false equals absent',
    desired: { SAPOData: { applicationHostUrl: 'https://h', disableSSO: false } },
    observed: { SAPOData: { applicationHostUrl: 'https://h' } },
  },
  {
    rule: 'Snowflake stage returned with an @ prefix',
    desired: { Snowflake: { warehouse: 'WH', stage: 'DB.SCHEMA.STAGE', bucketName: 'b' } },
    observed: { Snowflake: { warehouse: 'WH', stage: '@DB.SCHEMA.STAGE', bucketName: 'b' } },
  },
  {
    rule: 'Snowflake stage written with an @ prefix, returned without',
    desired: { Snowflake: { warehouse: 'WH', stage: '@DB.SCHEMA.STAGE', bucketName: 'b' } },
    observed: { Snowflake: { warehouse: 'WH', stage: 'DB.SCHEMA.STAGE', bucketName: 'b' } },
  },
  {
    rule: 'an empty map equals absent',
    desired: { CustomConnector: { profileProperties: {} } },
    observed: {},
  },
  {
    rule: 'an empty nested object equals absent',
    desired: { SAPOData: { applicationHostUrl: 'https://h', oAuthProperties: {} } },
    observed: { SAPOData: { applicationHostUrl: 'https://h' } },
  },
  {
    rule: 'an empty list equals absent',
    desired: { SAPOData: { applicationHostUrl: 'https://h', oAuthProperties: { tokenUrl: 't', authCodeUrl: 'a', oAuthScopes: [] } } },
    observed: { SAPOData: { applicationHostUrl: 'https://h', oAuthProperties: { tokenUrl: 't', authCodeUrl: 'a' } } },
  },
  {
    rule: 'null equals absent',
    desired: { Snowflake: { warehouse: 'WH', stage: 'S', bucketName: 'b', region: null } },
    observed: { Snowflake: { warehouse: 'WH', stage: 'S', bucketName: 'b' } },
  },
  {
    rule: 'a free-form map compares regardless of key order',
    desired: { CustomConnector: { profileProperties: { b: '2', a: '1' } } },
    observed: { CustomConnector: { profileProperties: { a: '1', b: '2' } } },
  },
];

/** Pairs that must still differ: normalization must not hide real changes. */
const differentPairs: { rule: string; desired: unknown; observed: unknown; path: string; before: unknown; after: unknown }[] = [
  {
    rule: 'a boolean set to true differs from absent, shown from its default false',
    desired: { Salesforce: { instanceUrl: 'https://x', isSandboxEnvironment: true } },
    observed: { Salesforce: { instanceUrl: 'https://x' } },
    path: 'connectorProfileProperties.Salesforce.isSandboxEnvironment',
    before: false,
    after: true,
  },
  {
    rule: 'only one leading @ is ignored on stage',
    desired: { Snowflake: { warehouse: 'WH', stage: 'S', bucketName: 'b' } },
    observed: { Snowflake: { warehouse: 'WH', stage: '@@S', bucketName: 'b' } },
    path: 'connectorProfileProperties.Snowflake.stage',
    before: '@S',
    after: 'S',
  },
  {
    rule: '@ is not stripped from other members',
    desired: { Snowflake: { warehouse: 'WH', stage: 'S', bucketName: 'b' } },
    observed: { Snowflake: { warehouse: '@WH', stage: 'S', bucketName: 'b' } },
    path: 'connectorProfileProperties.Snowflake.warehouse',
    before: '@WH',
    after: 'WH',
  },
  {
    rule: 'integers and numeric strings are not coerced (the model types portNumber as an integer)',
    desired: { SAPOData: { applicationHostUrl: 'https://h', portNumber: 443 } },
    observed: { SAPOData: { applicationHostUrl: 'https://h', portNumber: '443' } },
    path: 'connectorProfileProperties.SAPOData.portNumber',
    before: '443',
    after: 443,
  },
  {
    rule: 'list order matters',
    desired: { SAPOData: { applicationHostUrl: 'https://h', oAuthProperties: { tokenUrl: 't', authCodeUrl: 'a', oAuthScopes: ['a', 'b'] } } },
    observed: { SAPOData: { applicationHostUrl: 'https://h', oAuthProperties: { tokenUrl: 't', authCodeUrl: 'a', oAuthScopes: ['b', 'a'] } } },
    path: 'connectorProfileProperties.SAPOData.oAuthProperties.oAuthScopes',
    before: ['b', 'a'],
    after: ['a', 'b'],
  },
  {
    rule: 'a removed member shows as removed',
    desired: { Snowflake: { warehouse: 'WH', stage: 'S', bucketName: 'b' } },
    observed: { Snowflake: { warehouse: 'WH', stage: 'S', bucketName: 'b', bucketPrefix: 'p' } },
    path: 'connectorProfileProperties.Snowflake.bucketPrefix',
    before: 'p',
    after: undefined,
  },
  {
    rule: 'map keys that are not identifiers are quoted in the path',
    desired: { CustomConnector: { profileProperties: { 'api.version': '2' } } },
    observed: { CustomConnector: { profileProperties: { 'api.version': '1' } } },
    path: 'connectorProfileProperties.CustomConnector.profileProperties["api.version"]',
    before: '1',
    after: '2',
  },
];

describe('normalization rules', () => {
  it.each(equalPairs)('equal: $rule', ({ desired, observed }) => {
    expect(diffConfiguration({ connectionMode: 'Public', properties: desired }, { connectionMode: 'Public', properties: observed }).fields).toEqual([]);
    expect(canonicalJson(normalizeProperties(desired))).toBe(canonicalJson(normalizeProperties(observed)));
  });

  it.each(differentPairs)('different: $rule', ({ desired, observed, path, before, after }) => {
    const { fields } = diffConfiguration({ properties: desired }, { properties: observed });
    expect(fields).toEqual([{ path, before, after, sensitive: false, forcesReplacement: false }]);
  });

  it('reads defaults from the model rather than a hard-coded list', () => {
    expect(modelDefaultAt(['Salesforce', 'isSandboxEnvironment'])).toBe(false);
    expect(modelDefaultAt(['Redshift', 'isRedshiftServerless'])).toBe(false);
    expect(modelDefaultAt(['Snowflake', 'warehouse'])).toBeUndefined();
    expect(modelDefaultAt(['CustomConnector', 'profileProperties', 'anything'])).toBeUndefined();
    expect(modelDefaultAt(['NoSuchConnector', 'x'])).toBeUndefined();
  });

  it('keeps members the model does not know, so unexpected fields still show as drift', () => {
    expect(normalizeProperties({ Snowflake: { newField: 'x', warehouse: 'WH' } })).toEqual({ Snowflake: { newField: 'x', warehouse: 'WH' } });
  });

  it('connectionMode is compared and listed first', () => {
    const { fields, unchanged } = diffConfiguration(
      { connectionMode: 'Private', properties: { Snowflake: { warehouse: 'B' } } },
      { connectionMode: 'Public', properties: { Snowflake: { warehouse: 'A' } } },
    );
    expect(fields.map((f) => f.path)).toEqual(['connectionMode', 'connectorProfileProperties.Snowflake.warehouse']);
    expect(unchanged).toBe(0);
  });
});

describe('computeFingerprint', () => {
  const key = Buffer.alloc(32, 1);
  const creds = { Snowflake: { username: 'u', password: 'SENTINEL-SECRET-fp' } };

  it('is an HMAC-SHA256 in hex that ignores key order', () => {
    const fp = computeFingerprint(key, creds);
    expect(fp).toMatch(/^[0-9a-f]{64}$/);
    expect(computeFingerprint(key, { Snowflake: { password: 'SENTINEL-SECRET-fp', username: 'u' } })).toBe(fp);
    expect(fp).not.toContain('SENTINEL');
  });

  it('changes with the value and with the key (never a plain hash)', () => {
    const fp = computeFingerprint(key, creds);
    expect(computeFingerprint(key, { Snowflake: { username: 'u', password: 'SENTINEL-SECRET-fp2' } })).not.toBe(fp);
    expect(computeFingerprint(Buffer.alloc(32, 2), creds)).not.toBe(fp);
  });

  it('refuses a key too short to be a key', () => {
    expect(() => computeFingerprint(Buffer.alloc(4), creds)).toThrow(/too short/);
  });
});
