// Small builders for planner tests: documents, what Describe would return for them, inventory
// records and resolved credentials. No AWS, no files.
import { Sensitive } from '../../src/model/sensitive.js';
import type {
  ConnectorProfileDocument,
  DesiredProfile,
  ManagedProfileRecord,
  ObservedProfile,
  PlanOptions,
  ResolvedCredentials,
  TargetState,
} from '../../src/model/types.js';
import { computeFingerprint } from '../../src/planner/fingerprint.js';
import type { CredentialResolution, PlanInput } from '../../src/planner/plan-changes.js';

export const TARGET = 'us-east-1/123456789012';
export const HMAC_KEY = Buffer.alloc(32, 7);
export const OPTIONS: PlanOptions = { prune: false, allowEmpty: false, maxDeletes: 5 };

export function snowflakeDocument(name: string, overrides: Partial<ConnectorProfileDocument> = {}): ConnectorProfileDocument {
  return {
    connectorProfileName: name,
    connectorType: 'Snowflake',
    connectionMode: 'Public',
    connectorProfileConfig: {
      connectorProfileProperties: {
        Snowflake: { warehouse: 'WH', stage: 'DB.SCHEMA.STAGE', bucketName: 'bucket-a' },
      },
      connectorProfileCredentials: {
        Snowflake: {
          username: '{{resolve:secretsmanager:snow:SecretString:username}}',
          password: '{{resolve:secretsmanager:snow:SecretString:password}}',
        },
      },
    },
    ...overrides,
  };
}

export function salesforceDocument(name: string, properties: Record<string, unknown> = {}): ConnectorProfileDocument {
  return {
    connectorProfileName: name,
    connectorType: 'Salesforce',
    connectionMode: 'Public',
    connectorProfileConfig: {
      connectorProfileProperties: { Salesforce: { instanceUrl: 'https://example.my.salesforce.com', ...properties } },
      connectorProfileCredentials: {
        Salesforce: {
          oAuth2GrantType: 'JWT_BEARER',
          jwtToken: '{{resolve:secretsmanager:sf:SecretString:jwt}}',
        },
      },
    },
  };
}

export function desiredOf(document: ConnectorProfileDocument, file = `${document.connectorProfileName}.yaml`, line = 1): DesiredProfile {
  return { name: document.connectorProfileName, document, source: { file, line, column: 1 }, credentialRefs: [] };
}

/** What Describe returns after the document was applied verbatim. */
export function observedOf(document: ConnectorProfileDocument): ObservedProfile {
  return {
    name: document.connectorProfileName,
    connectorType: document.connectorType,
    connectorLabel: document.connectorLabel,
    connectionMode: document.connectionMode,
    properties: structuredClone((document.connectorProfileConfig?.connectorProfileProperties ?? {}) as Record<string, unknown>),
  };
}

export function credentialsOf(values: ResolvedCredentials): { fingerprint: string; value: Sensitive<ResolvedCredentials> } {
  return { fingerprint: computeFingerprint(HMAC_KEY, values), value: new Sensitive(values) };
}

export function recordOf(document: ConnectorProfileDocument, credentials?: CredentialResolution, extra: Partial<ManagedProfileRecord> = {}): ManagedProfileRecord {
  return {
    name: document.connectorProfileName,
    origin: 'created',
    connectorType: document.connectorType,
    connectorLabel: document.connectorLabel,
    kmsArn: document.kmsArn,
    credentialsFingerprint: credentials && 'fingerprint' in credentials ? credentials.fingerprint : undefined,
    sourceFile: `${document.connectorProfileName}.yaml`,
    lastAppliedAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

export function stateOf(records: ManagedProfileRecord[]): TargetState {
  return { profiles: Object.fromEntries(records.map((r) => [r.name, r])), intents: {} };
}

export function inputOf(partial: Partial<PlanInput>): PlanInput {
  return {
    target: TARGET,
    desired: [],
    invalid: [],
    observed: [],
    state: { profiles: {}, intents: {} },
    credentials: new Map(),
    directory: 'ok',
    failedFiles: [],
    ...partial,
  };
}

/** An in-sync world for `documents`: observed as applied, inventory with fingerprints. */
export function inSync(documents: ConnectorProfileDocument[], secret = 'SENTINEL-SECRET-in-sync'): PlanInput {
  const credentials = new Map<string, CredentialResolution>();
  for (const d of documents) credentials.set(d.connectorProfileName, credentialsOf({ Snowflake: { username: 'u', password: secret } }));
  return inputOf({
    desired: documents.map((d) => desiredOf(d)),
    observed: documents.map(observedOf),
    state: stateOf(documents.map((d) => recordOf(d, credentials.get(d.connectorProfileName)))),
    credentials,
  });
}
