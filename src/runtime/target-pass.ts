// One target's reconcile pass in the daemon: the ordinary single-target reconcileOnce with that
// target's clients, files, policies, revision and notifications. A declared target's identity
// (STS GetCallerIdentity, the accountId check) is confirmed before its first read and again only
// after it failed: a denied role or a wrong account fails this target's pass (no AppFlow call),
// and the daemon's pass retry asks again later.
import type { AppFlowPort, AwsTarget } from '../aws/ports.js';
import type { TargetAdapters } from '../aws/target-adapters.js';
import type { ProfileParseCache } from '../desired/parse-cache.js';
import type { Logger } from '../logging/logger.js';
import type { StateStore, TargetPaths } from '../model/types.js';
import type { Notifier } from '../notify/notifier.js';
import type { CompiledPolicy } from '../policy/compile-policies.js';
import { policyTargetOf } from '../policy/policy-target.js';
import { reconcileOnce } from '../reconcile/reconcile-once.js';
import type { ReconcileOptions } from '../reconcile/types.js';
import { pathsUnderRoot, resolveProfilesSource } from '../revision/resolve-revision.js';
import type { DaemonReconcileFn } from './daemon.js';
import { reconcileChangedFiles } from './partial-pass.js';

export type PassSettings = Omit<ReconcileOptions, 'signal' | 'reconcileId' | 'onlyNames'>;

export interface TargetPassDeps {
  /** The target's name (IMPLICIT_TARGET_NAME without declared targets). */
  name: string;
  profilesDir: string;
  /** `--revision`; otherwise read from the checkout each pass. */
  revision?: string;
  adapters: TargetAdapters;
  /** The AppFlow port writes go through (fenced by the lease with the shared state). */
  appflow: AppFlowPort;
  store: StateStore;
  /** The files this target takes (relative to the profiles directory); every file when undefined. */
  takesFile?: (relativePath: string) => boolean;
  /** The declared target `takesFile` selects for (its name and paths): prune is blocked when they match no file. */
  targetFiles?: TargetPaths;
  /** Which targets a file belongs to (two documents of one name clash only inside a target). */
  scopesOf?: (relativePath: string) => readonly string[];
  allowPlaintextCredentials: boolean;
  parseCache: ProfileParseCache;
  excludeFiles?: readonly string[];
  policies?: readonly CompiledPolicy[];
  notifier: Notifier;
  settings: PassSettings;
  logger: Logger;
}

export interface TargetPass {
  reconcile: DaemonReconcileFn;
  /** The target as last confirmed (account and state key), else as configured. */
  identified(): AwsTarget;
}

export function targetPass(deps: TargetPassDeps): TargetPass {
  let identified: AwsTarget | undefined;
  // The directory the last full pass read (a git-sync link resolves to a new one per revision).
  let lastRoot: string | undefined;
  const reconcile: DaemonReconcileFn = async ({ signal, reconcileId, onlyNames, changed }) => {
    // Throws TargetAccessError (a safe one-line reason): the pass fails before any read.
    const target = await deps.adapters.identify();
    identified = target;
    // Each pass resolves the directory (a git-sync link may have moved) and reads its files
    // through that one real path, so the revision it reports is the one it read.
    const source = await resolveProfilesSource(deps.profilesDir, deps.revision !== undefined ? { flag: deps.revision } : {});
    const pass = { target: deps.name, revision: source.revision ?? null };
    deps.notifier.passStarted(pass);
    const common = {
      loadOptions: {
        allowPlaintextCredentials: deps.allowPlaintextCredentials,
        parseCache: deps.parseCache,
        ...(deps.excludeFiles ? { excludeFiles: pathsUnderRoot(deps.excludeFiles, deps.profilesDir, source.root) } : {}),
        ...(deps.scopesOf ? { scopesOf: deps.scopesOf } : {}),
      },
      store: deps.store,
      appflow: deps.appflow,
      secrets: deps.adapters.secrets,
      target,
      logger: deps.logger,
      ...(deps.takesFile ? { takesFile: deps.takesFile } : {}),
      ...(source.revision !== undefined ? { revision: source.revision } : {}),
      ...(deps.policies && deps.policies.length > 0 ? { policies: { policies: deps.policies, target: policyTargetOf(target, deps.name) } } : {}),
    };
    const options = { ...deps.settings, signal, reconcileId, ...(onlyNames ? { onlyNames } : {}) };
    // A watch event: only the changed files, unless that could differ from what a full pass does.
    // The same root as the last full pass, or a link swap the watcher has not reported yet.
    if (changed && source.root === lastRoot) {
      const partial = await reconcileChangedFiles({ ...common, profilesDir: source.root }, options, changed);
      if ('report' in partial) {
        deps.notifier.passFinished(partial.report, pass);
        return partial.report;
      }
      deps.logger.info({ event: 'daemon.pass.full', reconcileId, files: changed.files.slice(0, 20), because: partial.fullPassBecause }, `full pass: ${partial.fullPassBecause}`);
    }
    const report = await reconcileOnce(
      { ...common, profilesDir: source.root, ...(deps.targetFiles ? { targetFiles: deps.targetFiles } : {}) },
      options,
    );
    lastRoot = source.root;
    deps.notifier.passFinished(report, pass);
    return report;
  };
  return { reconcile, identified: () => identified ?? deps.adapters.target };
}
