import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WRITE_RETRY,
  WRITE_SDK_MAX_ATTEMPTS,
  pRetryOptions,
  resolveWriteRetry,
  throttlePauseMs,
  writeRetryBudget,
} from '../../src/reconcile/retry-policy.js';

describe('write retry policy', () => {
  it('documents a budget of 6 attempts and at most 12.4 s of backoff per write', () => {
    expect(WRITE_SDK_MAX_ATTEMPTS).toBe(1);
    expect(writeRetryBudget()).toEqual({ attempts: 6, maxBackoffMs: 400 + 800 + 1600 + 3200 + 6400 });
    expect(DEFAULT_WRITE_RETRY.maxRetryTime).toBe(60_000);
  });

  it('pauses a throttled write 100 to 200 ms, up to 30 times (at most 6 s), without using a retry', () => {
    expect(DEFAULT_WRITE_RETRY).toMatchObject({ throttlePauseMs: 100, throttlePauses: 30 });
    expect(throttlePauseMs(DEFAULT_WRITE_RETRY, () => 0)).toBe(100);
    expect(throttlePauseMs(DEFAULT_WRITE_RETRY, () => 0.999)).toBe(200);
    expect(() => resolveWriteRetry({ throttlePauses: 1.5 })).toThrow(/retry\.throttlePauses/);
  });

  it('turns jitter on (p-retry defaults it off) and passes the abort signal', () => {
    const signal = new AbortController().signal;
    const options = pRetryOptions(DEFAULT_WRITE_RETRY, signal);
    expect(options.randomize).toBe(true);
    expect(options.signal).toBe(signal);
    expect(options.retries).toBe(5);
    expect(options.factor).toBe(2);
  });

  it('merges overrides and rejects nonsense naming the option', () => {
    expect(resolveWriteRetry({ minTimeout: 1, maxTimeout: 5 })).toMatchObject({ minTimeout: 1, maxTimeout: 5, retries: 5 });
    expect(() => resolveWriteRetry({ retries: -1 })).toThrow(/retry\.retries/);
    expect(() => resolveWriteRetry({ minTimeout: 10, maxTimeout: 5 })).toThrow(/retry\.maxTimeout/);
    expect(() => resolveWriteRetry({ factor: Number.NaN })).toThrow(/retry\.factor/);
  });
});
