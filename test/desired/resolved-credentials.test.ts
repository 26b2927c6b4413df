import { describe, expect, it } from 'vitest';
import type { ConnectorProfileDocument } from '../../src/model/types.js';
import { checkResolvedCredentials } from '../../src/desired/resolved-credentials.js';

const salesforce: ConnectorProfileDocument = {
  connectorProfileName: 'sf',
  connectorType: 'Salesforce',
  connectionMode: 'Public',
  connectorProfileConfig: {
    connectorProfileProperties: { Salesforce: { instanceUrl: 'https://x.my.salesforce.com' } },
    connectorProfileCredentials: {
      Salesforce: { oAuth2GrantType: 'JWT_BEARER', jwtToken: '{{resolve:secretsmanager:sf/prod:SecretString:jwt}}' },
    },
  },
};

describe('checkResolvedCredentials', () => {
  it('accepts values that satisfy the model', () => {
    expect(checkResolvedCredentials(salesforce, { Salesforce: { oAuth2GrantType: 'JWT_BEARER', jwtToken: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' } })).toEqual([]);
  });

  it('applies the jwtToken pattern to the resolved value, naming the secret but never the value', () => {
    const value = 'SENTINEL-SECRET-not-a-jwt';
    const problems = checkResolvedCredentials(salesforce, { Salesforce: { oAuth2GrantType: 'JWT_BEARER', jwtToken: value } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('connectorProfileConfig.connectorProfileCredentials.Salesforce.jwtToken:');
    expect(problems[0]).toContain("secret 'sf/prod', key 'jwt'");
    expect(problems[0]).toContain('^([a-zA-Z0-9_=]+)\\.([a-zA-Z0-9_=]+)\\.([a-zA-Z0-9_\\-\\+\\/=]*)$');
    expect(problems.join('\n')).not.toContain('SENTINEL');
  });

  it('checks lengths, non-string values and nested structures and maps', () => {
    const custom: ConnectorProfileDocument = {
      connectorProfileName: 'c',
      connectorType: 'CustomConnector',
      connectorLabel: 'MyConnector',
      connectionMode: 'Public',
      connectorProfileConfig: { connectorProfileProperties: { CustomConnector: {} } },
    };
    const problems = checkResolvedCredentials(custom, {
      CustomConnector: {
        authenticationType: 'CUSTOM',
        custom: { customAuthenticationType: 'x', credentialsMap: { token: 'SENTINEL-SECRET with spaces' } },
        apiKey: { apiKey: 'k'.repeat(300) },
        basic: { username: 42, password: 'p' },
      },
    });
    expect(problems).toEqual([
      expect.stringContaining('CustomConnector.custom.credentialsMap.token: the resolved value does not match the pattern ^\\S+$'),
      expect.stringContaining('CustomConnector.apiKey.apiKey: the resolved value must be at most 256 characters long (it has 300)'),
      expect.stringContaining('CustomConnector.basic.username: the resolved value must be a string, not number'),
    ]);
    expect(problems.join('\n')).not.toContain('SENTINEL');
  });
});
