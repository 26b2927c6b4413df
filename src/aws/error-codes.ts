// Classifies what the AWS SDK throws, so the executor can decide between retrying, giving up on
// one spec, and "Describe first" (the write may have happened). Works on the real SDK errors:
// service exceptions carry the AWS error code in `name` and the HTTP status in `$metadata`;
// network failures are plain Node errors with `code` (ECONNRESET...) or `name` TimeoutError.

const THROTTLING_CODES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'SlowDown',
]);

const SERVER_CODES = new Set(['InternalServerException', 'InternalServiceError', 'InternalFailure', 'ServiceUnavailable', 'ServiceUnavailableException']);

/** The request reached (or may have reached) the server, but no answer came back. */
const UNCERTAIN_NETWORK_CODES = new Set(['TimeoutError', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET']);

/** The request never left this machine: retrying is safe and nothing can have been written. */
const UNSENT_NETWORK_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

const TERMINAL_CODES = new Set(['ValidationException', 'ConnectorAuthenticationException']);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
}

function asErrorLike(err: unknown): ErrorLike | undefined {
  return typeof err === 'object' && err !== null ? err : undefined;
}

/** HTTP status of a service error, when a response arrived. */
export function awsHttpStatus(err: unknown): number | undefined {
  const status = asErrorLike(err)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

function isServiceError(e: ErrorLike): boolean {
  return e.$fault === 'client' || e.$fault === 'server' || awsHttpStatus(e) !== undefined;
}

function networkCode(e: ErrorLike, depth = 0): string | undefined {
  // The SDK's request timeout carries both name TimeoutError and code ETIMEDOUT: report the name.
  if (e.name === 'TimeoutError') return 'TimeoutError';
  if (typeof e.code === 'string' && (UNCERTAIN_NETWORK_CODES.has(e.code) || UNSENT_NETWORK_CODES.has(e.code))) return e.code;
  if (typeof e.message === 'string' && /socket hang up/i.test(e.message)) return 'ECONNRESET';
  const cause = asErrorLike(e.cause);
  return cause && depth < 5 ? networkCode(cause, depth + 1) : undefined;
}

/**
 * A short, stable code for metrics, logs and outcomes: the AWS error code for service errors
 * (e.g. ThrottlingException), the Node code for network errors (ECONNRESET), `TimeoutError`,
 * else the error's name. Undefined only for non-errors.
 */
export function awsErrorCode(err: unknown): string | undefined {
  const e = asErrorLike(err);
  if (!e) return err === undefined ? undefined : 'UnknownError';
  if (isServiceError(e) && typeof e.name === 'string' && e.name !== 'Error') return e.name;
  const net = networkCode(e);
  if (net) return net;
  if (typeof e.code === 'string') return e.code;
  if (typeof e.name === 'string') return e.name;
  return 'UnknownError';
}

export function isThrottling(err: unknown): boolean {
  const code = awsErrorCode(err);
  return awsHttpStatus(err) === 429 || (code !== undefined && THROTTLING_CODES.has(code));
}

/** Worth another attempt: throttling, server faults (5xx), network failures and timeouts. */
export function isRetryable(err: unknown): boolean {
  const e = asErrorLike(err);
  if (!e || e.name === 'AbortError') return false;
  if (isThrottling(err)) return true;
  const status = awsHttpStatus(err);
  if (status !== undefined && status >= 500) return true;
  const code = awsErrorCode(err);
  if (code !== undefined && SERVER_CODES.has(code)) return true;
  return networkCode(e) !== undefined;
}

/** Retrying the same request cannot help: the spec or the secret has to change first. */
export function isTerminal(err: unknown): boolean {
  const code = awsErrorCode(err);
  return code !== undefined && TERMINAL_CODES.has(code);
}

/**
 * The request may have been applied even though no answer arrived (connection reset or timeout
 * after sending). A create in this state must be followed by a Describe before deciding. A
 * refused connection or DNS failure is not uncertain: nothing was sent. A 5xx answer is treated
 * as retryable rather than uncertain; retries reuse the clientToken, which makes that safe.
 */
export function isUncertain(err: unknown): boolean {
  const e = asErrorLike(err);
  if (!e || isServiceError(e)) return false;
  const net = networkCode(e);
  return net !== undefined && !UNSENT_NETWORK_CODES.has(net);
}

/** A one-line description safe for logs and outcomes (AWS's message, never request data). */
export function describeAwsError(err: unknown): string {
  const code = awsErrorCode(err) ?? 'UnknownError';
  const e = asErrorLike(err);
  const message = typeof e?.message === 'string' && e.message !== '' ? e.message : undefined;
  const status = awsHttpStatus(err);
  return `${code}${status !== undefined ? ` (HTTP ${status})` : ''}${message && message !== code ? `: ${message}` : ''}`;
}
