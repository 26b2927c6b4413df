// The Datadog profile most tests use (two credential fields, one property: the simplest connector
// the model has), in the two forms tests need: a profile file's document with secret references,
// and a create request with literal credentials for seeding the emulator.
import type { CreateConnectorProfileRequest } from '@aws-sdk/client-appflow';

export const DATADOG_INSTANCE_URL = 'https://api.datadoghq.com';

export interface DatadogDocumentOptions {
  /** Secrets Manager secret holding the JSON keys apiKey and applicationKey. */
  secret?: string;
  instanceUrl?: string;
  /** Top-level fields placed before connectorProfileConfig (e.g. connectorLabel, kmsArn). */
  extra?: object;
}

/** A profile file's document: credentials are {{resolve:secretsmanager:...}} references. */
export function datadogDocument(name: string, { secret = 'dd', instanceUrl = DATADOG_INSTANCE_URL, extra = {} }: DatadogDocumentOptions = {}): Record<string, unknown> {
  return {
    connectorProfileName: name,
    connectorType: 'Datadog',
    connectionMode: 'Public',
    ...extra,
    connectorProfileConfig: {
      connectorProfileProperties: { Datadog: { instanceUrl } },
      connectorProfileCredentials: {
        Datadog: {
          apiKey: `{{resolve:secretsmanager:${secret}:SecretString:apiKey}}`,
          applicationKey: `{{resolve:secretsmanager:${secret}:SecretString:applicationKey}}`,
        },
      },
    },
  };
}

/** A CreateConnectorProfile request with literal credential values, for seeding the emulator. */
export function datadogCreateRequest(
  name: string,
  credentials: { apiKey: string; applicationKey: string },
  instanceUrl = DATADOG_INSTANCE_URL,
): CreateConnectorProfileRequest {
  return {
    connectorProfileName: name,
    connectorType: 'Datadog',
    connectionMode: 'Public',
    connectorProfileConfig: {
      connectorProfileProperties: { Datadog: { instanceUrl } },
      connectorProfileCredentials: { Datadog: credentials },
    },
  };
}

/** A Salesforce profile document using the JWT bearer grant, the token read from `secret` key `jwt`. */
export function salesforceJwtDocument(name: string, { secret = 'sf', instanceUrl = 'https://acme.my.salesforce.com' } = {}): Record<string, unknown> {
  return {
    connectorProfileName: name,
    connectorType: 'Salesforce',
    connectionMode: 'Public',
    connectorProfileConfig: {
      connectorProfileProperties: { Salesforce: { instanceUrl } },
      connectorProfileCredentials: { Salesforce: { oAuth2GrantType: 'JWT_BEARER', jwtToken: `{{resolve:secretsmanager:${secret}:SecretString:jwt}}` } },
    },
  };
}
