// The DynamoDB client of the state backend. The caller passes the region it settled for the
// AppFlow and Secrets Manager clients (src/aws/target.ts: settings, AWS_REGION, AWS_DEFAULT_REGION,
// the shared config, else us-east-1); the SDK honours AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL
// and its default credential chain on its own.
//
// Throttling (ProvisionedThroughputExceededException, ThrottlingException, RequestLimitExceeded)
// is retried by the SDK's standard retry mode with jittered exponential backoff; the state
// backend allows more attempts than the AWS default of 3 because a state write that gives up
// fails the AppFlow write it belongs to.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const STATE_TABLE_MAX_ATTEMPTS = 8;

interface TableCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface StateTableClientSettings {
  region: string;
  /** Explicit endpoint (tests); otherwise AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL via the SDK. */
  endpoint?: string;
  /** Static keys or a provider (a declared target's assumed role); the SDK's default chain when absent. */
  credentials?: TableCredentials | (() => Promise<TableCredentials & { expiration?: Date }>);
  maxAttempts?: number;
  requestTimeoutMs?: number;
}

export interface StateTableClient {
  doc: DynamoDBDocumentClient;
  raw: DynamoDBClient;
  region: string;
  destroy(): void;
}

export function createStateTableClient(settings: StateTableClientSettings): StateTableClient {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { region } = settings;
  const raw = new DynamoDBClient({
    region,
    maxAttempts: settings.maxAttempts ?? STATE_TABLE_MAX_ATTEMPTS,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    requestHandler: {
      requestTimeout: settings.requestTimeoutMs ?? 10_000,
      throwOnRequestTimeout: true,
      connectionTimeout: 5_000,
      httpAgent: { keepAlive: true, maxSockets: 8 },
      httpsAgent: { keepAlive: true, maxSockets: 8 },
    },
  });
  const doc = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  return {
    doc,
    raw,
    region,
    destroy() {
      doc.destroy();
      raw.destroy();
    },
  };
}
