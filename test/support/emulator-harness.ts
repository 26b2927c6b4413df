// How tests reach the emulator: the same way production code reaches AWS (the real SDK adapters
// and clients over HTTP, static test credentials), plus the environment a spawned CLI needs to
// find it. One place for it, so every test talks to the emulator with the same settings.
import { AppflowClient } from '@aws-sdk/client-appflow';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createAwsAdapters } from '../../src/aws/clients.js';
import type { AwsAdapters, AwsSettings } from '../../src/aws/ports.js';
import { startEmulator, type EmulatorOptions, type RequestLogEntry, type RunningEmulator } from '../../src/emulator/index.js';

export const TEST_REGION = 'us-east-1';

/** A fresh object each time, so no test can change another's credentials. */
export function testCredentials(): { accessKeyId: string; secretAccessKey: string } {
  return { accessKeyId: 'test', secretAccessKey: 'test' };
}

type HasEndpoint = Pick<RunningEmulator, 'endpoint'>;

/** AwsSettings that point both services at the emulator; `extra` adds or overrides settings. */
export function emulatorAwsSettings(emulator: HasEndpoint, extra: AwsSettings = {}): AwsSettings {
  return {
    region: TEST_REGION,
    endpoints: { appflow: emulator.endpoint, secretsmanager: emulator.endpoint },
    credentials: testCredentials(),
    ...extra,
  };
}

/** The real SDK adapters (src/aws/clients.ts) against the emulator. */
export function adaptersFor(emulator: HasEndpoint, extra: AwsSettings = {}): AwsAdapters {
  return createAwsAdapters(emulatorAwsSettings(emulator, extra));
}

/** Config for a raw SDK client (AppflowClient, SecretsManagerClient) against the emulator. */
export function sdkConfigFor(emulator: HasEndpoint, extra: { maxAttempts?: number } = {}) {
  return { region: TEST_REGION, endpoint: emulator.endpoint, credentials: testCredentials(), ...extra };
}

export interface SdkClients {
  appflow: AppflowClient;
  secrets: SecretsManagerClient;
}

/** Raw SDK clients against the emulator, for acting out of band (as a console user would). */
export function sdkClientsFor(emulator: HasEndpoint, extra: { maxAttempts?: number } = {}): SdkClients {
  const config = sdkConfigFor(emulator, extra);
  return { appflow: new AppflowClient(config), secrets: new SecretsManagerClient(config) };
}

/**
 * The minimal environment for a spawned CLI to use the emulator through the standard AWS
 * variables only (per-service endpoint URLs): nothing from the developer's own AWS set-up leaks in.
 */
export function emulatorEnv(endpoint: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    AWS_REGION: TEST_REGION,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_APPFLOW: endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
  };
}

export interface EmulatorHarness {
  emulator: RunningEmulator;
  /** The real SDK adapters against the emulator. */
  adapters: AwsAdapters;
  /** Raw SDK clients (SDK default retries) for out-of-band changes. */
  sdk: SdkClients;
  /** Environment for a spawned CLI (see emulatorEnv). */
  env: NodeJS.ProcessEnv;
  /** Destroys the clients and stops the emulator. */
  close(): Promise<void>;
}

/** Starts an emulator (a free port unless `options.port` says otherwise) with adapters and clients. */
export async function startEmulatorHarness(options: EmulatorOptions = {}, aws: AwsSettings = {}): Promise<EmulatorHarness> {
  const emulator = await startEmulator({ port: 0, ...options });
  const adapters = adaptersFor(emulator, aws);
  const sdk = sdkClientsFor(emulator);
  return {
    emulator,
    adapters,
    sdk,
    env: emulatorEnv(emulator.endpoint),
    async close() {
      adapters.destroy();
      sdk.appflow.destroy();
      sdk.secrets.destroy();
      await emulator.close();
    },
  };
}

/** Forgets the request log and every injected fault, so each test starts from a quiet emulator. */
export function resetEmulator(emulator: Pick<RunningEmulator, 'clearRequestLog' | 'faults'>): void {
  emulator.clearRequestLog();
  emulator.faults.reset();
}

/** Every partition empty as well (profiles, secrets, STS sessions; the admin API's reset), then resetEmulator. */
export async function emptyEmulator(emulator: Pick<RunningEmulator, 'endpoint' | 'clearRequestLog' | 'faults'>): Promise<void> {
  const res = await fetch(`${emulator.endpoint}/__emulator/reset`, { method: 'POST' });
  if (res.status !== 200) throw new Error(`emulator reset answered ${res.status}`);
  resetEmulator(emulator);
}

export interface ProfileWrite {
  operation: string;
  profileName?: string;
  clientToken?: string;
  status: number;
  errorCode?: string;
  /** DeleteConnectorProfile only: forceDelete as sent. */
  forceDelete?: boolean;
}

/** The AppFlow profile writes (Create/Update/Delete) in the emulator's request log, oldest first. */
export function profileWrites(emulator: Pick<RunningEmulator, 'requestLog'>): ProfileWrite[] {
  return emulator
    .requestLog()
    .filter((e) => /^(Create|Update|Delete)ConnectorProfile$/.test(e.operation))
    .map(({ operation, profileName, clientToken, status, errorCode, forceDelete }) => ({
      operation,
      profileName,
      clientToken,
      status,
      errorCode,
      ...(forceDelete === undefined ? {} : { forceDelete }),
    }));
}

type RequestMatch = (entry: RequestLogEntry) => boolean;
type Observable = Pick<RunningEmulator, 'onRequest' | 'onRequestArrived'>;

function first(subscribe: ((listener: (entry: RequestLogEntry) => void) => () => void) | undefined, match: RequestMatch, act?: (entry: RequestLogEntry) => void): Promise<RequestLogEntry> {
  if (!subscribe) throw new Error('this emulator does not report requests');
  return new Promise((resolve) => {
    const unsubscribe = subscribe((entry) => {
      if (!match(entry)) return;
      unsubscribe();
      act?.(entry);
      resolve(entry);
    });
  });
}

/**
 * Resolves with the first request matching `match` as it ARRIVES (before any latency or injected
 * fault: it is in flight). `act` runs synchronously at that moment, e.g. to abort the writer.
 */
export function nextArrival(emulator: Observable, match: RequestMatch, act?: (entry: RequestLogEntry) => void): Promise<RequestLogEntry> {
  return first(emulator.onRequestArrived, match, act);
}

/** Resolves with the first request matching `match` once it is ANSWERED (as the request log records it). */
export function nextAnswer(emulator: Observable, match: RequestMatch, act?: (entry: RequestLogEntry) => void): Promise<RequestLogEntry> {
  return first(emulator.onRequest, match, act);
}

/** Matches requests by operation and, optionally, profile name. */
export function request(operation: string, profileName?: string): RequestMatch {
  return (entry) => entry.operation === operation && (profileName === undefined || entry.profileName === profileName);
}
