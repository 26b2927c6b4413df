// Secrets Manager operations (awsJson1_1) the project uses: GetSecretValue, BatchGetSecretValue,
// DescribeSecret, CreateSecret, PutSecretValue. Staging labels follow the documented rotation
// model: a new AWSCURRENT version demotes the previous one to AWSPREVIOUS.
import { randomBytes, randomUUID } from 'node:crypto';
import { loadSmithyModel, type SmithyModel } from '../smithy/model.js';
import { ApiError } from './api-error.js';
import { epochSeconds, type HandlerResult, type ServiceContext } from './context.js';
import { validateRequest } from './request-validator.js';
import type { StoredSecret, StoredSecretVersion } from './store.js';

const NS = 'com.amazonaws.secretsmanager#';
export const SECRETS_OPERATIONS = ['GetSecretValue', 'BatchGetSecretValue', 'DescribeSecret', 'CreateSecret', 'PutSecretValue'] as const;
export type SecretsOperation = (typeof SECRETS_OPERATIONS)[number];

const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';
/** Secrets Manager keeps at most ~100 versions; older unlabelled ones are removed (documented quota). */
const MAX_VERSIONS = 100;
/** "The secret name can contain ASCII letters, numbers, and the following characters: /_+=.@-" (plus `!` used by AppFlow-managed secrets). */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@!-]+$/;

let cachedModel: SmithyModel | undefined;
function model(): SmithyModel {
  cachedModel ??= loadSmithyModel('secretsmanager-subset.json');
  return cachedModel;
}

function validate(operation: SecretsOperation, body: Record<string, unknown>): void {
  validateRequest(model(), `${NS}${operation}Request`, body, 'lower-first');
}

const secretNotFound = () => new ApiError(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
const invalidParameter = (message: string) => new ApiError(400, 'InvalidParameterException', message);
const invalidRequest = (message: string) => new ApiError(400, 'InvalidRequestException', message);

/** Six random letters and digits, the suffix Secrets Manager appends to every secret ARN. */
function arnSuffix(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(6)].map((b) => alphabet[b % alphabet.length]).join('');
}

function startOfUtcDay(ms: number): number {
  return ms - (ms % 86_400_000);
}

function requireSecret(ctx: ServiceContext, secretId: string): StoredSecret {
  const secret = ctx.store.findSecret(secretId);
  if (!secret) throw secretNotFound();
  return secret;
}

function selectVersion(secret: StoredSecret, versionId?: string, versionStage?: string): StoredSecretVersion {
  if (versionId !== undefined) {
    const version = secret.versions.find((v) => v.versionId === versionId);
    if (!version || (versionStage !== undefined && !version.stages.includes(versionStage))) {
      throw new ApiError(400, 'ResourceNotFoundException', `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`);
    }
    return version;
  }
  const stage = versionStage ?? CURRENT;
  const version = secret.versions.find((v) => v.stages.includes(stage));
  if (!version) throw new ApiError(400, 'ResourceNotFoundException', `Secrets Manager can't find the specified secret value for staging label: ${stage}`);
  return version;
}

function valueEntry(secret: StoredSecret, version: StoredSecretVersion): Record<string, unknown> {
  const out: Record<string, unknown> = { ARN: secret.arn, Name: secret.name, VersionId: version.versionId };
  if (version.secretString !== undefined) out.SecretString = version.secretString;
  if (version.secretBinary !== undefined) out.SecretBinary = version.secretBinary;
  out.VersionStages = [...version.stages];
  out.CreatedDate = epochSeconds(version.createdDate);
  return out;
}

function readValue(ctx: ServiceContext, secret: StoredSecret, version: StoredSecretVersion): Record<string, unknown> {
  const day = startOfUtcDay(ctx.now());
  if (secret.lastAccessedDate !== day) {
    secret.lastAccessedDate = day; // "rounded to midnight" (DescribeSecret documentation)
    ctx.changed();
  }
  return valueEntry(secret, version);
}

export function getSecretValue(ctx: ServiceContext, body: Record<string, unknown>): HandlerResult {
  validate('GetSecretValue', body);
  const secret = requireSecret(ctx, body.SecretId as string);
  const version = selectVersion(secret, body.VersionId as string | undefined, body.VersionStage as string | undefined);
  return { body: readValue(ctx, secret, version) };
}

/** Filter semantics from the ListSecrets/BatchGetSecretValue documentation: prefix matches, `!` negates; values OR, filters AND. */
function matchesFilters(secret: StoredSecret, filters: { Key?: string; Values?: string[] }[]): boolean {
  return filters.every((filter) => {
    const fields = filter.Key === 'name' ? [secret.name] : filter.Key === 'description' ? [secret.description ?? ''] : [secret.name, secret.description ?? ''];
    return (filter.Values ?? []).some((raw) => {
      const negate = raw.startsWith('!');
      const prefix = negate ? raw.slice(1) : raw;
      const hit = fields.some((field) => field.startsWith(prefix));
      return negate ? !hit : hit;
    });
  });
}

function batchByFilters(ctx: ServiceContext, body: Record<string, unknown>): HandlerResult {
  const filters = body.Filters as { Key?: string; Values?: string[] }[];
  for (const filter of filters) {
    if (filter.Key !== 'name' && filter.Key !== 'description' && filter.Key !== 'all') {
      throw invalidParameter(`The emulator supports only the filter keys name, description and all; got ${String(filter.Key)}.`);
    }
  }
  const pageSize = (body.MaxResults as number | undefined) ?? 20;
  const names = [...ctx.store.secrets.keys()].sort();
  let start = 0;
  if (typeof body.NextToken === 'string') {
    const decoded = /^o(\d+)$/.exec(Buffer.from(body.NextToken, 'base64url').toString('utf8'));
    if (!decoded) throw new ApiError(400, 'InvalidNextTokenException', 'The NextToken value is invalid.');
    start = Number(decoded[1]);
  }
  const values: Record<string, unknown>[] = [];
  let index = start;
  for (; index < names.length && values.length < pageSize; index++) {
    const secret = ctx.store.secrets.get(names[index]!)!;
    if (!matchesFilters(secret, filters)) continue;
    const current = secret.versions.find((v) => v.stages.includes(CURRENT));
    if (current) values.push(readValue(ctx, secret, current));
  }
  const response: Record<string, unknown> = { SecretValues: values, Errors: [] };
  if (index < names.length) response.NextToken = Buffer.from(`o${index}`, 'utf8').toString('base64url');
  return { body: response };
}

export function batchGetSecretValue(ctx: ServiceContext, body: Record<string, unknown>): HandlerResult {
  validate('BatchGetSecretValue', body);
  const ids = body.SecretIdList as string[] | undefined;
  const hasFilters = Array.isArray(body.Filters) && body.Filters.length > 0;
  if ((ids === undefined) === !hasFilters) {
    throw invalidParameter('Either SecretIdList or Filters must be specified, but not both.');
  }
  if (hasFilters) return batchByFilters(ctx, body);
  if (body.MaxResults !== undefined || body.NextToken !== undefined) {
    throw invalidParameter('MaxResults and NextToken can be used only with Filters.');
  }
  const values: Record<string, unknown>[] = [];
  const errors: Record<string, unknown>[] = [];
  for (const id of ids!) {
    const secret = ctx.store.findSecret(id);
    const current = secret?.versions.find((v) => v.stages.includes(CURRENT));
    if (secret && current) values.push(readValue(ctx, secret, current));
    else errors.push({ SecretId: id, ErrorCode: 'ResourceNotFoundException', Message: "Secrets Manager can't find the specified secret." });
  }
  return { body: { SecretValues: values, Errors: errors } };
}

export function describeSecret(ctx: ServiceContext, body: Record<string, unknown>): HandlerResult {
  validate('DescribeSecret', body);
  const secret = requireSecret(ctx, body.SecretId as string);
  const out: Record<string, unknown> = { ARN: secret.arn, Name: secret.name };
  if (secret.description !== undefined) out.Description = secret.description;
  if (secret.kmsKeyId !== undefined) out.KmsKeyId = secret.kmsKeyId;
  out.LastChangedDate = epochSeconds(secret.lastChangedDate);
  if (secret.lastAccessedDate !== undefined) out.LastAccessedDate = epochSeconds(secret.lastAccessedDate);
  const stages: Record<string, string[]> = {};
  for (const version of secret.versions) if (version.stages.length > 0) stages[version.versionId] = [...version.stages];
  out.VersionIdsToStages = stages;
  out.CreatedDate = epochSeconds(secret.createdDate);
  return { body: out };
}

function sameValue(version: StoredSecretVersion, body: Record<string, unknown>): boolean {
  return version.secretString === body.SecretString && version.secretBinary === body.SecretBinary;
}

function checkOneValue(body: Record<string, unknown>, required: boolean): void {
  const hasString = body.SecretString !== undefined;
  const hasBinary = body.SecretBinary !== undefined;
  if (hasString && hasBinary) throw invalidParameter("You can't specify both a binary secret value and a string secret value in the same secret.");
  if (required && !hasString && !hasBinary) throw invalidParameter('You must provide either SecretString or SecretBinary.');
}

/** Adds a version carrying `stages`, moving those labels off other versions; AWSCURRENT demotes the old current to AWSPREVIOUS. */
function addVersion(secret: StoredSecret, version: StoredSecretVersion): void {
  const movingCurrent = version.stages.includes(CURRENT);
  const oldCurrent = movingCurrent ? secret.versions.find((v) => v.stages.includes(CURRENT)) : undefined;
  const moved = new Set([...version.stages, ...(oldCurrent ? [PREVIOUS] : [])]);
  for (const other of secret.versions) other.stages = other.stages.filter((s) => !moved.has(s));
  if (oldCurrent) oldCurrent.stages.push(PREVIOUS);
  secret.versions.push(version);
  while (secret.versions.length > MAX_VERSIONS) {
    const i = secret.versions.findIndex((v) => v.stages.length === 0);
    if (i < 0) break;
    secret.versions.splice(i, 1);
  }
}

/** Create without the model validation; also used for seeding. */
export function createSecretRecord(ctx: ServiceContext, body: Record<string, unknown>): Record<string, unknown> {
  const name = body.Name as string;
  if (!SECRET_NAME.test(name)) {
    throw invalidParameter('Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!');
  }
  checkOneValue(body, false);
  if (body.AddReplicaRegions !== undefined) throw invalidRequest('The emulator does not support secret replication (AddReplicaRegions).');
  const token = body.ClientRequestToken as string | undefined;
  const existing = ctx.store.secrets.get(name);
  if (existing) {
    // A retry of the same CreateSecret (same token, same value) is idempotent.
    const retried = token !== undefined ? existing.versions.find((v) => v.versionId === token) : undefined;
    if (retried && sameValue(retried, body)) return { ARN: existing.arn, Name: existing.name, VersionId: retried.versionId };
    throw new ApiError(400, 'ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
  }
  const now = ctx.now();
  const secret: StoredSecret = { name, arn: `arn:aws:secretsmanager:${ctx.region}:${ctx.accountId}:secret:${name}-${arnSuffix()}`, createdDate: now, lastChangedDate: now, versions: [] };
  if (typeof body.Description === 'string') secret.description = body.Description;
  if (typeof body.KmsKeyId === 'string') secret.kmsKeyId = body.KmsKeyId;
  const response: Record<string, unknown> = { ARN: secret.arn, Name: name };
  if (body.SecretString !== undefined || body.SecretBinary !== undefined) {
    const version: StoredSecretVersion = { versionId: token ?? randomUUID(), createdDate: now, stages: [CURRENT] };
    if (typeof body.SecretString === 'string') version.secretString = body.SecretString;
    if (typeof body.SecretBinary === 'string') version.secretBinary = body.SecretBinary;
    addVersion(secret, version);
    response.VersionId = version.versionId;
  }
  ctx.store.putSecret(secret);
  ctx.changed();
  return response;
}

export function createSecret(ctx: ServiceContext, body: Record<string, unknown>): HandlerResult {
  validate('CreateSecret', body);
  return { body: createSecretRecord(ctx, body) };
}

export function putSecretValue(ctx: ServiceContext, body: Record<string, unknown>): HandlerResult {
  validate('PutSecretValue', body);
  const secret = requireSecret(ctx, body.SecretId as string);
  checkOneValue(body, true);
  const versionId = (body.ClientRequestToken as string | undefined) ?? randomUUID();
  const existing = secret.versions.find((v) => v.versionId === versionId);
  if (existing) {
    if (!sameValue(existing, body)) {
      throw new ApiError(400, 'ResourceExistsException', "You can't modify an existing version, you can only create a new version.");
    }
    return { body: { ARN: secret.arn, Name: secret.name, VersionId: versionId, VersionStages: [...existing.stages] }, replayed: true };
  }
  const stages = [...new Set((body.VersionStages as string[] | undefined) ?? [CURRENT])];
  const now = ctx.now();
  const version: StoredSecretVersion = { versionId, createdDate: now, stages };
  if (typeof body.SecretString === 'string') version.secretString = body.SecretString;
  if (typeof body.SecretBinary === 'string') version.secretBinary = body.SecretBinary;
  addVersion(secret, version);
  secret.lastChangedDate = now;
  ctx.changed();
  return { body: { ARN: secret.arn, Name: secret.name, VersionId: versionId, VersionStages: [...version.stages] } };
}

export const SECRETS_HANDLERS: Record<SecretsOperation, (ctx: ServiceContext, body: Record<string, unknown>) => HandlerResult> = {
  GetSecretValue: getSecretValue,
  BatchGetSecretValue: batchGetSecretValue,
  DescribeSecret: describeSecret,
  CreateSecret: createSecret,
  PutSecretValue: putSecretValue,
};
