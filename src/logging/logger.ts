// pino logger factory. JSON on stdout, one event per decision. Redaction is configured here so
// that a credential which reaches a log call by mistake is censored rather than written; the
// first line of defence is still that secret values travel only inside `Sensitive` boxes (which
// serialise as "[REDACTED]") and never get logged at all.
import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Credential-bearing keys, as they appear in AppFlow requests (connectorProfileCredentials
 * members), Secrets Manager responses and our own objects. Censored at the top level and up to
 * two levels down (pino's redaction has no recursive wildcard).
 */
const SECRET_KEYS = [
  'connectorProfileCredentials',
  'credentials',
  'SecretString',
  'secretString',
  'SecretBinary',
  'clientSecret',
  'password',
  'accessToken',
  'refreshToken',
  'apiKey',
  'apiSecretKey',
  'applicationKey',
  'secretKey',
  'secretAccessKey',
  'jwtToken',
  'authCode',
  'authorization',
  'Authorization',
];

/** Paths pino censors wherever they appear (credentials, secret values, tokens). */
export const REDACT_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

export const REDACTED = '[REDACTED]';

export interface LoggerOptions {
  level?: string;
  /** Destination stream; defaults to stdout. Tests pass a stream to capture lines. */
  destination?: NodeJS.WritableStream;
}

/**
 * Errors are logged as type, message and code: no stack trace (users read these logs, and a
 * stack says nothing to them), unless APPFLOW_GITOPS_DEBUG=1.
 */
function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const code = (err as { code?: unknown }).code;
  return {
    type: err.name,
    message: err.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(process.env.APPFLOW_GITOPS_DEBUG === '1' && err.stack ? { stack: err.stack } : {}),
  };
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { service: 'appflow-gitops' },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: { err: serializeError, error: serializeError },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    (options.destination ?? process.stdout) as pino.DestinationStream,
  );
}

/** A logger that drops everything (CLI one-shot commands that print their own output). */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
