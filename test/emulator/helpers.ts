// Shared setup for the emulator contract tests: real SDK clients pointed at a running emulator.
import { AppflowClient, type CreateConnectorProfileRequest } from '@aws-sdk/client-appflow';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { RunningEmulator } from '../../src/emulator/index.js';

export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export function clientsFor(emulator: RunningEmulator, maxAttempts = 1) {
  const config = { region: 'us-east-1', endpoint: emulator.endpoint, credentials: TEST_CREDENTIALS, maxAttempts };
  return { appflow: new AppflowClient(config), secrets: new SecretsManagerClient(config) };
}

/** A valid Salesforce create request; credentials carry a sentinel that must never come back. */
export function salesforceProfile(name: string, overrides: Partial<CreateConnectorProfileRequest> = {}): CreateConnectorProfileRequest {
  return {
    connectorProfileName: name,
    connectorType: 'Salesforce',
    connectionMode: 'Public',
    connectorProfileConfig: {
      connectorProfileProperties: { Salesforce: { instanceUrl: 'https://example.my.salesforce.com' } },
      connectorProfileCredentials: { Salesforce: { accessToken: 'SENTINEL-SECRET-access-token', refreshToken: 'SENTINEL-SECRET-refresh' } },
    },
    ...overrides,
  };
}

/** Captures a rejected promise's error (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & { name: string; $metadata?: { httpStatusCode?: number }; code?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { name: string; $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail, but it succeeded');
}
