// Shared fixtures of the AWS adapter integration tests (real SDK clients over HTTP to the emulator).
import type { CreateConnectorProfileRequest } from '@aws-sdk/client-appflow';
import { createAwsAdapters } from '../../src/aws/clients.js';
import type { AwsSettings } from '../../src/aws/ports.js';
import type { RunningEmulator } from '../../src/emulator/index.js';

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

export function adaptersFor(emu: RunningEmulator, settings: AwsSettings = {}) {
  return createAwsAdapters({
    region: 'us-east-1',
    endpoints: { appflow: emu.endpoint, secretsmanager: emu.endpoint },
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    ...settings,
  });
}

export function countCalls(emu: RunningEmulator, operation: string): number {
  return emu.requestLog().filter((entry) => entry.operation === operation).length;
}
