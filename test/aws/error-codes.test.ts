import { describe, expect, it } from 'vitest';
import { awsErrorCode, describeAwsError, isRetryable, isTerminal, isUncertain } from '../../src/aws/error-codes.js';

// Shapes the SDK produces that the emulator cannot easily provoke; the common ones are exercised
// on real SDK errors in clients.test.ts.
describe('error classification of error shapes', () => {
  it('reads a "socket hang up" without a code as a connection reset', () => {
    const err = new Error('socket hang up');
    expect(awsErrorCode(err)).toBe('ECONNRESET');
    expect(isUncertain(err)).toBe(true);
    expect(isRetryable(err)).toBe(true);
  });

  it('follows the cause chain of wrapped network errors', () => {
    const err = new Error('request failed', { cause: Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }) });
    expect(awsErrorCode(err)).toBe('EPIPE');
    expect(isUncertain(err)).toBe(true);
  });

  it('never retries an abort', () => {
    const err = Object.assign(new Error('aborted'), { name: 'AbortError' });
    expect(isRetryable(err)).toBe(false);
    expect(isUncertain(err)).toBe(false);
  });

  it('treats DNS failures as retryable and certain', () => {
    const err = Object.assign(new Error('getaddrinfo EAI_AGAIN appflow.us-east-1.amazonaws.com'), { code: 'EAI_AGAIN' });
    expect(isRetryable(err)).toBe(true);
    expect(isUncertain(err)).toBe(false);
  });

  it('classifies by HTTP status when the code is unfamiliar', () => {
    const throttled = Object.assign(new Error('slow down'), { name: 'SomethingNew', $fault: 'client', $metadata: { httpStatusCode: 429 } });
    const server = Object.assign(new Error('oops'), { name: 'Weird', $fault: 'server', $metadata: { httpStatusCode: 502 } });
    expect(isRetryable(throttled)).toBe(true);
    expect(isRetryable(server)).toBe(true);
    expect(isTerminal(server)).toBe(false);
    expect(isUncertain(server)).toBe(false);
    expect(describeAwsError(server)).toBe('Weird (HTTP 502): oops');
  });

  it('handles non-errors', () => {
    expect(awsErrorCode(undefined)).toBeUndefined();
    expect(awsErrorCode('boom')).toBe('UnknownError');
    expect(isRetryable('boom')).toBe(false);
  });
});
