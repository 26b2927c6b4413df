import { inspect } from 'node:util';

/**
 * A box for a secret value (resolved credentials). Its only way out is `reveal()`, which the
 * AWS adapter calls when it builds a request. Serialisers that walk objects (JSON.stringify, pino,
 * util.inspect, template strings) see "[REDACTED]" instead, so a plan, a log line or a state file
 * that accidentally includes the box cannot leak what is inside.
 */
export class Sensitive<T> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  reveal(): T {
    return this.#value;
  }

  toJSON(): string {
    return '[REDACTED]';
  }

  toString(): string {
    return '[REDACTED]';
  }

  [inspect.custom](): string {
    return '[REDACTED]';
  }
}
