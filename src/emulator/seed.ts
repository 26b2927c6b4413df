// Seeding from an EmulatorSeed (a file for the CLI, an object in-process). A seed is idempotent, so
// the embedded default can re-apply the same seed on every start over a persisted state:
// profiles and secrets that do not exist yet are created; a seeded secret whose value changed gets
// a new AWSCURRENT version (exactly as PutSecretValue would, so it looks like a rotation).
import { loadSmithyModel } from '../smithy/model.js';
import { ApiError } from './api-error.js';
import { createProfile } from './appflow-operations.js';
import type { Partitions } from './partitions.js';
import { validateRequest } from './request-validator.js';
import { createSecretRecord, putSecretValue } from './secrets-operations.js';
import type { EmulatorSeed } from './types.js';

function describeError(err: unknown): string {
  if (err instanceof ApiError) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

/** Seeds the partition the seed names (`accountId`, `region`), by default the emulator's own. */
export function applySeed(partitions: Partitions, seed: EmulatorSeed): void {
  if (seed === null || typeof seed !== 'object') throw new Error('seed must be an object with optional "secrets" and "profiles" arrays');
  for (const key of ['secrets', 'profiles'] as const) {
    if (seed[key] !== undefined && !Array.isArray(seed[key])) throw new Error(`seed "${key}" must be an array`);
  }
  if (seed.accountId !== undefined && (typeof seed.accountId !== 'string' || !/^\d{12}$/.test(seed.accountId))) throw new Error('seed "accountId" must be a 12-digit string');
  if (seed.region !== undefined && (typeof seed.region !== 'string' || !/^[a-z0-9-]{1,32}$/.test(seed.region))) throw new Error('seed "region" must be a region name such as eu-west-1');
  const ctx = partitions.get(seed.accountId, seed.region);
  (seed.secrets ?? []).forEach((secret, i) => {
    const where = `seed secret #${i + 1}${typeof secret?.name === 'string' ? ` (${secret.name})` : ''}`;
    if (typeof secret?.name !== 'string' || typeof secret.secretString !== 'string') {
      throw new Error(`${where}: name and secretString must be strings`);
    }
    try {
      const existing = ctx.store.secrets.get(secret.name);
      if (!existing) {
        createSecretRecord(ctx, { Name: secret.name, SecretString: secret.secretString, Description: secret.description });
        return;
      }
      const current = existing.versions.find((v) => v.stages.includes('AWSCURRENT'));
      if (current?.secretString !== secret.secretString) putSecretValue(ctx, { SecretId: secret.name, SecretString: secret.secretString });
    } catch (err) {
      throw new Error(`${where}: ${describeError(err)}`, { cause: err });
    }
  });
  const model = loadSmithyModel('appflow-connector-profiles.json');
  (seed.profiles ?? []).forEach((profile, i) => {
    const name = (profile as { connectorProfileName?: unknown } | null)?.connectorProfileName;
    const where = `seed profile #${i + 1}${typeof name === 'string' ? ` (${name})` : ''}`;
    if (typeof name === 'string' && ctx.store.profiles.has(name)) return;
    try {
      if (profile === null || typeof profile !== 'object') throw new Error('must be an object (a CreateConnectorProfile request)');
      const body = { ...(profile as Record<string, unknown>) };
      delete body.clientToken;
      validateRequest(model, 'com.amazonaws.appflow#CreateConnectorProfileRequest', body);
      createProfile(ctx, body);
    } catch (err) {
      throw new Error(`${where}: ${describeError(err)}`, { cause: err });
    }
  });
}
