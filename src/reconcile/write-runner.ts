// Runs ONE write (create, update or delete) with its persisted intent and p-retry.
//
// Every attempt of the write carries the intent's clientToken. A create whose outcome is uncertain
// (lost answer, timeout, 5xx, or a token reused from a previous process) is settled by a Describe
// by name before it is sent again: AppFlow names are unique, so "it exists now" means it landed.
import { setTimeout as sleep } from 'node:timers/promises';
import pRetry, { AbortError } from 'p-retry';
import type { AppFlowPort } from '../aws/ports.js';
import type { Logger } from '../logging/logger.js';
import type { FingerprintScheme, ObservedProfile, TargetState, WriteIntent, WriteOperation } from '../model/types.js';
import { pRetryOptions, throttlePauseMs } from './retry-policy.js';
import type { WriteRetrySettings } from './types.js';
import { awsErrorCode, isRetryable, isTerminal, isThrottling, isUncertain, safeErrorMessage } from './write-errors.js';
import { chooseIntent, requestDigest } from './write-intents.js';

/** What every write needs from its caller (the executor passes its own context through). */
export interface WriteDeps {
  /** Port for writes and for the Describe that settles an uncertain create. */
  writer: AppFlowPort;
  /** The target's state, mutated in place. */
  state: TargetState;
  /** Saves the whole state snapshot; must be safe to call concurrently (the caller serialises). */
  persist: () => Promise<void>;
  hmacKey: Buffer;
  /**
   * The state's fingerprint scheme (default 'value'). With 'secret-version' (shared state) the
   * request digest of an intent covers the credentials' fingerprint instead of their values, so
   * the stored digest is derived from no secret value (docs/state.md).
   */
  fingerprintScheme?: FingerprintScheme;
  now: () => number;
  logger: Logger;
}

export interface WriteContext extends WriteDeps {
  retry: WriteRetrySettings;
  signal?: AbortSignal;
}

export interface WriteSpec<Req extends object> {
  operation: WriteOperation;
  name: string;
  /** The request without clientToken. */
  request: Req;
  /** Credential strings in the request, scrubbed from any error message. */
  secretValues: string[];
  /** Fingerprint of the credentials in the request (the plan's), for the 'secret-version' digest. */
  credentialsFingerprint?: string;
}

export type WriteSettled =
  /** The service confirmed the write. */
  | { kind: 'done' }
  /** Create only: the profile exists. `ours` when an attempt of THIS token may have landed it. */
  | { kind: 'exists'; observed: ObservedProfile; ours: boolean }
  /** Update/delete only: ResourceNotFoundException. */
  | { kind: 'missing' };

export interface WriteResult {
  settled: WriteSettled;
  attempts: number;
  intent: WriteIntent;
  reusedToken: boolean;
}

/** A write that did not settle; `intentKept` tells whether its token stays for the next pass. */
export class WriteFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly terminal: boolean,
    readonly attempts: number,
    readonly intent: WriteIntent,
    readonly intentKept: boolean,
  ) {
    super(message);
    this.name = 'WriteFailure';
  }
}

interface AttemptTracker {
  attempts: number;
  /** A previous attempt with this token may have been applied. */
  uncertain: boolean;
}

/** Persists the intent, then runs `attempt` under p-retry until it settles or the budget runs out. */
async function runWithIntent<Req extends object>(
  ctx: WriteContext,
  spec: WriteSpec<Req>,
  attempt: (token: string, tracker: AttemptTracker) => Promise<WriteSettled>,
): Promise<WriteResult> {
  const digested = ctx.fingerprintScheme === 'secret-version' ? credentialsAsFingerprint(spec.request, spec.credentialsFingerprint) : spec.request;
  const digest = requestDigest(ctx.hmacKey, spec.operation, digested);
  const { intent, reused } = chooseIntent(
    ctx.state.intents[spec.name],
    { operation: spec.operation, name: spec.name, requestDigest: digest },
    ctx.now(),
  );
  ctx.state.intents[spec.name] = intent;
  await ctx.persist();
  const log = ctx.logger.child({ profile: spec.name, operation: spec.operation, clientToken: intent.clientToken });
  if (reused) log.info({ event: 'intent.reused', intentCreatedAt: intent.createdAt }, 'reusing the pending write intent');

  const tracker: AttemptTracker = { attempts: 0, uncertain: reused };
  const stop = stopBetweenAttempts(ctx.signal);
  // Throttled attempts that paused briefly instead of using a retry (see retry-policy.ts).
  let pauses = 0;
  let paused = false;
  try {
    const settled = await pRetry(() => stop.guard(() => attempt(intent.clientToken, tracker)), {
      ...pRetryOptions(ctx.retry, stop.signal),
      shouldRetry: ({ error }) => isRetryable(error),
      shouldConsumeRetry: () => !paused,
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        if (isUncertain(error)) tracker.uncertain = true;
        log.warn(
          { event: 'write.attempt-failed', attempt: attemptNumber, retriesLeft, errorCode: awsErrorCode(error), retryable: isRetryable(error) },
          'write attempt failed',
        );
        paused = isThrottling(error) && pauses < ctx.retry.throttlePauses;
        if (paused) {
          pauses += 1;
          // A stop request ends the pause at once; p-retry then sees the aborted signal.
          await sleep(throttlePauseMs(ctx.retry), undefined, stop.signal ? { signal: stop.signal } : {}).catch(() => undefined);
        }
      },
    });
    return { settled, attempts: tracker.attempts, intent, reusedToken: reused };
  } catch (err) {
    const aborted = ctx.signal?.aborted === true && !isServiceRejection(err);
    const code = aborted ? 'aborted' : awsErrorCode(err);
    const message = aborted
      ? 'abandoned: the reconcile was stopped; the write intent stays in state and is resumed next pass'
      : safeErrorMessage(err, spec.secretValues);
    // A definite rejection (4xx) means nothing was applied: forget the token. Anything that may
    // have landed keeps its intent, so the next pass reuses the token (or Describes, for a create).
    const intentKept = aborted || tracker.uncertain || isRetryable(err);
    throw new WriteFailure(code, message, !aborted && isTerminal(err), tracker.attempts, intent, intentKept);
  } finally {
    stop.dispose();
  }
}

/**
 * The request with its credential values replaced by their fingerprint. A secret-version
 * fingerprint names exactly one value per reference (a secret version is immutable), so equal
 * digests still mean equal requests.
 */
function credentialsAsFingerprint(request: object, fingerprint: string | undefined): object {
  const config = (request as { connectorProfileConfig?: Record<string, unknown> }).connectorProfileConfig;
  if (!config || config.connectorProfileCredentials === undefined) return request;
  return {
    ...request,
    connectorProfileConfig: { ...config, connectorProfileCredentials: { fingerprint: fingerprint ?? 'none' } },
  };
}

/**
 * A stop request must never discard a write that succeeded: p-retry checks its signal after a
 * successful attempt and would throw the result away. So p-retry gets an inner signal that is
 * aborted only BETWEEN attempts (during a backoff wait, or once a failed attempt returns); an
 * attempt in flight always finishes and its answer is kept. No new attempt starts after a stop.
 */
function stopBetweenAttempts(outer: AbortSignal | undefined) {
  const inner = new AbortController();
  let attempting = false;
  const onAbort = () => {
    if (!attempting) inner.abort(outer?.reason);
  };
  outer?.addEventListener('abort', onAbort);
  return {
    signal: outer ? inner.signal : undefined,
    async guard<T>(run: () => Promise<T>): Promise<T> {
      if (outer?.aborted) throw new AbortError(abortReason(outer));
      attempting = true;
      try {
        return await run();
      } catch (err) {
        if (outer?.aborted) inner.abort(outer.reason);
        throw err;
      } finally {
        attempting = false;
      }
    },
    dispose() {
      outer?.removeEventListener('abort', onAbort);
    },
  };
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('the reconcile was stopped');
}

function isServiceRejection(err: unknown): boolean {
  return typeof err === 'object' && err !== null && '$metadata' in err;
}

async function describeOne(writer: AppFlowPort, name: string): Promise<ObservedProfile | undefined> {
  const found = await writer.describeByNames([name]);
  return found.find((profile) => profile.name === name);
}

/** Thrown inside an attempt when a ConflictException could not be settled by Describe; retryable. */
class ConflictUnresolved extends Error {
  readonly $metadata = { httpStatusCode: 503 };
  constructor(name: string) {
    super(`CreateConnectorProfile reported that "${name}" exists, but Describe does not show it yet`);
    this.name = 'ConflictUnresolved';
  }
}

export function runCreate<Req extends object>(ctx: WriteContext, spec: WriteSpec<Req>): Promise<WriteResult> {
  return runWithIntent(ctx, spec, async (clientToken, tracker) => {
    if (tracker.uncertain) {
      // Settle the previous attempt before sending again: never create blindly after a lost answer.
      const observed = await describeOne(ctx.writer, spec.name);
      if (observed) return { kind: 'exists', observed, ours: true };
    }
    tracker.attempts += 1;
    try {
      await ctx.writer.create({ ...spec.request, clientToken } as unknown as Parameters<AppFlowPort['create']>[0]);
      return { kind: 'done' };
    } catch (err) {
      if (awsErrorCode(err) !== 'ConflictException') throw err;
      // "It exists": resolve by Describe, not by failing. It is not ours: a retry of our own
      // landed create with the same token would have been answered with the original success.
      const observed = await describeOne(ctx.writer, spec.name);
      if (observed) return { kind: 'exists', observed, ours: false };
      throw new ConflictUnresolved(spec.name);
    }
  });
}

export function runUpdate<Req extends object>(ctx: WriteContext, spec: WriteSpec<Req>): Promise<WriteResult> {
  return runWithIntent(ctx, spec, async (clientToken, tracker) => {
    tracker.attempts += 1;
    try {
      await ctx.writer.update({ ...spec.request, clientToken } as unknown as Parameters<AppFlowPort['update']>[0]);
      return { kind: 'done' };
    } catch (err) {
      if (awsErrorCode(err) === 'ResourceNotFoundException') return { kind: 'missing' };
      throw err;
    }
  });
}

export function runDelete(ctx: WriteContext, name: string, forceDelete: boolean): Promise<WriteResult> {
  const spec: WriteSpec<{ connectorProfileName: string; forceDelete: boolean }> = {
    operation: 'delete',
    name,
    request: { connectorProfileName: name, forceDelete },
    secretValues: [],
  };
  return runWithIntent(ctx, spec, async (_token, tracker) => {
    tracker.attempts += 1;
    try {
      await ctx.writer.delete(name, forceDelete);
      return { kind: 'done' };
    } catch (err) {
      // Already gone counts as done: the goal is absence.
      if (awsErrorCode(err) === 'ResourceNotFoundException') return { kind: 'missing' };
      throw err;
    }
  });
}
