// One reconcile pass over several targets (appflow-gitops.yaml): the profiles directory and the
// state are read once; each target then confirms its identity, plans its own files against its
// own account and region and writes with its own concurrency, side by side with a bound. A
// target that fails (role denied, wrong account, AWS unreachable) is reported for that target;
// the others converge. The planner never sees accounts: each target is one ordinary plan.
// As in the single-target pass, each target's plan and report carry the revision of the profiles,
// its planned writes are checked against the policies that apply to it (a denied write is not
// made, the rest proceed), and a caller is told when each target starts and finishes.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pLimit from 'p-limit';
import type { AwsTarget } from '../aws/ports.js';
import type { TargetAdapters } from '../aws/target-adapters.js';
import type { LoadOptions } from '../desired/load-profiles.js';
import { restrictLoad } from '../desired/restrict-load.js';
import type { Logger } from '../logging/logger.js';
import type { LoadResult, Plan, StateSnapshot, StateStore, TargetState } from '../model/types.js';
import type { PolicyCheck } from '../policy/evaluate-policies.js';
import { converged } from './converged.js';
import { executePlan } from './executor.js';
import { createPlanBarrier, type PlanBarrier } from './plan-barrier.js';
import { buildPassReport, logPassFinished } from './pass-report.js';
import { loadPassState, messageOf, passChangedState } from './pass-state.js';
import { preparePlan } from './prepare-plan.js';
import { groupCommitSaver, StateSaveError } from './reconcile-once.js';
import { PLAN_STALE_CODE, type ProfileOutcome, type ReconcileOptions, type ReconcileReport } from './types.js';
import { awsErrorCode } from './write-errors.js';
import { stateDigest } from '../model/json-digest.js';
import { describeInventoryEarly, type EarlyObservation } from './early-describe.js';
import { resolveSecretsEarly, type EarlySecrets } from './early-secrets.js';
import { phaseEnded } from './phase-boundary.js';
import { retireExpiredIntents } from './write-intents.js';

/**
 * Target passes at once in the daemon and target stores opened at once (shared state); each
 * target has its own write concurrency inside.
 */
export const TARGET_CONCURRENCY = 4;

/**
 * Targets of one multi-target pass (plan, apply) reconciled at once. A target's read side is one
 * Describe beside its BatchGetSecretValue calls, two round trips in a row: four at once made ten
 * targets wait on three waves of them, while all ten at once overlap one target's planning with
 * the others' reads (10 x 100 warm pass, interleaved A/B: see docs/benchmarks.md). More than ten
 * still go ten at a time, so a large fleet does not open a burst of connections per target.
 */
export const PASS_TARGET_CONCURRENCY = 10;

export interface TargetRun {
  name: string;
  adapters: TargetAdapters;
  /** Does this target take the profile file at this path (relative to the profiles directory)? */
  takes(relativePath: string): boolean;
  /** The path selectors `takes` stands for: named when they match no file (prune is then blocked). */
  paths?: readonly string[];
  /** State keys this target's inventory may have been stored under before (moved on first use). */
  legacyKeys?: readonly string[];
}

export interface TargetsDeps {
  profilesDir: string;
  loadOptions: LoadOptions;
  store: StateStore;
  logger: Logger;
  targets: readonly TargetRun[];
  now?: () => number;
  concurrency?: number;
  /** Git revision of the profiles read from `profilesDir`: carried by every target's plan and report and every log line. */
  revision?: string;
  /**
   * The policies a target's planned writes are checked against, given the target as identified
   * (account confirmed) and its configured name; none when absent or undefined.
   */
  policiesFor?: (target: AwsTarget, name: string) => PolicyCheck | undefined;
  /** Told as each target finishes (apply's notifications), in the order targets finish. */
  onTargetFinished?: (result: TargetReport) => void;
  /** The profiles, already being loaded from `profilesDir` with `loadOptions` (see ReconcileDeps.profileLoad). */
  profileLoad?: (passLogger: Logger) => Promise<LoadResult>;
}

export interface TargetReport {
  /** The target's configured name. */
  name: string;
  /** The target as identified (account and final state key once STS confirmed them). */
  target: AwsTarget;
  report: ReconcileReport;
}

export interface TargetsReport {
  targets: TargetReport[];
  ok: boolean;
  /** State problems shared by every target (warnings on load). */
  warnings: string[];
  /** A failure of the pass as a whole (state unreadable or not saved). */
  error?: { code: string; message: string };
  /** The profiles directory as loaded (callers check placement: files no target takes). */
  load?: LoadResult;
}

/** A read-only pass (plan): no state writes, no AWS writes. */
export interface TargetsPlanOptions {
  readOnly?: boolean;
  skipCredentials?: boolean;
}

function emptyPlan(target: string): Plan {
  return { target, changes: [], warnings: [], summary: { create: 0, update: 0, replace: 0, delete: 0, noop: 0, error: 0 } };
}

/** Moves a target's inventory from a key it had before targets existed (once, never twice). */
export function adoptLegacyState(snapshot: StateSnapshot, key: string, legacyKeys: readonly string[] = []): string | undefined {
  if (snapshot.targets[key] !== undefined) return undefined;
  const legacy = legacyKeys.find((candidate) => candidate !== key && snapshot.targets[candidate] !== undefined);
  if (legacy === undefined) return undefined;
  snapshot.targets[key] = snapshot.targets[legacy]!;
  delete snapshot.targets[legacy];
  return legacy;
}

export async function reconcileTargets(deps: TargetsDeps, options: ReconcileOptions & TargetsPlanOptions): Promise<TargetsReport> {
  const now = deps.now ?? Date.now;
  const warnings: string[] = [];
  const logger = deps.revision !== undefined ? deps.logger.child({ revision: deps.revision }) : deps.logger;
  const finished = (result: TargetReport): TargetReport => {
    deps.onTargetFinished?.(result);
    return result;
  };
  const passState = await loadPassState(deps.store, warnings);
  if (!passState.ok) {
    const error = passState.error;
    const targets = deps.targets.map((t) => finished(failed(t.name, t.adapters.target, error, now, deps.revision)));
    return { targets, ok: false, warnings, error };
  }
  const { snapshot, hmacKey } = passState;
  const loadedDigest = passState.digest ?? stateDigest(snapshot);
  // With a plan check, every target waits at the barrier for the others: all must be running at once.
  const concurrency = options.verifyPlans ? Math.max(1, deps.targets.length) : (deps.concurrency ?? PASS_TARGET_CONCURRENCY);
  const early = describeKnownInventories(deps.targets.slice(0, concurrency), snapshot);
  const earlySecrets = options.skipCredentials ? new Map<TargetRun, EarlySecrets>() : resolveKnownSecrets(deps.targets.slice(0, concurrency));
  // Imported here, as in reconcile-once.ts: with a worker's load the main thread never compiles the loader.
  const load = await (deps.profileLoad ? deps.profileLoad(logger) : (await import('../desired/load-profiles.js')).loadProfiles(deps.profilesDir, deps.loadOptions));
  phaseEnded();
  const persist = groupCommitSaver(() => deps.store.save(snapshot));

  const barrier = options.verifyPlans ? createPlanBarrier(deps.targets.map((t) => t.name), options.verifyPlans) : undefined;
  const limit = pLimit(concurrency);
  const shared: Shared = { snapshot, hmacKey, load, persist, now, logger, fingerprintScheme: deps.store.fingerprintScheme, revision: deps.revision, policiesFor: deps.policiesFor, barrier, early, earlySecrets };
  const reports = await Promise.all(deps.targets.map((run) => limit(async () => finished(await reconcileTarget(run, shared, options)))));

  let error: TargetsReport['error'];
  try {
    if (!options.readOnly && passChangedState(passState, loadedDigest)) await persist();
  } catch (err) {
    error = { code: err instanceof StateSaveError ? err.code : 'state.save-failed', message: messageOf(err) };
  }
  return { targets: reports, ok: !error && reports.every((r) => r.report.ok), warnings, load, ...(error ? { error } : {}) };
}

interface Shared {
  snapshot: StateSnapshot;
  hmacKey: Buffer;
  load: LoadResult;
  persist: () => Promise<void>;
  now: () => number;
  logger: Logger;
  fingerprintScheme: StateStore['fingerprintScheme'];
  revision: string | undefined;
  policiesFor: TargetsDeps['policiesFor'];
  /** Present when `options.verifyPlans` is: every target plans, then the check, then writes. */
  barrier: PlanBarrier | undefined;
  /** The inventories already being described, by target (describeKnownInventories). */
  early: ReadonlyMap<TargetRun, KnownInventory>;
  /** The secrets already being read, by target (resolveKnownSecrets). */
  earlySecrets: ReadonlyMap<TargetRun, EarlySecrets>;
}

interface KnownInventory {
  /** The state key the inventory was read under: used only by a target identified with this key. */
  key: string;
  observation: EarlyObservation;
}

/**
 * The inventory of each target whose account is already confirmed (every pass after the first of
 * a process, and the implicit target) is described while the profile files load, as the
 * single-target pass does (early-describe.ts): the answers arrive while this process stats and
 * reads the files. Only the targets that start at once (the first `concurrency`), so no answer waits
 * for a free slot. A target not yet identified confirms its account first, as before: no AppFlow
 * call is ever made for an account that was not confirmed. Nothing here changes the snapshot (a
 * legacy key's inventory is read where it is; reconcileTarget still moves it).
 */
function describeKnownInventories(targets: readonly TargetRun[], snapshot: StateSnapshot): Map<TargetRun, KnownInventory> {
  const early = new Map<TargetRun, KnownInventory>();
  for (const run of targets) {
    const target = run.adapters.identified?.();
    if (target === undefined) continue;
    const state = snapshot.targets[target.key] ?? run.legacyKeys?.map((key) => snapshot.targets[key]).find((s) => s !== undefined);
    const observation = state ? describeInventoryEarly(run.adapters.appflow, state) : undefined;
    if (observation) early.set(run, { key: target.key, observation });
  }
  return early;
}

/**
 * The secrets each target's previous pass read (src/reconcile/early-secrets.ts), sent while the
 * profile files load, as the single-target pass does: for the same targets as the early Describe
 * (account confirmed, among the first `concurrency`), so no read is made for an account that was
 * not confirmed. A target's first pass in a process has no previous list: nothing is sent early.
 */
function resolveKnownSecrets(targets: readonly TargetRun[]): Map<TargetRun, EarlySecrets> {
  const early = new Map<TargetRun, EarlySecrets>();
  for (const run of targets) {
    if (run.adapters.identified?.() === undefined) continue;
    const secrets = resolveSecretsEarly(run.adapters.secrets);
    if (secrets) early.set(run, secrets);
  }
  return early;
}

function failed(name: string, target: AwsTarget, error: { code: string; message: string }, now: () => number, revision: string | undefined, plan: Plan = emptyPlan(target.key)): TargetReport {
  if (revision !== undefined) plan.revision = revision;
  const report: ReconcileReport = { id: randomUUID(), ...(revision !== undefined ? { revision } : {}), plan, outcomes: [], ok: false, startedAt: new Date(now()).toISOString(), durationMs: 0, warnings: [], error };
  return { name, target, report };
}

function earlyFor(known: KnownInventory | undefined, key: string): EarlyObservation | undefined {
  return known !== undefined && known.key === key ? known.observation : undefined;
}

async function reconcileTarget(run: TargetRun, shared: Shared, options: ReconcileOptions & TargetsPlanOptions): Promise<TargetReport> {
  const started = performance.now();
  const startedAt = new Date(shared.now()).toISOString();
  const logger = shared.logger.child({ target: run.name });
  let target: AwsTarget;
  try {
    target = await run.adapters.identify();
  } catch (err) {
    const code = (err as { code?: string }).code ?? awsErrorCode(err) ?? 'target.failed';
    logger.warn({ event: 'target.failed', errorCode: code }, messageOf(err));
    await shared.barrier?.arrive({ name: run.name, target: run.adapters.target, error: messageOf(err) });
    return failed(run.name, run.adapters.target, { code, message: messageOf(err) }, shared.now, shared.revision);
  }
  const warnings: string[] = [];
  const moved = options.readOnly ? undefined : adoptLegacyState(shared.snapshot, target.key, run.legacyKeys);
  if (moved) warnings.push(`state: target ${run.name} now keeps its inventory under ${target.key} (moved from ${moved}, the key before targets)`);
  const existing = shared.snapshot.targets[target.key] ?? (options.readOnly ? run.legacyKeys?.map((k) => shared.snapshot.targets[k]).find((s) => s !== undefined) : undefined);
  const state: TargetState = options.readOnly ? structuredClone(existing ?? { profiles: {}, intents: {} }) : (shared.snapshot.targets[target.key] ??= { profiles: {}, intents: {} });
  if (!options.readOnly) retireExpiredIntents(state, shared.now());

  const policies = shared.policiesFor?.(target, run.name);
  let plan: Plan;
  try {
    plan = await preparePlan(
      {
        target,
        appflow: run.adapters.appflow,
        secrets: run.adapters.secrets,
        state,
        hmacKey: shared.hmacKey,
        fingerprintScheme: shared.fingerprintScheme,
        ...(options.skipCredentials ? { skipCredentials: true } : {}),
        ...(policies ? { policies } : {}),
      },
      restrictLoad(shared.load, (file) => run.takes(file), run.paths ? { name: run.name, paths: run.paths } : undefined),
      options,
      earlyFor(shared.early.get(run), target.key),
      shared.earlySecrets.get(run),
    );
  } catch (err) {
    const code = awsErrorCode(err) ?? 'observe.failed';
    await shared.barrier?.arrive({ name: run.name, target, error: messageOf(err) });
    return failed(run.name, target, { code: code === 'UnknownError' ? 'observe.failed' : code, message: `could not read the current state: ${messageOf(err)}` }, shared.now, shared.revision);
  }
  plan.warnings.unshift(...warnings);
  if (shared.revision !== undefined) plan.revision = shared.revision;
  const refused = await shared.barrier?.arrive({ name: run.name, target, plan, state });
  if (refused !== undefined) return failed(run.name, target, { code: PLAN_STALE_CODE, message: refused }, shared.now, shared.revision, plan);
  let outcomes: ProfileOutcome[] = [];
  if (!options.readOnly) {
    outcomes = await executePlan(plan, { writer: run.adapters.appflow, state, persist: shared.persist, hmacKey: shared.hmacKey, fingerprintScheme: shared.fingerprintScheme, now: shared.now, logger }, options);
  }
  const ok = converged(plan, outcomes);
  const report = buildPassReport({ id: randomUUID(), revision: shared.revision, plan, outcomes, ok, startedAt, started, warnings: plan.warnings, profilesDirectory: shared.load.directory });
  logPassFinished(logger, report, { ok: 'target reconciled', failed: 'target reconciled with failures' });
  return { name: run.name, target, report };
}
