// "Is AWS reachable?" for /readyz, judged from the AWS calls the daemon makes anyway (no extra
// probe call, no extra IAM permission). A call that AWS answered, even with a service error such
// as ResourceNotFoundException, proves reachability; a network failure, a timeout, a 5xx or a
// credentials failure means the daemon cannot do its job right now.
import type { AwsCallObserver } from '../aws/ports.js';

const UNREACHABLE_CODES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'NetworkingError',
  'InternalServerException',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'CredentialsProviderError',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ExpiredTokenException',
  'UnknownError',
]);

export function isUnreachableCode(code: string): boolean {
  // Node socket errors (ECONNREFUSED, ECONNRESET, ETIMEDOUT, ENOTFOUND, EAI_AGAIN, EPIPE, ...).
  return UNREACHABLE_CODES.has(code) || /^E[A-Z_]+$/.test(code);
}

export class AwsReachability {
  /** undefined until the first call. */
  reachable: boolean | undefined;
  lastError: { service: string; operation: string; code: string; at: number } | undefined;

  constructor(private readonly now: () => number) {}

  readonly observe: AwsCallObserver = (call) => {
    if (call.errorCode === 'AbortError') return; // our own shutdown, says nothing about AWS
    if (call.errorCode !== undefined && isUnreachableCode(call.errorCode)) {
      this.reachable = false;
      this.lastError = { service: call.service, operation: call.operation, code: call.errorCode, at: this.now() };
    } else {
      this.reachable = true;
    }
  };
}
