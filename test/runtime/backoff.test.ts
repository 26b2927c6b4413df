import { describe, expect, it } from 'vitest';
import { ProfileBackoff } from '../../src/runtime/backoff.js';

const noJitter = () => 0.5; // withJitter(x, spread, () => 0.5) === x

describe('ProfileBackoff', () => {
  it('doubles the delay per consecutive failure up to the cap, and resets on success', () => {
    const backoff = new ProfileBackoff({ initialMs: 1000, maxMs: 5000, factor: 2, jitter: 0.1 }, noJitter);
    const delays = [1, 2, 3, 4, 5].map(() => backoff.recordFailure('a', { terminal: false }, 0).retryAt);
    expect(delays).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(backoff.blockedNames(4999)).toEqual(new Set(['a']));
    expect(backoff.blockedNames(5000)).toEqual(new Set());
    backoff.clear('a');
    expect(backoff.recordFailure('a', { terminal: false }, 0).retryAt).toBe(1000);
  });

  it('applies jitter within the configured spread', () => {
    const low = new ProfileBackoff({ initialMs: 1000, jitter: 0.1 }, () => 0).recordFailure('a', { terminal: false }, 0);
    const high = new ProfileBackoff({ initialMs: 1000, jitter: 0.1 }, () => 0.999999).recordFailure('a', { terminal: false }, 0);
    expect(low.retryAt).toBe(900);
    expect(high.retryAt).toBe(1100);
  });

  it('isolates profiles: one failing profile does not block another', () => {
    const backoff = new ProfileBackoff({ initialMs: 1000 }, noJitter);
    backoff.recordFailure('bad', { terminal: false }, 0);
    expect(backoff.blockedNames(10)).toEqual(new Set(['bad']));
    expect(backoff.get('good')).toBeUndefined();
  });

  it('holds a terminal failure until its input changes, with no timer', () => {
    const backoff = new ProfileBackoff({}, noJitter);
    backoff.recordFailure('a', { terminal: true, inputKey: 'k1' }, 0);
    expect(backoff.blockedNames(10 ** 12)).toEqual(new Set(['a']));
    expect(backoff.nextRetryAt(0)).toBeUndefined();
    expect(backoff.releaseIfInputChanged('a', 'k1')).toBe(false);
    expect(backoff.releaseIfInputChanged('a', 'k2')).toBe(true);
    expect(backoff.blockedNames(0)).toEqual(new Set());
  });

  it('reports the earliest finite retry time for the wake-up timer', () => {
    const backoff = new ProfileBackoff({ initialMs: 1000 }, noJitter);
    backoff.recordFailure('a', { terminal: false }, 500);
    backoff.recordFailure('b', { terminal: false }, 0);
    backoff.recordFailure('b', { terminal: false }, 0);
    backoff.recordFailure('c', { terminal: true }, 0);
    expect(backoff.nextRetryAt(0)).toBe(1500);
  });
});
