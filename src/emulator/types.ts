// Public types of the emulator. Other helpers' tests and the benchmarks program against these, so
// names follow the common brief exactly; additions are optional fields only.
import type { CreateConnectorProfileRequest } from '@aws-sdk/client-appflow';

export type TokenMismatchError = 'ConflictException' | 'ValidationException';

export interface EmulatorOptions {
  /** 0 (the default in-process) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the emulator checks no signatures, so it must not listen publicly by accident. */
  host?: string;
  region?: string;
  accountId?: string;
  /** AppFlow connector-profile quota per account (AWS default: 100). */
  profileQuota?: number;
  /** JSON state file; when set, state is loaded from it at start and written back after changes. */
  stateFile?: string;
  seed?: EmulatorSeed;
  /** Clock in epoch milliseconds (tests inject one to move past the 8 h token window). */
  now?: () => number;
  /** Error for a reused clientToken with different parameters (default ConflictException). */
  tokenMismatchError?: TokenMismatchError;
}

export interface RunningEmulator {
  /** http://HOST:PORT */
  endpoint: string;
  port: number;
  close(): Promise<void>;
  faults: FaultController;
  requestLog(): RequestLogEntry[];
  clearRequestLog(): void;
  seed(seed: EmulatorSeed): void;
  setNow(now: () => number): void;
  setProfileQuota(n: number): void;
  /**
   * Test hook (addition to the brief's contract): the credentials the emulator last received for a
   * profile, as sent by the client, or undefined. Never exposed over any AWS API, like the service.
   * Not persisted: after a restart from a state file it returns undefined.
   */
  storedCredentials?(profileName: string): unknown;
  /** Number of stored connector profiles (cheap; for benchmarks). */
  profileCount?(): number;
  /** Addition: calls `listener` for each request once it is answered (entry.at is its arrival time); returns unsubscribe. */
  onRequest?(listener: (entry: RequestLogEntry) => void): () => void;
  /**
   * Addition: calls `listener` as each request arrives, before latency, throttling or injected
   * failures (status 0: not answered yet), so tests can act while a request is in flight; returns unsubscribe.
   */
  onRequestArrived?(listener: (entry: RequestLogEntry) => void): () => void;
  /** Addition: writes a pending state-file change now (no-op without a state file). */
  flushState?(): void;
  /** Addition: names of the profiles of one partition (default: the emulator's account and region). */
  profileNames?(where?: { accountId?: string; region?: string }): string[];
}

export interface FaultError {
  status: number;
  code: string;
  message?: string;
}

export interface FaultController {
  /** The next `count` calls of `operation` (or '*') fail with `error` before anything is applied. */
  failNext(operation: string, count: number, error: FaultError): void;
  /** Above `requestsPerSecond` (sliding one-second window), calls of `operation` (or '*') get 429 ThrottlingException; undefined removes the limit. */
  throttle(operation: string, requestsPerSecond: number | undefined): void;
  /** Adds `ms` of latency before a call of `operation` (or '*') is handled (0 removes it). */
  latency(operation: string, ms: number): void;
  /** The next `count` calls of `operation` are applied, then the socket is destroyed without a response. */
  applyThenDrop(operation: string, count: number): void;
  /** Addition: STS AssumeRole of `roleArn` answers 403 AccessDenied (denied=false lifts it). */
  denyRole?(roleArn: string, denied?: boolean): void;
  /** Addition: AssumeRole of `roleArn` needs this ExternalId, else AccessDenied (undefined lifts it). */
  requireExternalId?(roleArn: string, externalId: string | undefined): void;
  reset(): void;
}

export interface RequestLogEntry {
  service: 'appflow' | 'secretsmanager' | 'sts';
  /** AWS operation name, e.g. CreateConnectorProfile, GetSecretValue. */
  operation: string;
  /** HTTP status sent (for a dropped connection: the status the response would have had). */
  status: number;
  errorCode?: string;
  clientToken?: string;
  profileName?: string;
  /** Epoch ms (emulator clock) when the request arrived. */
  at: number;
  /** Addition: true when the connection was dropped after applying (applyThenDrop). */
  dropped?: boolean;
  /** Addition: true when the response was replayed from an earlier call with the same clientToken. */
  replayed?: boolean;
  /** Addition: DeleteConnectorProfile's forceDelete as sent (the emulator has no flows, so it changes nothing there). */
  forceDelete?: boolean;
  /** Addition: the secret id(s) asked for (Secrets Manager), never values. */
  secretIds?: string[];
  /** Addition: the account and region partition the call addressed (from the SigV4 scope and access key). */
  accountId?: string;
  region?: string;
  /** Addition: the role AssumeRole was asked for. */
  roleArn?: string;
}

export interface SeedSecret {
  name: string;
  secretString: string;
  description?: string;
}

export interface EmulatorSeed {
  /** Addition: the partition to seed (default: the emulator's account and region). */
  accountId?: string;
  region?: string;
  secrets?: SeedSecret[];
  profiles?: Omit<CreateConnectorProfileRequest, 'clientToken'>[];
}
