// The logger of a one-shot command that prints its own output (plan, apply without LOG_LEVEL,
// import): it drops every event. Written here rather than `pino({ level: 'silent' })` so that
// such a command does not load pino at all: pino (with sonic-boom, thread-stream, its redaction
// and Node's worker_threads) was about 8 ms of a 1,000-profile apply's start-up CPU profile, and
// its chunk is now loaded only by `run` and by a command given LOG_LEVEL (logger.ts).
import type { Logger } from 'pino';

const noop = (): void => undefined;

/** A logger that drops everything; its children are itself. */
export function createSilentLogger(): Logger {
  const silent = {
    level: 'silent',
    fatal: noop,
    error: noop,
    warn: noop,
    info: noop,
    debug: noop,
    trace: noop,
    silent: noop,
    child: () => silent,
    isLevelEnabled: () => false,
    bindings: () => ({}),
    setBindings: noop,
    flush: (callback?: (err?: Error) => void) => callback?.(),
  };
  // Only the members above exist: the project's code calls these (fatal..trace, child,
  // isLevelEnabled); test/logging/silent-logger.test.ts checks every one drops its event.
  return silent as unknown as Logger;
}
