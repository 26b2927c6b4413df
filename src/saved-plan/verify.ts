// Is the saved plan still the plan? Compares what apply FILE found now (the flags it was given,
// the config and profile files, and each target's state, account, secret versions and fresh
// plan) with what the saved plan recorded, and names the first difference in one line. Pure.
import type { Plan } from '../model/types.js';
import type { PlannedTarget } from '../reconcile/types.js';
import { ABSENT, targetDigests } from './digest.js';
import type { PlanningFlags, SavedPlan, SavedTarget } from './format.js';

export interface CurrentInputs {
  flags: PlanningFlags;
  config: string | null;
  files: Record<string, string>;
}

const FLAG_NAMES: Record<keyof PlanningFlags, string> = {
  prune: '--prune',
  allowEmpty: '--allow-empty',
  allowReplace: '--allow-replace',
  maxDeletes: '--max-deletes',
  credentialsOnUpdate: '--credentials-on-update',
  names: '--names',
  targets: '--target',
  allowPlaintextCredentials: '--allow-plaintext-credentials',
};

/** The first planning flag that differs from the saved plan's, as one line; undefined when all agree. */
export function compareFlags(saved: PlanningFlags, now: PlanningFlags): string | undefined {
  for (const key of Object.keys(FLAG_NAMES) as (keyof PlanningFlags)[]) {
    const before = JSON.stringify(saved[key]);
    const after = JSON.stringify(now[key]);
    if (before !== after) return `${FLAG_NAMES[key]} was ${before} when planned and is ${after} now (give apply the flags plan was given)`;
  }
  return undefined;
}

/** The first input that differs (config file, then profile files), as one line. */
export function compareFiles(saved: SavedPlan['inputs'], now: Omit<CurrentInputs, 'flags'>): string | undefined {
  if (saved.config !== now.config) {
    return saved.config === null ? 'a config file was added' : now.config === null ? 'the config file was removed' : 'the config file changed';
  }
  return compareMaps(saved.files, now.files, (file, how) => `profile file ${file} ${PAST[how]}`);
}

/** The first difference in the planned targets (what each was planned against, then the plan), as one line. */
export function compareTargets(saved: readonly SavedTarget[], planned: readonly PlannedTarget[]): string | undefined {
  const byName = new Map(planned.map((p) => [p.name, p]));
  for (const target of saved) {
    const now = byName.get(target.name);
    if (!now) return `target ${target.name} is not in this run`;
    if (now.error !== undefined || !now.plan || !now.state) return `target ${target.name} could not be planned (${now.error ?? 'no plan'})`;
    if (now.target.key !== target.key) return `target ${target.name} is now ${now.target.key} (planned against ${target.key})`;
    const difference = compareTarget(target, { ...now, plan: now.plan, state: now.state });
    if (difference) return difference;
  }
  const extra = planned.find((p) => !saved.some((t) => t.name === p.name));
  return extra ? `target ${extra.name} was not in the plan` : undefined;
}

function compareTarget(saved: SavedTarget, now: PlannedTarget & { plan: Plan; state: NonNullable<PlannedTarget['state']> }): string | undefined {
  const digests = targetDigests(now);
  const where = `(target ${saved.name})`;
  return (
    compareMaps(saved.digests.state, digests.state, (name, how) => `the state's record of profile ${name} ${PAST[how]} ${where}`) ??
    compareObserved(saved.digests.observed, digests.observed, where) ??
    compareMaps(saved.digests.secrets, digests.secrets, (name, how) => `${SECRETS[how]} profile ${name} ${where}`) ??
    (saved.digests.plan !== digests.plan ? `the plan for target ${saved.name} is not the same any more` : undefined)
  );
}

const SECRETS: Record<Difference, string> = {
  changed: 'a secret has a new version (rotated) for',
  added: 'secrets are now read for',
  removed: 'secrets are no longer read for',
};

function compareObserved(saved: Record<string, string>, now: Record<string, string>, where: string): string | undefined {
  for (const name of union(saved, now)) {
    const before = saved[name];
    const after = now[name];
    if (before === after) continue;
    if (before === undefined || after === undefined) return `profile ${name} ${before === undefined ? 'is now' : 'is no longer'} in the plan ${where}`;
    if (before === ABSENT) return `profile ${name} now exists in the account ${where}`;
    if (after === ABSENT) return `profile ${name} is gone from the account ${where}`;
    return `profile ${name} changed in the account ${where}`;
  }
  return undefined;
}

type Difference = 'changed' | 'added' | 'removed';

/** The first key (in order) whose digest differs, described by `describe`. */
function compareMaps(saved: Record<string, string>, now: Record<string, string>, describe: (key: string, how: Difference) => string): string | undefined {
  for (const key of union(saved, now)) {
    const before = saved[key];
    const after = now[key];
    if (before === after) continue;
    return describe(key, before === undefined ? 'added' : after === undefined ? 'removed' : 'changed');
  }
  return undefined;
}

const PAST: Record<Difference, string> = { changed: 'changed', added: 'was added', removed: 'was removed' };

function union(a: Record<string, string>, b: Record<string, string>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}
