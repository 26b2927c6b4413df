// Builds the AppFlow write requests from a planned change. This is the ONLY place that reveals
// resolved credentials: the request objects it returns go straight to the write adapter and to the
// keyed request digest, never to a log, a plan or the state file.
import type { CreateConnectorProfileRequest, UpdateConnectorProfileRequest } from '@aws-sdk/client-appflow';
import type { PlannedChange } from '../model/types.js';

export interface BuiltRequest<T> {
  /** The request without clientToken (the executor adds the intent's token). */
  request: Omit<T, 'clientToken'>;
  /** Every credential string sent, so error messages can be scrubbed of them. */
  secretValues: string[];
  /** True when credentials are part of the request (their fingerprint is recorded on success). */
  sendsCredentials: boolean;
}

type Document = NonNullable<PlannedChange['desired']>['document'];

function requireDocument(change: PlannedChange): Document {
  if (!change.desired) throw new Error(`planned ${change.action} of "${change.name}" has no desired document`);
  return change.desired.document;
}

/** Credentials as revealed from the plan's Sensitive box, or undefined when none are sent. */
function revealCredentials(change: PlannedChange): Record<string, unknown> | undefined {
  const revealed = change.credentials?.reveal();
  return revealed && Object.keys(revealed).length > 0 ? structuredClone(revealed) : undefined;
}

function collectStrings(value: unknown, out: string[]): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => collectStrings(v, out));
  else if (value !== null && typeof value === 'object') Object.values(value).forEach((v) => collectStrings(v, out));
  return out;
}

function profileConfig(document: Document, credentials: Record<string, unknown> | undefined) {
  const properties = structuredClone(document.connectorProfileConfig?.connectorProfileProperties ?? {});
  return credentials
    ? { connectorProfileProperties: properties, connectorProfileCredentials: credentials }
    : { connectorProfileProperties: properties };
}

/** CreateConnectorProfile: the document's API members plus the resolved credentials. */
export function buildCreateRequest(change: PlannedChange): BuiltRequest<CreateConnectorProfileRequest> {
  const document = requireDocument(change);
  const credentials = revealCredentials(change);
  const request: Omit<CreateConnectorProfileRequest, 'clientToken'> = {
    connectorProfileName: change.name,
    connectorType: document.connectorType,
    connectionMode: document.connectionMode,
    connectorProfileConfig: profileConfig(document, credentials) as CreateConnectorProfileRequest['connectorProfileConfig'],
  };
  if (document.connectorLabel !== undefined) request.connectorLabel = document.connectorLabel;
  if (document.kmsArn !== undefined) request.kmsArn = document.kmsArn;
  return { request, secretValues: collectStrings(credentials, []), sendsCredentials: credentials !== undefined };
}

/**
 * UpdateConnectorProfile: only connectionMode and connectorProfileConfig can change. Credentials
 * are included only when the plan carries them (changed or unknown); omitted ones are kept by AWS.
 */
export function buildUpdateRequest(change: PlannedChange): BuiltRequest<UpdateConnectorProfileRequest> {
  const document = requireDocument(change);
  const credentials = revealCredentials(change);
  const request: Omit<UpdateConnectorProfileRequest, 'clientToken'> = {
    connectorProfileName: change.name,
    connectionMode: document.connectionMode,
    connectorProfileConfig: profileConfig(document, credentials) as UpdateConnectorProfileRequest['connectorProfileConfig'],
  };
  keepIgnoredAsObserved(request, change);
  return { request, secretValues: collectStrings(credentials, []), sendsCredentials: credentials !== undefined };
}

const PROPERTIES_PREFIX = 'connectorProfileConfig.connectorProfileProperties';

/**
 * lifecycle.ignoreChanges on an update: UpdateConnectorProfile replaces the whole configuration, so
 * an ignored field is sent as the account has it (Terraform's ignore_changes keeps the remote
 * value the same way), or left out when the account has none.
 */
function keepIgnoredAsObserved(request: Omit<UpdateConnectorProfileRequest, 'clientToken'>, change: PlannedChange): void {
  const observed = change.observed;
  const paths = change.desired?.lifecycle?.ignoreChanges ?? [];
  if (!observed || paths.length === 0) return;
  for (const path of paths) {
    if (path === 'connectionMode') request.connectionMode = observed.connectionMode as UpdateConnectorProfileRequest['connectionMode'];
    if (path !== PROPERTIES_PREFIX && !path.startsWith(`${PROPERTIES_PREFIX}.`)) continue;
    const segments = path === PROPERTIES_PREFIX ? [] : path.slice(PROPERTIES_PREFIX.length + 1).split('.');
    const config = request.connectorProfileConfig as { connectorProfileProperties: Record<string, unknown> };
    if (segments.length === 0) {
      config.connectorProfileProperties = structuredClone(observed.properties);
      continue;
    }
    setOrDelete(config.connectorProfileProperties, segments, valueAt(observed.properties, segments));
  }
}

function valueAt(root: unknown, segments: readonly string[]): unknown {
  let node = root;
  for (const segment of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return structuredClone(node);
}

function setOrDelete(root: Record<string, unknown>, segments: readonly string[], value: unknown): void {
  let node = root;
  for (const segment of segments.slice(0, -1)) {
    const next = node[segment];
    if (next === null || typeof next !== 'object') {
      if (value === undefined) return;
      node[segment] = {};
    }
    node = node[segment] as Record<string, unknown>;
  }
  const last = segments[segments.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/** DeleteConnectorProfile never forces: a profile still used by a flow is reported, not torn out from under it. */
export function buildDeleteRequest(name: string): { connectorProfileName: string; forceDelete: boolean } {
  return { connectorProfileName: name, forceDelete: false };
}
