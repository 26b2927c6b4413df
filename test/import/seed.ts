// An emulator seed with the connector types the import issue names: Salesforce, Snowflake, a
// CustomConnector with a label, SAPOData with OAuth properties (plus a Datadog for filters).
// Credential values are sentinels: they must never show up in anything import writes or prints.
import type { EmulatorSeed } from '../../src/emulator/index.js';

export const SENTINEL = 'SENTINEL-SECRET';

export const IMPORT_SEED: EmulatorSeed = {
  profiles: [
    {
      connectorProfileName: 'crm/salesforce-prod',
      connectorType: 'Salesforce',
      connectionMode: 'Public',
      connectorProfileConfig: {
        connectorProfileProperties: { Salesforce: { instanceUrl: 'https://acme.my.salesforce.com', isSandboxEnvironment: false } },
        connectorProfileCredentials: { Salesforce: { oAuth2GrantType: 'JWT_BEARER', jwtToken: 'SENTINEL_SECRET_a.SENTINEL_SECRET_b.SENTINEL-SECRET-c' } },
      },
    },
    {
      connectorProfileName: 'warehouse',
      connectorType: 'Snowflake',
      connectionMode: 'Public',
      connectorProfileConfig: {
        connectorProfileProperties: {
          Snowflake: { warehouse: 'COMPUTE_WH', stage: '@APPFLOW.PUBLIC.STAGE', bucketName: 'acme-snowflake-stage', bucketPrefix: 'appflow', accountName: 'xy12345', region: 'us-east-1' },
        },
        connectorProfileCredentials: { Snowflake: { username: `${SENTINEL}-user`, password: `${SENTINEL}-password` } },
      },
    },
    {
      connectorProfileName: 'hubspot',
      connectorType: 'CustomConnector',
      connectorLabel: 'HubSpot',
      connectionMode: 'Public',
      connectorProfileConfig: {
        connectorProfileProperties: {
          CustomConnector: {
            profileProperties: { portalId: '4711' },
            oAuth2Properties: { oAuth2GrantType: 'AUTHORIZATION_CODE', tokenUrl: 'https://api.hubapi.com/oauth/v1/token' },
          },
        },
        connectorProfileCredentials: {
          CustomConnector: {
            authenticationType: 'OAUTH2',
            oauth2: { clientId: `${SENTINEL}-client`, clientSecret: `${SENTINEL}-client-secret`, accessToken: `${SENTINEL}-access`, refreshToken: `${SENTINEL}-refresh` },
          },
        },
      },
    },
    {
      connectorProfileName: 'sap-orders',
      connectorType: 'SAPOData',
      connectionMode: 'Public',
      connectorProfileConfig: {
        connectorProfileProperties: {
          SAPOData: {
            applicationHostUrl: 'https://sap.example.com',
            applicationServicePath: '/sap/opu/odata/sap/API_SALES_ORDER_SRV',
            portNumber: 443,
            clientNumber: '100',
            logonLanguage: 'EN',
            oAuthProperties: {
              authCodeUrl: 'https://sap.example.com/sap/bc/sec/oauth2/authorize',
              tokenUrl: 'https://sap.example.com/sap/bc/sec/oauth2/token',
              oAuthScopes: ['API_SALES_ORDER_SRV_0001'],
            },
          },
        },
        connectorProfileCredentials: {
          SAPOData: {
            oAuthCredentials: { clientId: `${SENTINEL}-sap-client`, clientSecret: `${SENTINEL}-sap-secret`, accessToken: `${SENTINEL}-sap-access`, refreshToken: `${SENTINEL}-sap-refresh` },
          },
        },
      },
    },
    {
      connectorProfileName: 'metrics',
      connectorType: 'Datadog',
      connectionMode: 'Public',
      connectorProfileConfig: {
        connectorProfileProperties: { Datadog: { instanceUrl: 'https://api.datadoghq.com' } },
        connectorProfileCredentials: { Datadog: { apiKey: `${SENTINEL}-dd-api`, applicationKey: `${SENTINEL}-dd-app` } },
      },
    },
  ],
};

/** Secret values for the imported profiles' secrets, shaped by the import's key convention. */
export const IMPORT_SECRETS: { name: string; secretString: string }[] = [
  { name: 'appflow-gitops/crm/salesforce-prod', secretString: JSON.stringify({ jwtToken: 'SENTINEL_SECRET_x.SENTINEL_SECRET_y.SENTINEL-SECRET-z' }) },
  { name: 'appflow-gitops/warehouse', secretString: JSON.stringify({ username: `${SENTINEL}-u2`, password: `${SENTINEL}-p2` }) },
  {
    name: 'appflow-gitops/hubspot',
    secretString: JSON.stringify({
      'oauth2.clientId': `${SENTINEL}-c2`,
      'oauth2.clientSecret': `${SENTINEL}-cs2`,
      'oauth2.accessToken': `${SENTINEL}-a2`,
      'oauth2.refreshToken': `${SENTINEL}-r2`,
    }),
  },
  {
    name: 'appflow-gitops/sap-orders',
    secretString: JSON.stringify({
      'oAuthCredentials.clientId': `${SENTINEL}-sc2`,
      'oAuthCredentials.clientSecret': `${SENTINEL}-ss2`,
      'oAuthCredentials.accessToken': `${SENTINEL}-sa2`,
      'oAuthCredentials.refreshToken': `${SENTINEL}-sr2`,
    }),
  },
  { name: 'appflow-gitops/metrics', secretString: JSON.stringify({ apiKey: `${SENTINEL}-k2`, applicationKey: `${SENTINEL}-ak2` }) },
];
