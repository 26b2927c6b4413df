// The one-shot commands' silent logger is not pino: it must still take every call the project
// makes on a Logger (levels, child, isLevelEnabled, flush) and write nothing anywhere.
import { describe, expect, it, vi } from 'vitest';
import { createSilentLogger as fromLogger } from '../../src/logging/logger.js';
import { createSilentLogger } from '../../src/logging/silent-logger.js';

describe('createSilentLogger', () => {
  it('takes every level, a child of a child, and writes nothing', () => {
    const writes: string[] = [];
    const capture = (chunk: string | Uint8Array) => writes.push(String(chunk)) > 0;
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    try {
      const logger = createSilentLogger();
      const child = logger.child({ target: 'prod' }).child({ profile: 'p' });
      for (const log of [logger, child]) {
        log.fatal('f');
        log.error({ err: new Error('boom') }, 'e');
        log.warn({ event: 'w' }, 'w');
        log.info('i');
        log.debug('d');
        log.trace('t');
        expect(log.isLevelEnabled('fatal')).toBe(false);
        expect(log.level).toBe('silent');
      }
      let flushed = false;
      logger.flush(() => (flushed = true));
      expect(flushed).toBe(true);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    expect(writes).toEqual([]);
  });

  it('is the one logger.ts hands out under the same name', () => {
    expect(fromLogger).toBe(createSilentLogger);
  });
});
