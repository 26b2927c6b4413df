// The four AppFlow connector-profile operations over the store. Requests arrive as decoded JSON
// bodies; every one is validated against the vendored model before anything is read or written.
// Sources of each behaviour are listed in SPEC.md.
import { getShape, loadSmithyModel, type MemberRef, type SmithyModel } from '../smithy/model.js';
import { ApiError } from './api-error.js';
import { epochSeconds, type HandlerResult, type ServiceContext } from './context.js';
import { digest, paramsDigest } from './idempotency.js';
import { decodePageToken, encodePageToken } from './page-token.js';
import { validateRequest } from './request-validator.js';
import { lowerBound, type StoredProfile } from './store.js';

const NS = 'com.amazonaws.appflow#';
export const APPFLOW_OPERATIONS = [
  'CreateConnectorProfile',
  'UpdateConnectorProfile',
  'DescribeConnectorProfiles',
  'DeleteConnectorProfile',
] as const;
export type AppFlowOperation = (typeof APPFLOW_OPERATIONS)[number];

/** restJson1 routes, from the operations' @http traits. */
export const APPFLOW_ROUTES: Record<string, AppFlowOperation> = {
  '/create-connector-profile': 'CreateConnectorProfile',
  '/update-connector-profile': 'UpdateConnectorProfile',
  '/describe-connector-profiles': 'DescribeConnectorProfiles',
  '/delete-connector-profile': 'DeleteConnectorProfile',
};

const DEFAULT_PAGE_SIZE = 20; // "maxResults ... The default value is 20" (API reference)

let cachedModel: SmithyModel | undefined;
function model(): SmithyModel {
  cachedModel ??= loadSmithyModel('appflow-connector-profiles.json');
  return cachedModel;
}

const notFound = (name: string) =>
  new ApiError(404, 'ResourceNotFoundException', `Connector Profile with name ${name} does not exist.`);

/**
 * Applies the model's @default values to absent members of present structures (e.g. Salesforce
 * `isSandboxEnvironment: false`), as a Smithy server does; Describe then returns them.
 */
function withDefaults(m: SmithyModel, ref: MemberRef, value: unknown): unknown {
  const shape = getShape(m, ref.target);
  if (shape.type !== 'structure' || value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(shape.members ?? {})) {
    const current = (value as Record<string, unknown>)[name];
    if (current !== undefined && current !== null) {
      out[name] = withDefaults(m, member, current);
    } else {
      const memberDefault = member.traits?.['smithy.api#default'] ?? getShape(m, member.target).traits?.['smithy.api#default'];
      if (memberDefault !== undefined && memberDefault !== null) out[name] = memberDefault;
    }
  }
  return out;
}

function propertiesWithDefaults(properties: unknown): Record<string, unknown> {
  return withDefaults(model(), { target: `${NS}ConnectorProfileProperties` }, properties) as Record<string, unknown>;
}

function credentialsArnFor(ctx: ServiceContext, name: string): string {
  // Form of the AppFlow-managed secret, as in AWS's documented describe output:
  // arn:aws:secretsmanager:us-east-1:111122223333:secret:appflow!111122223333-sap-odata-connection
  return `arn:aws:secretsmanager:${ctx.region}:${ctx.accountId}:secret:appflow!${ctx.accountId}-${name}`;
}

interface ProfileConfig {
  connectorProfileProperties: Record<string, unknown>;
  connectorProfileCredentials?: unknown;
}

function storeCredentials(ctx: ServiceContext, profile: StoredProfile, credentials: unknown): void {
  if (credentials === undefined || credentials === null) return;
  ctx.store.credentials.set(profile.connectorProfileName, credentials);
  profile.credentialsDigest = digest(credentials);
  profile.credentialsArn = credentialsArnFor(ctx, profile.connectorProfileName);
}

/** Create without the token handling; also used for seeding. */
export function createProfile(ctx: ServiceContext, body: Record<string, unknown>): Record<string, unknown> {
  const name = body.connectorProfileName as string;
  if (ctx.store.profiles.has(name)) {
    throw new ApiError(409, 'ConflictException', `Connector profile with name ${name} already exists.`);
  }
  const quota = ctx.profileQuota();
  if (ctx.store.profiles.size >= quota) {
    throw new ApiError(
      402,
      'ServiceQuotaExceededException',
      `You have reached the limit of ${quota} connector profiles for this account. Delete connector profiles you no longer use, or request a quota increase.`,
    );
  }
  const config = body.connectorProfileConfig as ProfileConfig;
  const now = ctx.now();
  const profile: StoredProfile = {
    connectorProfileName: name,
    connectorProfileArn: `arn:aws:appflow:${ctx.region}:${ctx.accountId}:connectorprofile/${name}`,
    connectorType: body.connectorType as string,
    connectionMode: body.connectionMode as string,
    connectorProfileProperties: propertiesWithDefaults(config.connectorProfileProperties),
    createdAt: now,
    lastUpdatedAt: now,
  };
  if (typeof body.connectorLabel === 'string') profile.connectorLabel = body.connectorLabel;
  if (typeof body.kmsArn === 'string') profile.kmsArn = body.kmsArn;
  storeCredentials(ctx, profile, config.connectorProfileCredentials);
  ctx.store.putProfile(profile);
  ctx.changed();
  return { connectorProfileArn: profile.connectorProfileArn };
}

/** Runs `apply` once per (operation, clientToken, parameters) within the token lifetime. */
function idempotent(ctx: ServiceContext, operation: AppFlowOperation, body: Record<string, unknown>, apply: () => Record<string, unknown>): HandlerResult {
  const token = typeof body.clientToken === 'string' ? body.clientToken : undefined;
  const params = paramsDigest(body);
  const now = ctx.now();
  const replay = ctx.idempotency.lookup(operation, token, params, now);
  if (replay) return { body: replay, replayed: true };
  const response = apply();
  ctx.idempotency.record(operation, token, params, now, response);
  if (token !== undefined) ctx.changed();
  return { body: response };
}

export function createConnectorProfile(ctx: ServiceContext, body: Record<string, unknown>): HandlerResult {
  validateRequest(model(), `${NS}CreateConnectorProfileRequest`, body);
  return idempotent(ctx, 'CreateConnectorProfile', body, () => createProfile(ctx, body));
}

export function updateConnectorProfile(ctx: ServiceContext, body: Record<string, unknown>): HandlerResult {
  validateRequest(model(), `${NS}UpdateConnectorProfileRequest`, body);
  return idempotent(ctx, 'UpdateConnectorProfile', body, () => {
    const name = body.connectorProfileName as string;
    const existing = ctx.store.profiles.get(name);
    if (!existing) throw notFound(name);
    const config = body.connectorProfileConfig as ProfileConfig;
    // lastUpdatedAt always moves forward, even under a frozen test clock (inferred: a later write
    // never reports an earlier or equal time than the one before it).
    const updated: StoredProfile = {
      ...existing,
      connectionMode: body.connectionMode as string,
      connectorProfileProperties: propertiesWithDefaults(config.connectorProfileProperties),
      lastUpdatedAt: Math.max(ctx.now(), existing.lastUpdatedAt + 1),
    };
    storeCredentials(ctx, updated, config.connectorProfileCredentials);
    ctx.store.putProfile(updated);
    ctx.changed();
    return { connectorProfileArn: updated.connectorProfileArn };
  });
}

export function deleteConnectorProfile(ctx: ServiceContext, body: Record<string, unknown>): HandlerResult {
  validateRequest(model(), `${NS}DeleteConnectorProfileRequest`, body);
  const name = body.connectorProfileName as string;
  // forceDelete only matters for profiles used by flows; the emulator has no flows.
  if (!ctx.store.deleteProfile(name)) throw notFound(name);
  ctx.changed();
  return { body: {} };
}

function describeProfile(profile: StoredProfile): Record<string, unknown> {
  // Never credentials, never kmsArn: ConnectorProfile in the model has neither member.
  const out: Record<string, unknown> = {
    connectorProfileArn: profile.connectorProfileArn,
    connectorProfileName: profile.connectorProfileName,
    connectorType: profile.connectorType,
  };
  if (profile.connectorLabel !== undefined) out.connectorLabel = profile.connectorLabel;
  out.connectionMode = profile.connectionMode;
  if (profile.credentialsArn !== undefined) out.credentialsArn = profile.credentialsArn;
  out.connectorProfileProperties = profile.connectorProfileProperties;
  out.createdAt = epochSeconds(profile.createdAt);
  out.lastUpdatedAt = epochSeconds(profile.lastUpdatedAt);
  if (profile.connectionMode === 'Private') out.privateConnectionProvisioningState = { status: 'CREATED' };
  return out;
}

export function describeConnectorProfiles(ctx: ServiceContext, body: Record<string, unknown>): HandlerResult {
  validateRequest(model(), `${NS}DescribeConnectorProfilesRequest`, body);
  // An empty list counts as "no names provided" (documentation: "If no names or connector-types
  // are provided, returns all connector profiles"; inferred for the empty-list case).
  const requested = body.connectorProfileNames as string[] | undefined;
  const names = requested && requested.length > 0 ? requested : undefined;
  const connectorType = body.connectorType as string | undefined;
  const connectorLabel = body.connectorLabel as string | undefined;
  const pageSize = (body.maxResults as number | undefined) ?? DEFAULT_PAGE_SIZE;
  const filters = { names: names ? [...new Set(names)].sort() : null, connectorType: connectorType ?? null, connectorLabel: connectorLabel ?? null };
  const after =
    typeof body.nextToken === 'string'
      ? decodePageToken(body.nextToken, filters, () => new ApiError(400, 'ValidationException', 'Invalid nextToken provided.'))
      : undefined;

  const matches = (p: StoredProfile) =>
    (connectorType === undefined || p.connectorType === connectorType) && (connectorLabel === undefined || p.connectorLabel === connectorLabel);

  // Candidate names in pagination order: the requested names (sorted) or the account's sorted index.
  const ordered = filters.names ?? ctx.store.sortedProfileNames;
  let index = after === undefined ? 0 : lowerBound(ordered, after);
  if (after !== undefined && ordered[index] === after) index++;

  const page: Record<string, unknown>[] = [];
  let lastName: string | undefined;
  for (; index < ordered.length && page.length < pageSize; index++) {
    const profile = ctx.store.profiles.get(ordered[index]!);
    if (profile && matches(profile)) {
      page.push(describeProfile(profile));
      lastName = profile.connectorProfileName;
    }
  }
  // A token only when another matching profile exists, so the last page never carries one.
  let more = false;
  for (let i = index; i < ordered.length; i++) {
    const profile = ctx.store.profiles.get(ordered[i]!);
    if (profile && matches(profile)) {
      more = true;
      break;
    }
  }
  const response: Record<string, unknown> = { connectorProfileDetails: page };
  if (more && lastName !== undefined) response.nextToken = encodePageToken(lastName, filters);
  return { body: response };
}

export const APPFLOW_HANDLERS: Record<AppFlowOperation, (ctx: ServiceContext, body: Record<string, unknown>) => HandlerResult> = {
  CreateConnectorProfile: createConnectorProfile,
  UpdateConnectorProfile: updateConnectorProfile,
  DescribeConnectorProfiles: describeConnectorProfiles,
  DeleteConnectorProfile: deleteConnectorProfile,
};
