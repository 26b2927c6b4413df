// pino logger factory. JSON on stdout, one event per decision; on a terminal, the same events as
// pino-pretty lines (see `LogFormat`). Redaction is configured here so
// that a credential which reaches a log call by mistake is censored rather than written; the
// first line of defence is still that secret values travel only inside `Sensitive` boxes (which
// serialise as "[REDACTED]") and never get logged at all.
import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';
import type { build as PrettyBuild } from 'pino-pretty';

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

/** `json`: one JSON object per line (log shippers). `pretty`: one coloured human line per event. */
export type LogFormat = 'json' | 'pretty';
export const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty'];

export interface LoggerOptions {
  level?: string;
  /** Destination stream; defaults to stdout. Tests pass a stream to capture lines. */
  destination?: NodeJS.WritableStream;
  /** Defaults to `pretty` when the destination is a terminal, `json` otherwise (what pino users get from piping into pino-pretty). */
  format?: LogFormat;
}

/** The format used when none is asked for: pretty only for a human at a terminal. */
export function defaultLogFormat(destination: { isTTY?: boolean }): LogFormat {
  return destination.isTTY === true ? 'pretty' : 'json';
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
  const destination = options.destination ?? process.stdout;
  const format = options.format ?? defaultLogFormat(destination as { isTTY?: boolean });
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { service: 'appflow-gitops' },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: { err: serializeError, error: serializeError },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    (format === 'pretty' ? prettyDestination(destination) : destination) as pino.DestinationStream,
  );
}

/**
 * pino-pretty as an in-process stream, not a transport worker: pino serialises (and redacts) each
 * event first, so the pretty stream only ever sees the censored JSON, and a synchronous write
 * keeps the last lines before an exit. One line per event: the fields follow the message.
 */
function prettyDestination(destination: NodeJS.WritableStream): NodeJS.WritableStream {
  const tty = (destination as { isTTY?: boolean }).isTTY === true;
  // Loaded only when pretty lines are asked for: JSON runs (CI, containers, every one-shot command
  // that prints its own output) do not pay for loading it (about 18 ms of CPU at each start).
  const { build: prettyStream } = createRequire(import.meta.url)('pino-pretty') as { build: typeof PrettyBuild };
  return prettyStream({
    destination,
    sync: true,
    colorize: tty && !(process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== ''),
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service',
  });
}

/** A logger that drops everything (CLI one-shot commands that print their own output); pino-free, see silent-logger.ts. */
export { createSilentLogger } from './silent-logger.js';
