// What a profile load on a worker thread is given (src/cli/load-worker.ts): plain data only,
// since it crosses to the worker by structured clone. A function such as LoadOptions.scopesOf
// cannot cross, so the declared targets' path selectors do, and the worker builds scopesOf from
// them with the same placement rule (src/config/placement.ts) the commands use.
import { targetsOfFile } from '../config/placement.js';
import type { TargetSettings } from '../config/target-settings.js';
import type { LoadOptions } from '../desired/load-profiles.js';

/**
 * APPFLOW_GITOPS_LOAD_WORKER: `off` loads the profiles on the main thread (as validate and the
 * daemon always do); `throw` and `exit` make the worker fail (tests of the fallback). Unset: the
 * one-shot plan and apply load on a worker thread.
 */
export const LOAD_WORKER_ENV = 'APPFLOW_GITOPS_LOAD_WORKER';

export interface WorkerLoadInput {
  /** The profiles directory as resolved once (ProfilesSource.root). */
  dir: string;
  allowPlaintextCredentials: boolean;
  /** Absolute paths that are not profiles (LoadOptions.excludeFiles). */
  excludeFiles: readonly string[];
  /** The config's targets when it declares any: two documents with one name clash only within a target. */
  targets?: readonly TargetSettings[];
}

/** The loader's options for `input`, the same on the worker and in the in-thread fallback. */
export function loadOptionsOf(input: WorkerLoadInput): LoadOptions {
  const targets = input.targets;
  return {
    allowPlaintextCredentials: input.allowPlaintextCredentials,
    excludeFiles: input.excludeFiles,
    ...(targets ? { scopesOf: (file: string) => targetsOfFile(targets, file).map((t) => t.name) } : {}),
  };
}
