// Shared fixtures of the AWS adapter integration tests (real SDK clients over HTTP to the emulator).
import type { CreateConnectorProfileRequest } from '@aws-sdk/client-appflow';
import type { RunningEmulator } from '../../src/emulator/index.js';
import type { SecretReference } from '../../src/model/types.js';
import { datadogCreateRequest } from '../support/profile-documents.js';

export { adaptersFor } from '../support/emulator-harness.js';

export function datadogProfile(name: string, instanceUrl?: string): CreateConnectorProfileRequest {
  return datadogCreateRequest(name, { apiKey: 'SENTINEL-SECRET-api', applicationKey: 'SENTINEL-SECRET-app' }, instanceUrl);
}

export function countCalls(emu: RunningEmulator, operation: string): number {
  return emu.requestLog().filter((entry) => entry.operation === operation).length;
}

/** A SecretString reference to `jsonKey` of `secretId`, with its raw text (a pinned stage or version when `extra` names one). */
export function secretRef(secretId: string, jsonKey: string, extra: Partial<SecretReference> = {}): SecretReference {
  const version = extra.versionStage || extra.versionId ? `:${extra.versionStage ?? ''}:${extra.versionId ?? ''}` : '';
  return { raw: `{{resolve:secretsmanager:${secretId}:SecretString:${jsonKey}${version}}}`, secretId, jsonKey, ...extra };
}
