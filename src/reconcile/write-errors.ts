// How the executor classifies a failed write: the AWS adapter's classifiers (src/aws/error-codes.ts)
// plus the scrubbing of AWS messages before they reach an outcome, a log or the terminal.
import { awsErrorCode as classifyCode } from '../aws/error-codes.js';

export { isRetryable, isTerminal, isThrottling, isUncertain } from '../aws/error-codes.js';

/** The AWS error code (or Node network code); never undefined, so it can key metrics and outcomes. */
export function awsErrorCode(err: unknown): string {
  return classifyCode(err) ?? 'UnknownError';
}

interface ErrorLike {
  message?: string;
}

function asErrorLike(err: unknown): ErrorLike {
  return typeof err === 'object' && err !== null ? err : {};
}

/**
 * The service's message with every secret scrubbed. AWS's ValidationException echoes the failing
 * value (`Value 'x' at 'connectorProfileConfig.connectorProfileCredentials...'`), which for a
 * credential member IS the secret: values under connectorProfileCredentials are masked by shape,
 * and every string we sent as a credential is masked wherever it appears.
 */
export function safeErrorMessage(err: unknown, secretValues: readonly string[]): string {
  const e = asErrorLike(err);
  let message = e.message && e.message.length > 0 ? e.message : awsErrorCode(err);
  message = message.replace(
    /Value '(?:[^']|'(?! at '))*' at '(connectorProfileConfig\.connectorProfileCredentials[^']*)'/g,
    "Value '[REDACTED]' at '$1'",
  );
  // Longest first so a secret that contains another is masked whole.
  for (const secret of [...secretValues].sort((a, b) => b.length - a.length)) {
    if (secret.length >= 4) message = message.split(secret).join('[REDACTED]');
  }
  return message;
}
