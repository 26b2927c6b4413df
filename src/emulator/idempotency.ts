// clientToken semantics of CreateConnectorProfile / UpdateConnectorProfile, as the model documents
// them: the same token with the same parameters within 8 hours returns the first response without
// applying again; the same token with different parameters is an error. Only successful calls are
// recorded (a failed call applied nothing, so retrying it must run it again — inferred).
import { createHash } from 'node:crypto';
import { ApiError } from './api-error.js';
import type { IdempotencyRecord } from './store.js';
import type { TokenMismatchError } from './types.js';

/** "The token is active for 8 hours." (model documentation of clientToken) */
export const TOKEN_LIFETIME_MS = 8 * 60 * 60 * 1000;

/** JSON with sorted keys, so parameter order never changes the digest. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function digest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/** The parameters a token is bound to: the whole request except the token itself. */
export function paramsDigest(body: Record<string, unknown>): string {
  const { clientToken: _ignored, ...params } = body;
  return digest(params);
}

export class IdempotencyRegistry {
  private insertsSincePurge = 0;

  constructor(
    private readonly records: Map<string, IdempotencyRecord>,
    private readonly mismatchError: () => TokenMismatchError,
  ) {}

  private key(operation: string, clientToken: string): string {
    return `${operation}\u0000${clientToken}`;
  }

  /**
   * The recorded response to replay, or undefined when the call must be applied.
   * Throws the configured error when the token was used with other parameters.
   */
  lookup(operation: string, clientToken: string | undefined, digestOfParams: string, now: number): Record<string, unknown> | undefined {
    if (clientToken === undefined) return undefined;
    const record = this.records.get(this.key(operation, clientToken));
    if (!record) return undefined;
    if (now - record.at >= TOKEN_LIFETIME_MS) {
      this.records.delete(this.key(operation, clientToken));
      return undefined;
    }
    if (record.paramsDigest !== digestOfParams) {
      const code = this.mismatchError();
      const status = code === 'ConflictException' ? 409 : 400;
      throw new ApiError(
        status,
        code,
        `The clientToken ${clientToken} was already used within the last 8 hours with different request parameters. Use a new clientToken for a different request.`,
      );
    }
    return record.response;
  }

  record(operation: string, clientToken: string | undefined, digestOfParams: string, now: number, response: Record<string, unknown>): void {
    if (clientToken === undefined) return;
    this.records.set(this.key(operation, clientToken), { operation, clientToken, paramsDigest: digestOfParams, at: now, response });
    if (++this.insertsSincePurge >= 1000) this.purgeExpired(now);
  }

  /** Drops expired records so memory stays bounded under long benchmarks (every SDK call carries a fresh token). */
  purgeExpired(now: number): void {
    this.insertsSincePurge = 0;
    for (const [key, record] of this.records) {
      if (now - record.at >= TOKEN_LIFETIME_MS) this.records.delete(key);
    }
  }
}
