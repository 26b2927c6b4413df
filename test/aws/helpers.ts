// Shared fixtures of the AWS adapter integration tests (real SDK clients over HTTP to the emulator).
import type { CreateConnectorProfileRequest } from '@aws-sdk/client-appflow';
import type { RunningEmulator } from '../../src/emulator/index.js';

export { adaptersFor } from '../support/emulator-harness.js';

export function datadogProfile(name: string, instanceUrl = 'https://api.datadoghq.com'): CreateConnectorProfileRequest {
  return {
    connectorProfileName: name,
    connectorType: 'Datadog',
    connectionMode: 'Public',
    connectorProfileConfig: {
      connectorProfileProperties: { Datadog: { instanceUrl } },
      connectorProfileCredentials: { Datadog: { apiKey: 'SENTINEL-SECRET-api', applicationKey: 'SENTINEL-SECRET-app' } },
    },
  };
}

export function countCalls(emu: RunningEmulator, operation: string): number {
  return emu.requestLog().filter((entry) => entry.operation === operation).length;
}
