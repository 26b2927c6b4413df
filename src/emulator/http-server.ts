// The wire layer: routes restJson1 (AppFlow), awsJson1_1 (Secrets Manager) and awsQuery (STS)
// requests to the handlers, picks the account and region partition from the SigV4 scope and the
// access key, applies injected faults, renders errors in each protocol's form, and logs every
// call. Signatures are not checked (the SDK signs with any credentials; see SPEC.md).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './api-error.js';
import { APPFLOW_HANDLERS, APPFLOW_ROUTES } from './appflow-operations.js';
import { credentialScope } from './caller.js';
import type { HandlerResult, ServiceContext } from './context.js';
import type { Faults } from './faults.js';
import type { Partitions } from './partitions.js';
import { parseForm, queryError, queryResponse } from './query-protocol.js';
import type { RequestLog } from './request-log.js';
import { SECRETS_HANDLERS, SECRETS_OPERATIONS, type SecretsOperation } from './secrets-operations.js';
import { assumeRole, getCallerIdentity, STS_OPERATIONS, type StsCaller, type StsDeps } from './sts-operations.js';
import type { RequestLogEntry } from './types.js';

const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface WireDeps {
  partitions: Partitions;
  sts: StsDeps;
  faults: Faults;
  log: RequestLog;
  /** Handles /__emulator/... requests. */
  admin(method: string, path: string, body: unknown): { status: number; body: unknown };
}

type Service = 'appflow' | 'secretsmanager' | 'sts';

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJsonObject(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'SerializationException', 'The request body is not valid JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ApiError(400, 'SerializationException', 'The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: unknown, requestId = randomUUID()): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(text).toString(), 'x-amzn-requestid': requestId });
  res.end(text);
}

function sendError(res: ServerResponse, service: Service, error: ApiError): void {
  if (service === 'sts') {
    const requestId = randomUUID();
    send(res, error.status, { 'content-type': 'text/xml' }, queryError(error.status, error.code, error.message, requestId), requestId);
  } else if (service === 'appflow') {
    // restJson1: the SDK reads the error type from this header; the body carries only the message.
    send(res, error.status, { 'content-type': 'application/json', 'x-amzn-errortype': error.code }, { message: error.message });
  } else {
    send(res, error.status, { 'content-type': 'application/x-amz-json-1.1' }, { __type: error.code, message: error.message });
  }
}

function asApiError(err: unknown, service: Service): ApiError {
  if (err instanceof ApiError) return err;
  // Never leak internals (or request content) in a 500: a fixed message, as AWS does.
  if (service === 'sts') return new ApiError(500, 'InternalFailure', 'An internal error occurred.');
  return service === 'appflow'
    ? new ApiError(500, 'InternalServerException', 'An internal error occurred.')
    : new ApiError(500, 'InternalServiceError', 'An error occurred on the server side.');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Which service and operation a request addresses, or undefined for an unknown route. STS
 * (awsQuery) names its operation in the form body, so its operation is '' here.
 */
function route(req: IncomingMessage, path: string): { service: Service; operation: string } | undefined {
  if (req.method !== 'POST') return undefined;
  const appflowOperation = APPFLOW_ROUTES[path];
  if (appflowOperation) return { service: 'appflow', operation: appflowOperation };
  const target = req.headers['x-amz-target'];
  if (path === '/' && typeof target === 'string' && target.startsWith('secretsmanager.')) {
    return { service: 'secretsmanager', operation: target.slice('secretsmanager.'.length) };
  }
  const contentType = req.headers['content-type'] ?? '';
  if (path === '/' && target === undefined && contentType.startsWith('application/x-www-form-urlencoded')) return { service: 'sts', operation: '' };
  return undefined;
}

/** The caller's account: the role's for keys AssumeRole issued, the emulator's default for any other. */
function callerOf(deps: WireDeps, accessKeyId: string | undefined): StsCaller {
  const session = deps.sts.sessions.find(accessKeyId);
  const accountId = deps.sts.sessions.accountOf(accessKeyId) ?? deps.partitions.defaultAccountId;
  return { accountId, ...(accessKeyId !== undefined ? { accessKeyId } : {}), ...(session ? { session } : {}) };
}

function runSts(deps: WireDeps, caller: StsCaller, operation: string, params: Record<string, string>): HandlerResult {
  if (operation === 'AssumeRole') return { body: assumeRole(deps.sts, caller, params) };
  if (operation === 'GetCallerIdentity') return { body: getCallerIdentity(caller) };
  throw new ApiError(400, 'InvalidAction', `Could not find operation ${operation} for version 2011-06-15`);
}

function logFields(service: Service, body: Record<string, unknown>): Partial<RequestLogEntry> {
  if (service === 'appflow') {
    const fields: Partial<RequestLogEntry> = {};
    if (typeof body.clientToken === 'string') fields.clientToken = body.clientToken;
    if (typeof body.connectorProfileName === 'string') fields.profileName = body.connectorProfileName;
    if (typeof body.forceDelete === 'boolean') fields.forceDelete = body.forceDelete;
    return fields;
  }
  const ids = typeof body.SecretId === 'string' ? [body.SecretId] : Array.isArray(body.SecretIdList) ? body.SecretIdList.filter((x) => typeof x === 'string') : undefined;
  const fields: Partial<RequestLogEntry> = ids ? { secretIds: ids } : {};
  if (typeof body.ClientRequestToken === 'string') fields.clientToken = body.ClientRequestToken;
  return fields;
}

function runHandler(ctx: ServiceContext, service: 'appflow' | 'secretsmanager', operation: string, body: Record<string, unknown>): HandlerResult {
  if (service === 'appflow') return APPFLOW_HANDLERS[operation as keyof typeof APPFLOW_HANDLERS](ctx, body);
  if (!(SECRETS_OPERATIONS as readonly string[]).includes(operation)) {
    throw new ApiError(400, 'UnknownOperationException', `The emulator does not implement secretsmanager.${operation}.`);
  }
  return SECRETS_HANDLERS[operation as SecretsOperation](ctx, body);
}

export function createRequestListener(deps: WireDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(deps, req, res).catch(() => {
      if (!res.headersSent) send(res, 500, { 'content-type': 'application/json' }, { message: 'An internal error occurred.' });
      else res.destroy();
    });
  };
}

async function handle(deps: WireDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  let text: string;
  try {
    text = await readBody(req);
  } catch (err) {
    if (err instanceof BodyTooLarge) send(res, 413, { 'content-type': 'application/json' }, { message: 'Request body too large.' });
    return;
  }

  if (path.startsWith('/__emulator/')) {
    let body: unknown;
    try {
      body = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      send(res, 400, { 'content-type': 'application/json' }, { error: 'body is not valid JSON' });
      return;
    }
    const result = deps.admin(req.method ?? 'GET', path, body);
    send(res, result.status, { 'content-type': 'application/json' }, result.body);
    return;
  }

  const target = route(req, path);
  if (!target) {
    send(res, 404, { 'content-type': 'application/json', 'x-amzn-errortype': 'UnknownOperationException' }, { message: `No operation at ${req.method} ${path}.` });
    return;
  }
  const { service } = target;
  let operation = target.operation;
  const scope = credentialScope(req.headers.authorization);
  const caller = callerOf(deps, scope?.accessKeyId);
  const region = scope?.region ?? deps.partitions.defaultRegion;
  const entry: RequestLogEntry = { service, operation, status: 0, at: deps.sts.now(), accountId: caller.accountId, region };

  let response: { status: number; body: Record<string, unknown> } | undefined;
  let failure: ApiError | undefined;
  try {
    let body: Record<string, unknown>;
    if (service === 'sts') {
      const params = parseForm(text);
      operation = params.Action ?? '';
      entry.operation = operation;
      if (typeof params.RoleArn === 'string') entry.roleArn = params.RoleArn;
      if (!(STS_OPERATIONS as readonly string[]).includes(operation)) {
        throw operation === '' ? new ApiError(400, 'MissingAction', 'Missing Action') : new ApiError(400, 'InvalidAction', `Could not find operation ${operation} for version 2011-06-15`);
      }
      body = params;
    } else {
      body = parseJsonObject(text);
      Object.assign(entry, logFields(service, body));
    }
    deps.log.arrived(entry);
    const delay = deps.faults.latencyFor(operation);
    if (delay > 0) await sleep(delay);
    if (!deps.faults.admit(operation)) {
      throw service === 'sts' ? new ApiError(400, 'Throttling', 'Rate exceeded') : new ApiError(429, 'ThrottlingException', 'Rate exceeded');
    }
    const injected = deps.faults.takeFailure(operation);
    if (injected) throw new ApiError(injected.status, injected.code, injected.message ?? `Injected ${injected.code}`);
    if (caller.session && deps.sts.now() >= caller.session.expiresAt) {
      throw new ApiError(service === 'sts' ? 400 : 403, service === 'sts' ? 'ExpiredToken' : 'ExpiredTokenException', 'The security token included in the request is expired');
    }
    const result = service === 'sts'
      ? runSts(deps, caller, operation, body as Record<string, string>)
      : runHandler(deps.partitions.get(caller.accountId, region), service, operation, body);
    if (result.replayed) entry.replayed = true;
    response = { status: 200, body: result.body };
  } catch (err) {
    failure = asApiError(err, service);
  }

  entry.status = failure ? failure.status : 200;
  if (failure) entry.errorCode = failure.code;
  if (deps.faults.takeDrop(operation)) {
    // The call was applied (or failed) as usual; the client never hears about it.
    entry.dropped = true;
    deps.log.add(entry);
    req.socket.destroy();
    return;
  }
  deps.log.add(entry);
  if (failure) sendError(res, service, failure);
  else if (service === 'sts') {
    const requestId = randomUUID();
    send(res, 200, { 'content-type': 'text/xml' }, queryResponse(operation, response!.body, requestId), requestId);
  } else {
    const contentType = service === 'appflow' ? 'application/json' : 'application/x-amz-json-1.1';
    send(res, 200, { 'content-type': contentType }, response!.body);
  }
}
