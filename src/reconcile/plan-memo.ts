// The daemon's previous plan, handed out again when nothing it was made from changed. The planner
// is pure (src/planner/plan-changes.ts): the same desired documents, observed profiles, inventory,
// credential resolutions and options always give the same plan. On a daemon's steady pass every one
// of those is the same as the pass before, and most are the very same objects: the parse cache's
// deep-frozen LoadResult (src/desired/load-memo.ts), the observed profiles made once per remembered
// answer (src/aws/remembered-reads.ts), the credential resolutions remembered per document
// (credential-memo.ts). The inventory is mutable, so it is compared by the digest of the state as
// loaded (the one the pass computes anyway to know whether to save). When all of them are the same,
// planning again would only rebuild an equal plan (about 1,000 changes compared field by field), so
// the remembered one is handed out instead.
//
// It is exact, not a cache with a lifetime: anything not the same object (or, for the state, not
// the same digest) plans afresh. A plan checked against policies is remembered only when it has no
// write: policies judge writes alone, and a policy may read `now`, so a write's verdict must be
// made again on every pass. Plans of `--names` or `--skip-credentials` (one-shot commands'
// options) are never remembered.
import { isDeepFrozen } from '../model/deep-frozen.js';
import { sameFrozenValues } from '../model/same-frozen-values.js';
import type { LoadResult, ObservedProfile, Plan, PlanOptions, FingerprintScheme, TargetKey } from '../model/types.js';
import { hasPendingChanges, type CredentialResolution } from '../planner/plan-changes.js';

/** Everything a plan is made from. */
export interface PlanSources {
  target: TargetKey;
  load: LoadResult;
  observed: readonly ObservedProfile[];
  /** By profile name, as preparePlan resolved them. */
  credentials: ReadonlyMap<string, CredentialResolution>;
  /** The digest of the state snapshot the plan read (src/model/json-digest.ts), taken before anything changed it. */
  stateDigest: string;
  options: PlanOptions;
  hmacKey: Buffer;
  scheme: FingerprintScheme;
  /** The plan's writes were checked against policies (src/policy/evaluate-policies.ts). */
  policiesChecked: boolean;
}

interface Remembered {
  sources: PlanSources;
  plan: Plan;
}

export class PlanMemo {
  /** Per AppFlow port (one per target): the last plan made, and what it was made from. */
  readonly #byPort = new WeakMap<object, Remembered>();

  /** The plan remembered for `port`, as a new plan over the same (frozen) changes, when `sources` are all the same. */
  reuse(port: object, sources: PlanSources): Plan | undefined {
    const last = this.#byPort.get(port);
    if (last === undefined || !sameSources(last.sources, sources)) return undefined;
    return handedOut(last.plan);
  }

  /**
   * Remembers `plan` as made from `sources`. Its changes are frozen (they are handed out to later
   * passes): everything that annotates a change (policies, secret versions) has run by now.
   */
  remember(port: object, sources: PlanSources, plan: Plan): void {
    if (!isRememberable(sources, plan)) {
      this.#byPort.delete(port);
      return;
    }
    for (const change of plan.changes) {
      Object.freeze(change.fields);
      Object.freeze(change);
    }
    this.#byPort.set(port, { sources, plan: handedOut(plan) });
  }
}

/**
 * A plan whose sources can be recognised again: a deep-frozen load (the load memo's; any other is
 * a new object every pass anyway) and only options a daemon's pass has (never `--names`); and,
 * when policies checked it, one without a write (a write's verdict may depend on `now`).
 */
function isRememberable(sources: PlanSources, plan: Plan): boolean {
  if (!isDeepFrozen(sources.load) || sources.options.names !== undefined) return false;
  return !sources.policiesChecked || !hasPendingChanges(plan);
}

/** A plan of its own (the caller may set its revision, add warnings) over the shared changes. */
function handedOut(plan: Plan): Plan {
  return { ...plan, changes: [...plan.changes], warnings: [...plan.warnings], summary: { ...plan.summary } };
}

function sameSources(last: PlanSources, now: PlanSources): boolean {
  return (
    last.load === now.load &&
    last.target === now.target &&
    last.stateDigest === now.stateDigest &&
    last.scheme === now.scheme &&
    last.policiesChecked === now.policiesChecked &&
    (last.hmacKey === now.hmacKey || last.hmacKey.equals(now.hmacKey)) &&
    sameOptions(last.options, now.options) &&
    sameItems(last.observed, now.observed) &&
    // Only frozen resolutions (remembered successes) count as the same.
    sameFrozenValues(last.credentials, now.credentials)
  );
}

function sameOptions(a: PlanOptions, b: PlanOptions): boolean {
  return a.names === undefined && b.names === undefined && a.prune === b.prune && a.allowEmpty === b.allowEmpty && a.maxDeletes === b.maxDeletes && a.credentialsOnUpdate === b.credentialsOnUpdate;
}

/** The same objects in the same order (observed profiles are frozen, one per remembered answer). */
function sameItems(a: readonly ObservedProfile[], b: readonly ObservedProfile[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] || !Object.isFrozen(b[i])) return false;
  return true;
}
