// pino logger factory. JSON on stdout, one event per decision. Redaction is configured here so
// that a credential which reaches a log call by mistake is censored rather than written.
import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths pino censors wherever they appear (credentials, secret values, tokens). */
export const REDACT_PATHS = [
  'connectorProfileCredentials',
  '*.connectorProfileCredentials',
  '*.*.connectorProfileCredentials',
  'credentials',
  '*.credentials',
  'SecretString',
  '*.SecretString',
  'secretString',
  '*.secretString',
  'clientSecret',
  '*.clientSecret',
  'password',
  '*.password',
];

export interface LoggerOptions {
  level?: string;
  /** Destination stream; defaults to stdout. Tests pass a stream to capture lines. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { service: 'appflow-gitops' },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    (options.destination ?? process.stdout) as pino.DestinationStream,
  );
}

/** A logger that drops everything (CLI one-shot commands that print their own output). */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
