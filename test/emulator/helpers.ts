// Shared setup for the emulator contract tests: real SDK clients pointed at a running emulator.
import type { CreateConnectorProfileRequest } from '@aws-sdk/client-appflow';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { sdkClientsFor, type SdkClients } from '../support/emulator-harness.js';

/** One attempt by default: the contract tests check each error as the emulator sends it. */
export function clientsFor(emulator: RunningEmulator, maxAttempts = 1): SdkClients {
  return sdkClientsFor(emulator, { maxAttempts });
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
