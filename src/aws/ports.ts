// The ports through which the core talks to AWS. Implemented with the AWS SDK in src/aws/; the
// planner and executor see only these interfaces, and tests drive the real implementations
// against the emulator over HTTP.
import type { ObservedProfile, SecretReference, TargetKey } from '../model/types.js';
import type { CreateConnectorProfileRequest, UpdateConnectorProfileRequest } from '@aws-sdk/client-appflow';

export interface AppFlowPort {
  /** DescribeConnectorProfiles filtered by name, in batches of up to 100 names. Unknown names are simply absent. */
  describeByNames(names: string[]): Promise<ObservedProfile[]>;
  /** Every profile in the account (optionally filtered), paged with maxResults 100. */
  describeAll(filter?: { connectorType?: string; connectorLabel?: string }): Promise<ObservedProfile[]>;
  /** One attempt (the SDK's own retries are bounded by the client config); errors surface as SDK service exceptions. */
  create(request: CreateConnectorProfileRequest): Promise<{ connectorProfileArn?: string }>;
  update(request: UpdateConnectorProfileRequest): Promise<{ connectorProfileArn?: string }>;
  delete(name: string, forceDelete: boolean): Promise<void>;
}

/** Why one secret reference could not be resolved. Messages name the secret and key, never a value. */
export interface SecretResolutionError {
  code: 'secret.not-found' | 'secret.key-missing' | 'secret.not-json' | 'secret.binary' | 'secret.access-denied' | 'secret.error';
  message: string;
  /**
   * The message without the secret's name: what is wrong with the secret (`not found (...)`) or
   * with the key (`has no key "apiKy" (did you mean "apiKey"?)`). Lets callers say it once per secret.
   */
  detail?: string;
  /** True when the whole secret failed (not found, denied, not JSON, binary), whatever the key. */
  secretWide?: boolean;
  /** secret.key-missing: the key names the secret has (names only, never a value), for a did-you-mean. */
  keys?: string[];
}

export type SecretLookup = { ok: true; value: string; versionId?: string } | { ok: false; error: SecretResolutionError };

/** Which version of a secret a reference names now (DescribeSecret: metadata, never a value). */
export type SecretVersionLookup = { ok: true; versionId: string } | { ok: false; error: SecretResolutionError };

export interface SecretsPort {
  /**
   * Resolves references, fetching each distinct secret (id + version) once, with
   * BatchGetSecretValue (20 per call) and GetSecretValue as fallback. Keyed by `ref.raw`.
   */
  resolve(refs: SecretReference[]): Promise<ReadonlyMap<string, SecretLookup>>;
  /**
   * The version id each reference resolves to now, from DescribeSecret (one call per distinct
   * secret): no secret value is read, so a CI role needs only secretsmanager:DescribeSecret.
   * Keyed by `ref.raw`. Optional: ports that cannot answer leave it out.
   */
  describeVersions?(refs: SecretReference[]): Promise<Map<string, SecretVersionLookup>>;
}

/** Called once per AWS SDK call (for metrics and the call budget). */
export type AwsCallObserver = (call: {
  service: 'appflow' | 'secretsmanager';
  operation: string;
  /** AWS error code (e.g. ThrottlingException) or undefined on success. */
  errorCode?: string;
  durationMs: number;
  /** HTTP attempts the SDK made for this call (its own retries included), when known. */
  attempts?: number;
}) => void;

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** What @aws-sdk/credential-providers returns (fromTemporaryCredentials, fromIni): the SDK caches and refreshes. */
export type CredentialsProvider = () => Promise<StaticCredentials & { expiration?: Date }>;

export interface AwsTarget {
  key: TargetKey;
  region: string;
  identity: string;
  /** The non-AWS endpoint this target talks to ('local' for an emulator on loopback); absent for AWS. */
  endpoint?: string;
  /** The target's name (appflow-gitops.yaml, or 'default' for the implicit target). */
  name?: string;
  /** The account, when known (configured, or confirmed with STS GetCallerIdentity). */
  accountId?: string;
  /** The role assumed for this target, if any. */
  roleArn?: string;
}

/** What `createAwsAdapters` (src/aws/clients.ts) returns. */
export interface AwsAdapters {
  appflow: AppFlowPort;
  secrets: SecretsPort;
  target: AwsTarget;
  /** Closes the SDK clients' sockets. */
  destroy(): void;
}

export interface AwsSettings {
  /** Overrides AWS_REGION / shared config. */
  region?: string;
  /** Explicit endpoints (the embedded emulator); otherwise the SDK's AWS_ENDPOINT_URL_* handling applies. */
  endpoints?: { appflow?: string; secretsmanager?: string };
  /** Static credentials (the embedded emulator), or a provider (a target's role); otherwise the SDK default provider chain. */
  credentials?: StaticCredentials | CredentialsProvider;
  /** SDK attempts per call (the SDK's own retry); the executor's p-retry multiplies this. */
  maxAttempts?: number;
  /** SDK attempts per write call (Create/Update/Delete); defaults to maxAttempts. */
  writeMaxAttempts?: number;
  requestTimeoutMs?: number;
  /** TCP connect timeout; defaults to 5 s. */
  connectionTimeoutMs?: number;
  /** Sockets per client (keep-alive agent bound); defaults to 16. */
  maxSockets?: number;
  /**
   * The identity half of the target key; defaults to AWS_ROLE_ARN, else AWS_PROFILE, else
   * "default". The embedded emulator should pass its own (e.g. "embedded-emulator") so its state
   * can never be mistaken for a real account's.
   */
  identity?: string;
  observer?: AwsCallObserver;
  /**
   * The daemon's: hand out the previous output again for a read whose answer is byte for byte
   * one already deserialised (src/aws/remembered-reads.ts). One-shot commands read once.
   */
  rememberReads?: boolean;
}
