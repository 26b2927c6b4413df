// Shared fixtures of the AWS adapter integration tests (real SDK clients over HTTP to the emulator).
import type { CreateConnectorProfileRequest } from '@aws-sdk/client-appflow';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { datadogCreateRequest } from '../support/profile-documents.js';

export { adaptersFor } from '../support/emulator-harness.js';

export function datadogProfile(name: string, instanceUrl?: string): CreateConnectorProfileRequest {
  return datadogCreateRequest(name, { apiKey: 'SENTINEL-SECRET-api', applicationKey: 'SENTINEL-SECRET-app' }, instanceUrl);
}

export function countCalls(emu: RunningEmulator, operation: string): number {
  return emu.requestLog().filter((entry) => entry.operation === operation).length;
}
