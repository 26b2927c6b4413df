// What a profile load on a worker thread is given (src/cli/load-worker.ts): plain data only,
// since it crosses to the worker by structured clone. A function such as LoadOptions.scopesOf
// cannot cross, so the declared targets' path selectors do, and the worker builds scopesOf from
// them with the same placement rule (src/config/placement.ts) the commands use.
import { targetsOfFile } from '../config/placement.js';
import type { TargetSettings } from '../config/target-settings.js';
import type { LoadOptions, LoadResult } from '../desired/load-profiles.js';

/**
 * APPFLOW_GITOPS_LOAD_WORKER: `off` loads the profiles on the main thread (as validate and the
 * daemon always do); `on` uses the worker even on one core or a busy machine; `throw` and `exit`
 * make the worker fail (tests of the fallback). Unset: the one-shot plan and apply load on a
 * worker thread when a second core is likely free (src/cli/worker-load.ts).
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
  /** More profile files than this are loaded on the main thread instead (see MAX_WORKER_LOAD_FILES). */
  maxFiles?: number;
}

/**
 * Directories with more profile files than this load on the main thread. The worker wins while
 * the load fits beside the main thread's SDK import (1,000 files: about 10% of start to exit);
 * at 10,000 it did not win, and it held the worker's heap and the result's clone beside the main
 * thread's: the shipped apply's peak RSS 131-139 MB against 117-122 MB in-thread (docs/benchmarks.md).
 */
export const MAX_WORKER_LOAD_FILES = 5_000;

/** What the worker sends back: its LoadResult, or why it left the load to the main thread. */
export type WorkerLoadMessage = { loaded: LoadResult } | { declined: string };

/** The loader's options for `input`, the same on the worker and in the in-thread fallback. */
export function loadOptionsOf(input: WorkerLoadInput): LoadOptions {
  const targets = input.targets;
  return {
    allowPlaintextCredentials: input.allowPlaintextCredentials,
    excludeFiles: input.excludeFiles,
    ...(targets ? { scopesOf: (file: string) => targetsOfFile(targets, file).map((t) => t.name) } : {}),
  };
}
