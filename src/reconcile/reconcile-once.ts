// One reconcile pass: load files → load state → observe and plan → execute → save state.
// Always returns a report: per-profile failures live in the outcomes, and a failure of the pass
// as a whole (state unreadable, AWS unreachable while observing) in `report.error`.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { restrictLoad } from '../desired/restrict-load.js';
import type { DirectoryStatus, Plan, TargetState } from '../model/types.js';
import { hasPendingChanges } from '../planner/plan-changes.js';
import { converged } from './converged.js';
import { buildPassReport, logPassFinished } from './pass-report.js';
import { executePlan } from './executor.js';
import { loadPassState, messageOf, passChangedState } from './pass-state.js';
import { preparePlan } from './prepare-plan.js';
import { PLAN_STALE_CODE, type ProfileOutcome, type ReconcileDeps, type ReconcileOptions, type ReconcileReport } from './types.js';
import { awsErrorCode } from './write-errors.js';
import { stateDigest } from '../model/json-digest.js';
import { describeInventoryEarly } from './early-describe.js';
import { resolveSecretsEarly } from './early-secrets.js';
import { phaseEnded } from './phase-boundary.js';
import { retireExpiredIntents } from './write-intents.js';
import { nameKeyed } from '../model/name-keyed.js';
import { IMPLICIT_TARGET_NAME } from '../config/target-settings.js';

function emptyPlan(target: string, warnings: string[]): Plan {
  return {
    target,
    changes: [],
    warnings,
    summary: { create: 0, update: 0, replace: 0, delete: 0, noop: 0, error: 0 },
  };
}

/** A failed state save, with a code the outcome can carry (`state.locked`, `state.save-failed`). */
export class StateSaveError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'StateSaveError';
  }
}

/**
 * Saves of the one in-memory snapshot, group-committed. A save in progress wrote the snapshot as it
 * was when that save STARTED, so a caller that mutated the state afterwards needs a later save:
 * every caller that arrives while a save runs shares the ONE save that starts right after it, which
 * serialises the state as it is at that moment (their mutations included). Each caller's promise
 * therefore still resolves only once its own change is on disk (an intent before its write goes
 * out; an inventory update before the pass reports it), but eight concurrent writes cost one
 * fsynced save per round instead of one each, and the state file is never written concurrently.
 */
export function groupCommitSaver(save: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  const run = (): Promise<void> => {
    const current = save()
      .catch((err: unknown) => {
        // No write may go out without its intent on disk: a failed save fails the write, clearly.
        const locked = err instanceof Error && err.name === 'StateLockedError';
        // The shared state's lease errors keep their code (lease.not-held, state.fenced): the
        // daemon does not back a profile off for a write refused because of leadership.
        const own = (err as { code?: unknown } | undefined)?.code;
        const code = locked ? 'state.locked' : typeof own === 'string' && /^(lease|state)\./.test(own) ? own : 'state.save-failed';
        throw new StateSaveError(code, `state not saved: ${messageOf(err)}`);
      })
      .finally(() => {
        if (running === current) running = undefined;
      });
    running = current;
    return current;
  };
  return () => {
    if (!running) return run();
    // A save is on its way to disk without this caller's change: join (or schedule) the next one.
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return run();
      });
    return queued;
  };
}

export async function reconcileOnce(deps: ReconcileDeps, options: ReconcileOptions): Promise<ReconcileReport> {
  const id = options.reconcileId ?? randomUUID();
  const now = deps.now ?? Date.now;
  const startedAt = new Date(now()).toISOString();
  const started = performance.now();
  const logger = deps.logger.child({ reconcileId: id, ...(deps.revision !== undefined ? { revision: deps.revision } : {}) });
  const warnings: string[] = [];
  let profilesDirectory: DirectoryStatus | undefined;
  const finish = (plan: Plan, outcomes: ProfileOutcome[], error?: ReconcileReport['error']): ReconcileReport => {
    // Not converged: a failure, or a write that a stop request kept from starting.
    const ok = !error && converged(plan, outcomes);
    // The plan and report say which revision of the profiles they were made from.
    if (deps.revision !== undefined) plan.revision = deps.revision;
    const report = buildPassReport({ id, revision: deps.revision, plan, outcomes, ok, startedAt, started, warnings: [...warnings, ...plan.warnings], error, profilesDirectory });
    logPassFinished(logger, report, { ok: 'reconcile finished', failed: 'reconcile finished with failures' });
    return report;
  };

  const passState = await loadPassState(deps.store, warnings);
  if (!passState.ok) return finish(emptyPlan(deps.target.key, []), [], passState.error);
  const { snapshot, hmacKey } = passState;
  // Saved at the end only when something changed: an unchanged pass leaves the state file alone
  // (and never overwrites a corrupt file the store could not read with an empty one for nothing).
  // Compared by its JSON (passChangedState): side by side with the store's untouched copy when it
  // kept one, else by the digest of its JSON, not the JSON (about 4 MB at 10,000 profiles;
  // json-digest.ts). The loaded snapshot's digest comes from the store when it knows it (the file
  // store's last parse); the plan memo needs it either way.
  const loadedDigest = passState.digest ?? stateDigest(snapshot);
  const state: TargetState = (snapshot.targets[deps.target.key] ??= { profiles: nameKeyed(), intents: nameKeyed() });
  const retired = retireExpiredIntents(state, now());
  if (retired.length > 0) logger.info({ event: 'intents.retired', profiles: retired }, 'retired expired write intents');

  let plan: Plan;
  try {
    // Described while the files load; preparePlan describes only the names the load adds.
    const early = describeInventoryEarly(deps.appflow, state);
    // Likewise the secrets the previous pass on this port read (src/reconcile/early-secrets.ts).
    const earlySecrets = resolveSecretsEarly(deps.secrets);
    // Imported here, not at the top: plan and apply load on a worker thread (deps.profileLoad), and
    // their main thread then never compiles the loader (the generated validator: 35-45 ms cold).
    const loaded = await (deps.profileLoad ? deps.profileLoad(logger) : (await import('../desired/load-profiles.js')).loadProfiles(deps.profilesDir, deps.loadOptions));
    phaseEnded();
    const load = deps.takesFile ? restrictLoad(loaded, deps.takesFile, deps.targetFiles) : loaded;
    profilesDirectory = load.directory;
    plan = await preparePlan(
      {
        target: deps.target,
        appflow: deps.appflow,
        secrets: deps.secrets,
        state,
        hmacKey,
        fingerprintScheme: deps.store.fingerprintScheme,
        ...(deps.policies ? { policies: deps.policies } : {}),
        // The state as loaded, unless retiring intents changed it: lets an unchanged pass reuse its plan.
        ...(retired.length === 0 ? { stateDigest: loadedDigest } : {}),
      },
      load,
      options,
      early,
      earlySecrets,
    );
  } catch (err) {
    // Nothing was observed, so nothing is written; the inventory stays as it was.
    const code = awsErrorCode(err);
    return finish(emptyPlan(deps.target.key, []), [], {
      code: code === 'UnknownError' ? 'observe.failed' : code,
      message: `could not read the current state: ${messageOf(err)}`,
    });
  }

  if (options.strict && plan.summary.error > 0) {
    return finish(plan, [], {
      code: 'strict',
      message: `--strict: ${plan.summary.error} profile${plan.summary.error === 1 ? '' : 's'} could not be planned (see the errors); nothing was written`,
    });
  }
  const refused = await options.verifyPlans?.([{ name: deps.target.name ?? IMPLICIT_TARGET_NAME, target: deps.target, plan, state }]);
  if (refused !== undefined) return finish(plan, [], { code: PLAN_STALE_CODE, message: refused });
  if (options.confirm && hasPendingChanges(plan) && !(await options.confirm(plan))) {
    return finish(plan, [], { code: 'cancelled', message: 'apply cancelled: nothing was written' });
  }

  const persist = groupCommitSaver(() => deps.store.save(snapshot));
  let outcomes: ProfileOutcome[];
  try {
    outcomes = await executePlan(
      plan,
      { writer: deps.appflow, state, persist, hmacKey, fingerprintScheme: deps.store.fingerprintScheme, now, logger },
      options,
    );
  } catch (err) {
    // Only invalid options get here (executePlan turns every profile's failure into an outcome).
    return finish(plan, [], { code: 'internal', message: messageOf(err) });
  }
  try {
    if (passChangedState(passState, loadedDigest)) await persist();
  } catch (err) {
    warnings.push(`state could not be saved: ${messageOf(err)}`);
    return finish(plan, outcomes, { code: err instanceof StateSaveError ? err.code : 'state.save-failed', message: messageOf(err) });
  }
  return finish(plan, outcomes);
}
