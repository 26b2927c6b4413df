// A short "what to check" for the AWS failures a newcomer meets first: no credentials, an endpoint
// variable pointing at the wrong place, no network. The SDK's own messages ("Could not load
// credentials from any providers", a bare "UnknownError" for an HTTP answer that is not AWS's)
// do not say which setting to look at.
import { awsErrorCode } from '../aws/error-codes.js';

const ENDPOINT_VARIABLES = ['AWS_ENDPOINT_URL_APPFLOW', 'AWS_ENDPOINT_URL_SECRETS_MANAGER', 'AWS_ENDPOINT_URL'];

/** The endpoint override in effect, for the message ("AWS_ENDPOINT_URL=http://..."), if any. */
function endpointSetting(env: NodeJS.ProcessEnv): string | undefined {
  const name = ENDPOINT_VARIABLES.find((n) => env[n] !== undefined && env[n] !== '');
  return name === undefined ? undefined : `${name}=${env[name]}`;
}

/**
 * The hint for an error code as the reconcile report or the SDK gives it (see awsErrorCode), or
 * undefined when the message already says enough (an AWS error such as AccessDeniedException).
 */
export function awsFailureHint(code: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const endpoint = endpointSetting(env);
  switch (code) {
    case 'CredentialsProviderError':
      return 'no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run with an IAM role (for the local emulator, any test credentials do)';
    // The SDK names an HTTP answer that carries no AWS error 'Unknown' (message 'UnknownError').
    case 'Unknown':
    case 'UnknownError':
      return endpoint
        ? `the endpoint answered, but not as AWS does: is ${endpoint} an AppFlow/Secrets Manager endpoint (e.g. appflow-gitops emulator)?`
        : 'the endpoint answered, but not as AWS does: is a proxy in the way?';
    case 'ECONNREFUSED':
      return endpoint ? `nothing is listening at ${endpoint} (is the emulator running?)` : undefined;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return endpoint ? `the host in ${endpoint} does not resolve` : 'the AWS endpoint does not resolve: no network or DNS, or a wrong AWS_REGION?';
    default:
      return undefined;
  }
}

/** `message`, followed by the hint for `err` when there is one. */
export function withAwsFailureHint(message: string, err: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const hint = awsFailureHint(awsErrorCode(err), env);
  return hint ? `${message}; ${hint}` : message;
}
