// Observed profiles (as DescribeConnectorProfiles returns them) for every connector type, with
// property values that satisfy the model's patterns. Shared by the import tests.
import type { ObservedProfile } from '../../src/model/types.js';

const ROLE = 'arn:aws:iam::123456789012:role/appflow';

export const OBSERVED_BY_TYPE: Record<string, ObservedProfile> = {
  Amplitude: observed('amp', 'Amplitude', { Amplitude: {} }),
  CustomConnector: {
    ...observed('hubspot', 'CustomConnector', {
      CustomConnector: {
        profileProperties: { portalId: '1234' },
        oAuth2Properties: { oAuth2GrantType: 'AUTHORIZATION_CODE', tokenUrl: 'https://api.hubapi.com/oauth/v1/token', tokenUrlCustomProperties: { audience: 'x' } },
      },
    }),
    connectorLabel: 'HubSpot',
  },
  Datadog: observed('dd', 'Datadog', { Datadog: { instanceUrl: 'https://api.datadoghq.com' } }),
  Dynatrace: observed('dyn', 'Dynatrace', { Dynatrace: { instanceUrl: 'https://abc.live.dynatrace.com' } }),
  Googleanalytics: observed('ga', 'Googleanalytics', { GoogleAnalytics: {} }),
  Honeycode: observed('honey', 'Honeycode', { Honeycode: {} }),
  Infornexus: observed('infor', 'Infornexus', { InforNexus: { instanceUrl: 'https://infor.example.com' } }),
  Marketo: observed('marketo', 'Marketo', { Marketo: { instanceUrl: 'https://123-abc-456.mktorest.com' } }),
  Pardot: observed('pardot', 'Pardot', { Pardot: { instanceUrl: 'https://pi.pardot.com', isSandboxEnvironment: false, businessUnitId: '0Uv000000000001' } }),
  Redshift: observed('rs', 'Redshift', {
    Redshift: { databaseUrl: 'jdbc:redshift://c.abc.us-east-1.redshift.amazonaws.com:5439/dev', bucketName: 'rs-bucket', roleArn: ROLE, isRedshiftServerless: false },
  }),
  SAPOData: observed('sap', 'SAPOData', {
    SAPOData: {
      applicationHostUrl: 'https://sap.example.com',
      applicationServicePath: '/sap/opu/odata/sap/API_SALES_ORDER_SRV',
      portNumber: 443,
      clientNumber: '100',
      logonLanguage: 'EN',
      oAuthProperties: { authCodeUrl: 'https://sap.example.com/oauth/authorize', tokenUrl: 'https://sap.example.com/oauth/token', oAuthScopes: ['API_SALES_ORDER_SRV_0001'] },
    },
  }),
  Salesforce: observed('sf', 'Salesforce', { Salesforce: { instanceUrl: 'https://acme.my.salesforce.com', isSandboxEnvironment: false, usePrivateLinkForMetadataAndAuthorization: false } }),
  Servicenow: observed('snow-itsm', 'Servicenow', { ServiceNow: { instanceUrl: 'https://acme.service-now.com' } }),
  Singular: observed('singular', 'Singular', { Singular: {} }),
  Slack: observed('slack', 'Slack', { Slack: { instanceUrl: 'https://acme.slack.com' } }),
  Snowflake: observed('snowflake', 'Snowflake', {
    Snowflake: { warehouse: 'COMPUTE_WH', stage: '@APPFLOW.PUBLIC.STAGE', bucketName: 'sf-stage-bucket', bucketPrefix: 'appflow', accountName: 'xy12345', region: 'us-east-1' },
  }),
  Trendmicro: observed('trend', 'Trendmicro', { Trendmicro: {} }),
  Veeva: observed('veeva', 'Veeva', { Veeva: { instanceUrl: 'https://acme.veevavault.com' } }),
  Zendesk: observed('zendesk', 'Zendesk', { Zendesk: { instanceUrl: 'https://acme.zendesk.com' } }),
};

export function observed(name: string, connectorType: string, properties: Record<string, unknown>): ObservedProfile {
  return {
    name,
    connectorType,
    connectionMode: 'Public',
    properties,
  };
}
