// The logger's two formats: JSON unless asked (or a terminal), and the pretty stream still redacts.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, defaultLogFormat, type LogFormat } from '../../src/logging/logger.js';
import { Sensitive } from '../../src/model/sensitive.js';

const SENTINEL = 'SENTINEL-SECRET-log-format-5a7e';

function capture(format?: LogFormat, isTTY = false) {
  let text = '';
  const destination = Object.assign(new Writable({ write: (chunk, _enc, cb) => ((text += String(chunk)), cb()) }), { isTTY });
  return { logger: createLogger({ level: 'trace', destination, format }), read: () => text };
}

describe('log format', () => {
  it('defaults to pretty on a terminal and JSON elsewhere', () => {
    expect(defaultLogFormat({ isTTY: true })).toBe('pretty');
    expect(defaultLogFormat({ isTTY: false })).toBe('json');
    expect(defaultLogFormat({})).toBe('json');
    const piped = capture();
    piped.logger.info({ event: 'x' }, 'hello');
    expect(JSON.parse(piped.read())).toMatchObject({ msg: 'hello', event: 'x' });
    const tty = capture(undefined, true);
    tty.logger.info({ event: 'x' }, 'hello');
    expect(tty.read()).toContain('hello');
    expect(() => JSON.parse(tty.read())).toThrow();
  });

  it('pretty lines carry the fields on one line and redact credentials like JSON does', () => {
    const { logger, read } = capture('pretty');
    logger.info({ event: 'profile.reconciled', profile: 'dd', password: SENTINEL }, 'update dd: applied');
    logger.info({ request: { connectorProfileConfig: { connectorProfileCredentials: { Datadog: { apiKey: SENTINEL } } } } }, 'deep');
    logger.warn({ boxed: new Sensitive(SENTINEL) }, 'boxed');
    const text = read();
    expect(text).not.toContain(SENTINEL);
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/INFO.*update dd: applied.*"profile":"dd".*"password":"\[REDACTED\]"/);
  });
});
