// Executes a plan: one task per profile, writes bounded by p-limit, every write through
// write-runner (intent + token + p-retry), the inventory updated and state saved after each write
// so a crash loses at most the writes in flight. Never throws for a profile's failure: each change
// ends as exactly one ProfileOutcome, in plan order.
import { performance } from 'node:perf_hooks';
import pLimit from 'p-limit';
import { isDenied } from '../policy/evaluate-policies.js';
import { deniedText, POLICY_VIOLATION_CODE } from '../policy/violation-text.js';
import type { Logger } from '../logging/logger.js';
import type { ObservedProfile, Plan, PlannedChange } from '../model/types.js';
import { changeReason, fieldRecords } from '../planner/change-record.js';
import { diffConfiguration } from '../planner/diff.js';
import { forgetProfile, recordApplied, recordCreated, refreshSourceFile } from './inventory.js';
import { buildCreateRequest, buildDeleteRequest, buildUpdateRequest } from './request-builder.js';
import { resolveWriteRetry } from './retry-policy.js';
import type { ProfileOutcome, ReconcileOptions } from './types.js';
import { runCreate, runDelete, runUpdate, WriteFailure, type WriteContext, type WriteDeps, type WriteResult } from './write-runner.js';

/**
 * Concurrent writes when the caller does not say. Each write waits on two fsynced state saves (its
 * intent, then the inventory) besides its own round trip; group commit lets the writes in flight
 * share those saves, so more writers mean more writes per save. With 4, a loaded 2-core machine
 * managed about 58 creates/s unthrottled, too close to a 50/s limit to use it fully; 8 doubled that.
 */
export const DEFAULT_WRITE_CONCURRENCY = 8;

/** A delete that a prune guard blocked: the planner marks it, and it is reported without an AWS call. */
function isBlockedDelete(change: PlannedChange): boolean {
  return change.action === 'noop' && change.pruneBlocked === true;
}

/** The executor needs exactly what a single write needs; it adds retry settings and the signal per pass. */
export type ExecutorContext = WriteDeps;

type OutcomeBody = Omit<ProfileOutcome, 'name' | 'action' | 'durationMs' | 'source'>;

export async function executePlan(plan: Plan, ctx: ExecutorContext, options: ReconcileOptions): Promise<ProfileOutcome[]> {
  const concurrency = options.writeConcurrency ?? DEFAULT_WRITE_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`writeConcurrency must be a positive integer, got ${String(concurrency)}`);
  }
  const limit = pLimit(concurrency);
  const wctx: WriteContext = { ...ctx, retry: resolveWriteRetry(options.retry), signal: options.signal };
  const finish = (change: PlannedChange, started: number, body: OutcomeBody, ended = performance.now()): ProfileOutcome => {
    const outcome = outcomeOf(change, Math.round(ended - started), body);
    logDecision(ctx.logger, outcome, change);
    return outcome;
  };

  // A change without a write is settled right here (most of a pass: every no-op); only a write, or
  // a settle that changed the inventory and must save it, waits. Outcomes stay in plan order.
  const outcomes: ProfileOutcome[] = new Array<ProfileOutcome>(plan.changes.length);
  const waiting: Promise<void>[] = [];
  const changes = plan.changes;
  // One clock reading per settled change: each starts when the one before it ended (the loop
  // between them takes no measurable time), which halves the readings of a pass of no-ops.
  let clock = performance.now();
  for (let index = 0; index < changes.length; index++) {
    const change = changes[index]!;
    const started = clock;
    if (isWrite(change)) {
      waiting.push(
        limit(() => guardedWrite(change, wctx, options)).then((body) => {
          outcomes[index] = finish(change, started, body);
        }),
      );
    } else {
      let settled: SettledInMemory | undefined;
      try {
        settled = settleInMemory(change, wctx);
      } catch (err) {
        outcomes[index] = finish(change, started, internalFailure(err));
      }
      if (settled && !settled.save) {
        clock = performance.now();
        outcomes[index] = finish(change, started, settled.body, clock);
        continue;
      }
      if (settled) {
        const { body } = settled;
        waiting.push(
          ctx.persist().then(
            () => {
              outcomes[index] = finish(change, started, body);
            },
            (err: unknown) => {
              outcomes[index] = finish(change, started, internalFailure(err));
            },
          ),
        );
      }
    }
    clock = performance.now();
  }
  await Promise.all(waiting);
  return outcomes;
}

/**
 * The outcome of one change: name, action, the body's members, durationMs, then source. A no-op
 * (UNCHANGED, nearly every change of a daemon's pass) gets the same members written out, without
 * spreading objects.
 */
function outcomeOf(change: PlannedChange, durationMs: number, body: OutcomeBody): ProfileOutcome {
  const source = change.source;
  if (body === UNCHANGED) {
    return source
      ? { name: change.name, action: change.action, result: 'unchanged', attempts: 0, durationMs, source }
      : { name: change.name, action: change.action, result: 'unchanged', attempts: 0, durationMs };
  }
  return { name: change.name, action: change.action, ...body, durationMs, ...(source ? { source } : {}) };
}

function isWrite(change: PlannedChange): boolean {
  return change.action === 'create' || change.action === 'update' || change.action === 'replace' || change.action === 'delete';
}

function logDecision(logger: Logger, outcome: ProfileOutcome, change: PlannedChange): void {
  // A silent logger (the benchmarks, embedders) would drop the line: do not build it 1,000 times a pass.
  if (!logger.isLevelEnabled(outcome.result === 'failed' ? 'warn' : 'info')) return;
  // What an applied write changed, field by field (credentials only as "(sensitive)"); for drift,
  // `before` is the value found in the account.
  const applied = outcome.result === 'applied' && change.fields.length > 0;
  const reason = changeReason(change);
  const fields = {
    event: 'profile.reconciled',
    profile: outcome.name,
    action: outcome.action,
    result: outcome.result,
    attempts: outcome.attempts,
    durationMs: outcome.durationMs,
    ...(outcome.error ? { errorCode: outcome.error.code, error: outcome.error.message, terminal: outcome.error.terminal } : {}),
    ...(applied ? { reason, changes: fieldRecords(change.fields) } : {}),
  };
  if (outcome.result === 'failed') logger.warn(fields, `${outcome.action} ${outcome.name}: failed`);
  else logger.info(fields, `${outcome.action} ${outcome.name}: ${outcome.result}${applied ? ` (${reason === 'DriftCorrected' ? 'drift corrected: ' : ''}${change.fields.map((f) => f.path).join(', ')})` : ''}`);
}

interface SettledInMemory {
  body: OutcomeBody;
  /** The inventory changed: the outcome stands once the state is saved. */
  save: boolean;
}

/**
 * Plan entries that need no AWS write: errors, no-ops, adoptions, inventory clean-up. Synchronous:
 * the inventory is updated here, and the caller saves it when `save` says so.
 */
function settleInMemory(change: PlannedChange, ctx: WriteContext): SettledInMemory {
  if (change.action === 'error') {
    const code = change.diagnostics?.find((d) => d.severity === 'error')?.code ?? 'plan.error';
    return { save: false, body: { result: 'failed', attempts: 0, error: { code, message: change.reason ?? 'the plan reported an error', terminal: true } } };
  }
  const { state } = ctx;
  const pending = state.intents[change.name];
  let changed: boolean;
  if (change.forget) {
    forgetProfile(state, change.name);
    changed = true;
  } else if (change.adopt && change.desired) {
    // An earlier create of ours whose answer was lost shows up as an existing, unlisted profile.
    const origin = pending?.operation === 'create' ? 'created' : 'adopted';
    recordApplied(state, { change, origin, sentCredentials: false, nowMs: ctx.now() });
    changed = true;
  } else {
    changed = refreshSourceFile(state, change);
  }
  // The plan's Describe (this pass) shows the profile already as desired: a pending intent's write
  // landed or is moot, so it is confirmed and dropped.
  // A suspended profile was not brought to the document, so its pending write is still pending.
  if (pending && !isBlockedDelete(change) && !change.suspended) {
    delete state.intents[change.name];
    changed = true;
  }
  if (isBlockedDelete(change)) {
    return { save: changed, body: { result: 'blocked', attempts: 0, error: { code: 'prune.blocked', message: change.reason ?? 'prune skipped', terminal: false } } };
  }
  return changed ? SAVED_UNCHANGED : SETTLED_UNCHANGED;
}

/** A settled change that needed no write: shared (frozen), since outcomeOf copies its members. */
const UNCHANGED: OutcomeBody = Object.freeze({ result: 'unchanged', attempts: 0 });
const SETTLED_UNCHANGED: SettledInMemory = Object.freeze({ save: false, body: UNCHANGED });
const SAVED_UNCHANGED: SettledInMemory = Object.freeze({ save: true, body: UNCHANGED });

async function guardedWrite(change: PlannedChange, ctx: WriteContext, options: ReconcileOptions): Promise<OutcomeBody> {
  if (options.onlyNames && !options.onlyNames.has(change.name)) {
    return { result: 'skipped', attempts: 0 };
  }
  if (ctx.signal?.aborted) {
    return { result: 'skipped', attempts: 0, error: { code: 'aborted', message: 'not started: the reconcile was stopped', terminal: false } };
  }
  // A deny policy: the write is not made, whatever else the plan says (the others proceed).
  if (isDenied(change.policyViolations)) {
    return { result: 'blocked', attempts: 0, error: { code: POLICY_VIOLATION_CODE, message: deniedText(change.policyViolations ?? []), terminal: true } };
  }
  const tally: WriteTally = { attempts: 0, tokens: [] };
  try {
    return await executeWrite(change, ctx, options, tally);
  } catch (err) {
    if (err instanceof WriteFailure) {
      if (!err.intentKept && ctx.state.intents[change.name]?.clientToken === err.intent.clientToken) {
        delete ctx.state.intents[change.name];
        await ctx.persist().catch(() => undefined);
      }
      return {
        result: 'failed',
        attempts: tally.attempts + err.attempts,
        error: { code: err.code, message: err.message, terminal: err.terminal },
        inputDigest: err.intent.requestDigest,
        clientTokens: [...tally.tokens, err.intent.clientToken],
      };
    }
    return { ...internalFailure(err), attempts: tally.attempts, clientTokens: tally.tokens };
  }
}

/** Our own failure (state not writable or locked, a malformed plan entry): an outcome, never a stack trace. */
function internalFailure(err: unknown): OutcomeBody {
  const message = err instanceof Error ? err.message : String(err);
  const code = err instanceof Error && err.name === 'StateSaveError' ? (err as Error & { code: string }).code : 'internal';
  return { result: 'failed', attempts: 0, error: { code, message, terminal: false } };
}

interface WriteTally {
  attempts: number;
  tokens: string[];
  inputDigest?: string;
}

function track(tally: WriteTally, result: WriteResult): WriteResult {
  tally.attempts += result.attempts;
  tally.tokens.push(result.intent.clientToken);
  tally.inputDigest = result.intent.requestDigest;
  return result;
}

/** Drops the write's intent (it is confirmed) and saves the state with the inventory change. */
async function confirm(ctx: WriteContext, result: WriteResult, name: string): Promise<void> {
  if (ctx.state.intents[name]?.clientToken === result.intent.clientToken) delete ctx.state.intents[name];
  await ctx.persist();
}

async function executeWrite(
  change: PlannedChange,
  ctx: WriteContext,
  options: ReconcileOptions,
  tally: WriteTally,
): Promise<OutcomeBody> {
  const applied = (): OutcomeBody => ({
    result: 'applied',
    attempts: tally.attempts,
    inputDigest: tally.inputDigest,
    clientTokens: tally.tokens,
  });
  switch (change.action) {
    case 'create':
      return (await createProfile(change, ctx, tally)) ?? applied();
    case 'update':
      return (await updateProfile(change, ctx, tally)) ?? applied();
    case 'delete':
      await deleteProfile(change.name, ctx, tally);
      return applied();
    case 'replace':
      if (!options.allowReplace) {
        const fields = change.fields.filter((f) => f.forcesReplacement).map((f) => f.path);
        return {
          result: 'failed',
          attempts: 0,
          error: {
            code: 'replace.not-allowed',
            message: `${fields.join(', ') || 'a fixed field'} cannot be updated in place; the profile must be deleted and created again: pass --allow-replace to do so`,
            terminal: true,
          },
        };
      }
      // Delete then create, two intents in sequence. Once the delete is done the create follows
      // even if a stop was requested: leaving the profile deleted would be the worse half-state.
      await deleteProfile(change.name, ctx, tally);
      return (await createProfile(change, { ...ctx, signal: undefined }, tally)) ?? applied();
    default:
      throw new Error(`unexpected write action ${change.action}`);
  }
}

async function deleteProfile(name: string, ctx: WriteContext, tally: WriteTally): Promise<void> {
  const { forceDelete } = buildDeleteRequest(name);
  const result = track(tally, await runDelete(ctx, name, forceDelete));
  // Done or already missing: either way the profile is gone, so it leaves the inventory.
  forgetProfile(ctx.state, name);
  await confirm(ctx, result, name);
}

/** Returns an outcome only when it is not a plain success. */
async function createProfile(change: PlannedChange, ctx: WriteContext, tally: WriteTally): Promise<OutcomeBody | undefined> {
  const built = buildCreateRequest(change);
  const result = track(
    tally,
    await runCreate(ctx, {
      operation: 'create',
      name: change.name,
      request: built.request,
      secretValues: built.secretValues,
      credentialsFingerprint: change.credentialsFingerprint,
    }),
  );
  const { settled } = result;
  if (settled.kind === 'done' || (settled.kind === 'exists' && settled.ours)) {
    // Our create landed (confirmed by the answer, or by Describe after an uncertain attempt with
    // this token, which carried these credentials).
    recordCreated(ctx.state, change, built.sendsCredentials, ctx.now());
    await confirm(ctx, result, change.name);
    if (settled.kind === 'exists') {
      ctx.logger.info({ event: 'create.confirmed-by-describe', profile: change.name }, 'an uncertain create had landed');
      // Compare what landed with the document and correct it now (someone may have edited it
      // since); the credentials went with the create, so the update does not resend them.
      if (differsFromDocument(change, settled.observed)) return updateProfile({ ...change, credentials: undefined }, ctx, tally);
    }
    return undefined;
  }
  // Someone else created it between our Describe and our create: adopt it and bring it to the
  // document now (an update with a new token; it carries the credentials the create would have).
  ctx.logger.info({ event: 'create.conflict-adopt', profile: change.name }, 'profile appeared before create; adopting and updating');
  if (ctx.state.intents[change.name]?.clientToken === result.intent.clientToken) delete ctx.state.intents[change.name];
  return updateProfile({ ...change, adopt: true }, ctx, tally);
}

function differsFromDocument(change: PlannedChange, observed: ObservedProfile): boolean {
  const document = change.desired?.document;
  if (!document) return false;
  const diff = diffConfiguration(
    { connectionMode: document.connectionMode, properties: document.connectorProfileConfig?.connectorProfileProperties },
    { connectionMode: observed.connectionMode, properties: observed.properties },
  );
  return diff.fields.length > 0;
}

async function updateProfile(change: PlannedChange, ctx: WriteContext, tally: WriteTally): Promise<OutcomeBody | undefined> {
  const built = buildUpdateRequest(change);
  // A pending create intent means an earlier create of ours landed (its answer was lost).
  const origin = ctx.state.intents[change.name]?.operation === 'create' ? 'created' : 'adopted';
  const result = track(
    tally,
    await runUpdate(ctx, {
      operation: 'update',
      name: change.name,
      request: built.request,
      secretValues: built.secretValues,
      credentialsFingerprint: change.credentialsFingerprint,
    }),
  );
  if (result.settled.kind === 'missing') {
    await confirm(ctx, result, change.name);
    return {
      result: 'failed',
      attempts: tally.attempts,
      inputDigest: tally.inputDigest,
      clientTokens: tally.tokens,
      error: {
        code: 'ResourceNotFoundException',
        message: 'the profile disappeared before it could be updated; the next pass creates it',
        terminal: false,
      },
    };
  }
  recordApplied(ctx.state, { change, origin, sentCredentials: built.sendsCredentials, nowMs: ctx.now() });
  await confirm(ctx, result, change.name);
  return undefined;
}
