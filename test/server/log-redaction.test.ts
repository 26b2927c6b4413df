import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED } from '../../src/logging/logger.js';
import { Sensitive } from '../../src/model/sensitive.js';

const SENTINEL = 'SENTINEL-SECRET-logger-3c9d';

function capture() {
  let text = '';
  const destination = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  return { logger: createLogger({ level: 'trace', destination }), read: () => text };
}

describe('logger redaction', () => {
  it('censors credential keys at the top level and nested up to two levels', () => {
    const { logger, read } = capture();
    logger.info({ password: SENTINEL }, 'top');
    logger.info({ request: { connectorProfileConfig: { connectorProfileCredentials: { Datadog: { apiKey: SENTINEL } } } } }, 'deep');
    logger.info({ secret: { SecretString: SENTINEL } }, 'secrets manager');
    logger.info({ profile: { Salesforce: { jwtToken: SENTINEL, clientSecret: SENTINEL } } }, 'members');
    logger.info({ headers: { authorization: `Bearer ${SENTINEL}` } }, 'header');
    logger.warn({ creds: { accessToken: SENTINEL, refreshToken: SENTINEL } }, 'oauth');
    const text = read();
    expect(text).not.toContain(SENTINEL);
    expect(text.match(new RegExp(`"${REDACTED.replace(/[[\]]/g, '\\$&')}"`, 'g'))!.length).toBeGreaterThanOrEqual(8);
  });

  it('prints a Sensitive box as [REDACTED] wherever it sits', () => {
    const { logger, read } = capture();
    logger.info({ anything: new Sensitive({ apiKey: SENTINEL }), list: [new Sensitive(SENTINEL)] }, 'boxed');
    expect(read()).not.toContain(SENTINEL);
    expect(read()).toContain('"anything":"[REDACTED]"');
  });

  it('logs errors as type, message and code, without a stack trace', () => {
    const { logger, read } = capture();
    const err = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    logger.error({ err }, 'failed');
    const line = JSON.parse(read().trim()) as { err: Record<string, unknown> };
    expect(line.err).toEqual({ type: 'Error', message: 'connect ECONNREFUSED', code: 'ECONNREFUSED' });
  });
});
