// The daemon's pass over the files a watch event named (issue 17): it reads only those files,
// describes only their profiles (one batched call), resolves only their secrets, and writes what
// they changed, with the same planner, executor, intents and state saves as a full pass
// (reconcile-once.ts). A full pass over 1,000 files reads every file and describes every profile
// to apply one edit; this reads one file and describes one profile.
//
// It only runs where its answer is the full pass's answer for those profiles. Anything it cannot
// be sure of sends the daemon to a full pass instead (the returned `fullPassBecause`): the
// directory itself changed (a git-sync link swap), a changed path is gone, is a link or is not a
// plain file (a delete, a rename, a directory swap), a profile left a changed file or moved in
// from another file (its old name would be a delete, its name a possible duplicate), a changed
// file failed last time (the full pass owns its diagnostics and the prune guard), or the read
// of AWS failed. Pruning stays with full passes: a partial plan never holds a delete.
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { loadProfiles } from '../desired/load-profiles.js';
import { restrictLoad } from '../desired/restrict-load.js';
import { nameKeyed } from '../model/name-keyed.js';
import type { LoadResult, TargetState } from '../model/types.js';
import { converged } from '../reconcile/converged.js';
import { executePlan } from '../reconcile/executor.js';
import { loadPassState, messageOf } from '../reconcile/pass-state.js';
import { preparePlan } from '../reconcile/prepare-plan.js';
import { groupCommitSaver } from '../reconcile/reconcile-once.js';
import { buildPassReport, logPassFinished } from '../reconcile/pass-report.js';
import type { ReconcileDeps, ReconcileOptions, ReconcileReport } from '../reconcile/types.js';

/** What the daemon knows when it asks for a pass over changed files (from its earlier passes). */
export interface ChangedFiles {
  /** Paths relative to the profiles directory, as the watcher reported them. */
  files: readonly string[];
  /** Profile name → the file it was read from, as of the daemon's last passes. */
  sourceFiles: ReadonlyMap<string, string>;
  /** Files that held a profile that could not be planned last time (a parse error, an invalid document). */
  failingFiles: ReadonlySet<string>;
  /** True when every profile outside these files converged in the daemon's last passes: the report's `ok` covers them too. */
  othersConverged: boolean;
}

/** A report of a pass over some files only: `scope` names them; profiles outside them were not looked at. */
export interface PartialReport extends ReconcileReport {
  scope: { files: string[] };
}

/** What a full pass needs (ReconcileDeps), less the declared target's paths: a partial pass never prunes. */
export type PartialPassDeps = Omit<ReconcileDeps, 'targetFiles'>;

export type PartialPassResult = { report: PartialReport } | { fullPassBecause: string };

export async function reconcileChangedFiles(deps: PartialPassDeps, options: ReconcileOptions, changed: ChangedFiles): Promise<PartialPassResult> {
  const started = performance.now();
  const now = deps.now ?? Date.now;
  const startedAt = new Date(now()).toISOString();
  // Every path is checked, the target's or not: a removed directory above its files (`prod` for
  // paths `prod/`) is a change of this target too.
  const uncertain = await whyNotPartial(deps.profilesDir, changed.files, changed.failingFiles);
  if (uncertain !== undefined) return { fullPassBecause: uncertain };
  const files = changed.files.filter((file) => !deps.takesFile || deps.takesFile(file));
  if (files.length === 0) return { fullPassBecause: 'no changed file is one of this target\'s files' };

  const loaded = await loadProfiles(deps.profilesDir, { ...deps.loadOptions, onlyFiles: new Set(files) });
  if (loaded.directory !== 'ok') return { fullPassBecause: `the profiles directory is ${loaded.directory}` };
  const load = deps.takesFile ? restrictLoad(loaded, deps.takesFile) : loaded;
  const names = namesIn(load);
  const moved = movedProfile(names, new Set(files), changed.sourceFiles);
  if (moved !== undefined) return { fullPassBecause: moved };

  const id = options.reconcileId ?? randomUUID();
  const logger = deps.logger.child({ reconcileId: id, ...(deps.revision !== undefined ? { revision: deps.revision } : {}) });
  const warnings: string[] = [];
  const passState = await loadPassState(deps.store, warnings);
  if (!passState.ok) return { fullPassBecause: passState.error.message };
  const { snapshot, hmacKey } = passState;
  const state: TargetState = (snapshot.targets[deps.target.key] ??= { profiles: nameKeyed(), intents: nameKeyed() });
  // The planner and executor see only these profiles' inventory and intents; every change they
  // make is copied into the whole state before each save, so an intent is on disk before its write.
  const view = stateView(state, names);
  const copyBack = () => {
    for (const name of names) {
      copyEntry(view.profiles, state.profiles, name);
      copyEntry(view.intents, state.intents, name);
    }
  };
  let plan;
  try {
    plan = await preparePlan(
      { target: deps.target, appflow: deps.appflow, secrets: deps.secrets, state: view, hmacKey, fingerprintScheme: deps.store.fingerprintScheme, ...(deps.policies ? { policies: deps.policies } : {}) },
      load,
      options,
    );
  } catch (err) {
    // Nothing was written; the full pass reads again and reports the failure as a pass failure.
    return { fullPassBecause: `could not read the current state: ${messageOf(err)}` };
  }
  if (plan.changes.some((change) => change.action === 'delete' || change.action === 'replace')) {
    return { fullPassBecause: 'a profile of the changed files is to be deleted or replaced' };
  }
  if (deps.revision !== undefined) plan.revision = deps.revision;

  const before = JSON.stringify(view);
  const persist = groupCommitSaver(async () => {
    copyBack();
    await deps.store.save(snapshot);
  });
  const outcomes = await executePlan(plan, { writer: deps.appflow, state: view, persist, hmacKey, fingerprintScheme: deps.store.fingerprintScheme, now, logger }, options);
  let error: ReconcileReport['error'];
  try {
    if (JSON.stringify(view) !== before) await persist();
  } catch (err) {
    warnings.push(`state could not be saved: ${messageOf(err)}`);
    error = { code: (err as { code?: string }).code ?? 'state.save-failed', message: messageOf(err) };
  }
  const ok = !error && converged(plan, outcomes) && changed.othersConverged;
  const report: PartialReport = {
    ...buildPassReport({ id, revision: deps.revision, plan, outcomes, ok, startedAt, started, warnings: [...warnings, ...plan.warnings], error }),
    scope: { files: [...files] },
  };
  logPassFinished(logger, report, { ok: 'reconcile of changed files finished', failed: 'reconcile of changed files finished with failures' }, { files });
  return { report };
}

/** A reason the changed paths need a full pass, or undefined when each is a plain file that did not fail last time. */
async function whyNotPartial(root: string, files: readonly string[], failingFiles: ReadonlySet<string>): Promise<string | undefined> {
  for (const file of files) {
    if (file === '.' || file === '') return 'the profiles directory itself changed';
    if (failingFiles.has(file)) return `${file} failed in an earlier pass`;
    const stat = await lstat(join(root, file)).catch(() => undefined);
    if (!stat) return `${file} was deleted or renamed`;
    if (!stat.isFile()) return `${file} is not a plain file`;
  }
  return undefined;
}

/** Every profile name the load holds, valid or not. */
function namesIn(load: LoadResult): Set<string> {
  const names = new Set(load.profiles.map((p) => p.name));
  for (const invalid of load.invalid) if (invalid.name !== undefined) names.add(invalid.name);
  return names;
}

/** A profile that left a changed file, or came from a file that did not change: a reason for a full pass. */
function movedProfile(names: ReadonlySet<string>, files: ReadonlySet<string>, sourceFiles: ReadonlyMap<string, string>): string | undefined {
  for (const name of names) {
    const from = sourceFiles.get(name);
    if (from !== undefined && !files.has(from)) return `${name} was read from ${from} before`;
  }
  for (const [name, from] of sourceFiles) if (files.has(from) && !names.has(name)) return `${name} is no longer in ${from}`;
  return undefined;
}

/** The inventory and intents of `names` only (the same records, in new containers). */
function stateView(state: TargetState, names: ReadonlySet<string>): TargetState {
  const view: TargetState = { profiles: nameKeyed(), intents: nameKeyed() };
  for (const name of names) {
    copyEntry(state.profiles, view.profiles, name);
    copyEntry(state.intents, view.intents, name);
  }
  return view;
}

function copyEntry<T>(from: Record<string, T>, to: Record<string, T>, name: string): void {
  const value = from[name];
  if (value === undefined) delete to[name];
  else to[name] = value;
}
