import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, withJitter } from '../../src/runtime/duration.js';
import { isIgnoredPath } from '../../src/runtime/ignore-rules.js';
import { parseListenAddress } from '../../src/server/listen-address.js';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['1.5s', 1500],
  ])('%s → %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['5', '', 'm', '5 minutes', '-5s', '5d', '1h 30m'])('rejects %j naming the value', (text) => {
    expect(() => parseDuration(text)).toThrow(`invalid duration "${text}"`);
  });

  it('formats for logs', () => {
    expect(formatDuration(300_000)).toBe('5m');
    expect(formatDuration(1500)).toBe('1.5s');
    expect(formatDuration(20)).toBe('20ms');
  });

  it('jitters within ±spread', () => {
    expect(withJitter(1000, 0.1, () => 0)).toBe(900);
    expect(withJitter(1000, 0.1, () => 0.5)).toBe(1000);
    for (let i = 0; i < 100; i++) {
      const v = withJitter(300_000, 0.1);
      expect(v).toBeGreaterThanOrEqual(270_000);
      expect(v).toBeLessThanOrEqual(330_000);
    }
  });
});

describe('parseListenAddress', () => {
  it.each([
    ['8080', undefined, 8080],
    [':8080', undefined, 8080],
    ['127.0.0.1:0', '127.0.0.1', 0],
    ['localhost:9000', 'localhost', 9000],
    ['[::1]:8080', '::1', 8080],
    ['0.0.0.0:80', '0.0.0.0', 80],
  ])('%s', (text, host, port) => expect(parseListenAddress(text)).toEqual({ host, port }));

  it.each(['', 'abc', '70000', 'host:', '::1:80', '1.2.3.4:99999'])('rejects %j', (text) => {
    expect(() => parseListenAddress(text)).toThrow('invalid listen address');
  });
});

describe('isIgnoredPath', () => {
  it.each([
    'profiles/.hidden.yaml',
    'profiles/.git',
    'profiles/a.yaml~',
    'profiles/.a.yaml.swp',
    'profiles/a.yaml.swp',
    'profiles/#a.yaml#',
    'profiles/.#a.yaml',
    'profiles/4913',
    'profiles/sedAb12Cd',
    'profiles/a.yaml.tmp',
    'profiles/a.yaml.bak',
    'profiles/a.yaml___jb_tmp___',
  ])('ignores %s', (p) => expect(isIgnoredPath(p)).toBe(true));

  it.each(['profiles/a.yaml', 'profiles/sub/b.yml', 'profiles/c.json', 'profiles/sub'])('keeps %s', (p) =>
    expect(isIgnoredPath(p)).toBe(false),
  );
});
