// The one-shot commands' profile load on a worker thread (issue 17: start to exit). `plan` and
// `apply` spend most of their main thread on importing the AWS SDK and then on loading the profile
// files (discovery, read, parse, validate: about 150 ms at 1,000 files), one after the other, on a
// machine with a second core. Started as soon as the command knows its profiles directory and load
// options (before it imports the SDK), the load runs on that second core while the main thread
// imports the SDK, reads the state and sends the early reads; the main thread then takes the
// worker's LoadResult and goes on exactly as before.
//
// A worker that cannot start, throws, exits or sends something unreadable never costs a profile:
// the main thread then loads the same directory with the same options in-thread (the caller is
// told why, for one debug line). This module stays small and imports neither the loader nor the
// SDK, so the command can start the worker before either is loaded.
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { LoadResult } from '../model/types.js';
import { LOAD_WORKER_ENV, type WorkerLoadInput, type WorkerLoadMessage } from './worker-load-input.js';

export type { WorkerLoadInput };

/** A load under way. */
export interface ProfileLoad {
  /** What is loaded: the pass derives its own load options from it (loadOptionsOf), so both agree. */
  readonly input: WorkerLoadInput;
  /** The LoadResult: the worker's, or loaded in-thread when the worker failed (`onFallback` says why). */
  result(onFallback?: (reason: string) => void): Promise<LoadResult>;
}

/**
 * The shipped CLI's worker entry file, set by scripts/bundle.mjs (esbuild's `define`): the bundle's
 * worker is one CommonJS file, load-worker.cjs. Not defined in the tsc output, whose entry is
 * load-worker.js.
 */
declare const __APPFLOW_GITOPS_LOAD_WORKER_FILE__: string | undefined;

/**
 * The worker's entry, beside this module both in the bundle (dist/bundle/load-worker.cjs, built by
 * scripts/bundle.mjs) and in the tsc output (dist/src/cli/load-worker.js).
 */
export const LOAD_WORKER_URL = new URL(typeof __APPFLOW_GITOPS_LOAD_WORKER_FILE__ === 'string' ? __APPFLOW_GITOPS_LOAD_WORKER_FILE__ : './load-worker.js', import.meta.url);

type Outcome = { loaded: LoadResult } | { failed: string };

export interface StartOptions {
  /** The worker's entry (tests: the built one, when running from src/). */
  entry?: URL;
  env?: NodeJS.ProcessEnv;
  /** The cores this process may run on (tests); default os.availableParallelism(). */
  cores?: number;
  /** The machine's one-minute load average (tests); default os.loadavg()[0]. */
  loadAverage?: number;
}

/**
 * Why the load stays on the main thread before any worker starts: switched off, one core, or a
 * busy machine. A worker only pays where a second core is free: otherwise it adds its start and
 * the result's clone (about 100 ms of CPU at 1,000 profiles) to cores the main thread needs. On
 * the 2-core reference machine the shipped apply gained 7-10% at a load average of 1.5-2.2 and
 * lost 10-20% at 3-4 (docs/benchmarks.md, round six), hence a load average of cores + 0.5 as the
 * limit. `on` (and the test hooks) start it regardless.
 */
export function inThreadReason(options: StartOptions): string | undefined {
  const mode = (options.env ?? process.env)[LOAD_WORKER_ENV];
  if (mode === 'off') return `${LOAD_WORKER_ENV}=off`;
  if (mode === 'on' || mode === 'throw' || mode === 'exit') return undefined;
  const cores = options.cores ?? availableParallelism();
  if (cores < 2) return 'was not started: this process runs on one core';
  const load = options.loadAverage ?? loadavg()[0]!;
  if (load >= cores + 0.5) return `was not started: the machine is busy (load average ${load.toFixed(2)} on ${cores} cores)`;
  return undefined;
}

let prestarted: { worker: Worker; exited: boolean } | undefined;

/**
 * Starts the worker before the command knows what to load (src/cli/main.ts, for plan and apply):
 * a worker thread takes about 60-100 ms to start and import the loader (the generated validator is
 * most of it), which then runs beside the main thread's own start-up instead of after it. It waits
 * for its input (startProfileLoad); a command that never asks for it (--help, a bad flag) exits
 * without waiting for it. Does nothing when the load would stay on the main thread anyway (off,
 * one core, a busy machine: inThreadReason), or when it cannot start.
 */
export function prestartLoadWorker(options: StartOptions = {}): void {
  const env = options.env ?? process.env;
  if (prestarted || inThreadReason(options) !== undefined) return;
  try {
    const worker = new Worker(options.entry ?? LOAD_WORKER_URL, { env });
    worker.unref();
    const entry = { worker, exited: false };
    // A worker that fails before its input is sent is not used (startProfileLoad starts another,
    // which falls back to the main thread if it fails too); its error is not the process's.
    worker.on('error', () => undefined);
    worker.once('exit', () => (entry.exited = true));
    prestarted = entry;
  } catch {
    prestarted = undefined;
  }
}

/** Starts loading `input` on a worker thread (the prestarted one, if any), or notes why not; the result is taken with `result()`. */
export function startProfileLoad(input: WorkerLoadInput, options: StartOptions = {}): ProfileLoad {
  const env = options.env ?? process.env;
  let worker: Worker | undefined;
  let outcome: Promise<Outcome>;
  const reason = inThreadReason(options);
  if (reason !== undefined) {
    outcome = Promise.resolve({ failed: reason });
  } else {
    try {
      const started = takePrestarted(input) ?? new Worker(options.entry ?? LOAD_WORKER_URL, { workerData: input, env });
      // Holds the process open only while someone waits for it: a command that fails before it
      // needs the profiles exits at once.
      started.unref();
      worker = started;
      outcome = new Promise<Outcome>((resolve) => {
        started.once('message', (message: WorkerLoadMessage) => resolve('loaded' in message ? message : { failed: message.declined }));
        started.once('messageerror', (err) => resolve({ failed: `its result could not be read (${err.message})` }));
        started.once('error', (err) => resolve({ failed: `it failed (${err.message})` }));
        started.once('exit', (code) => resolve({ failed: `it exited with code ${code} before sending a result` }));
      });
    } catch (err) {
      outcome = Promise.resolve({ failed: `it could not start (${err instanceof Error ? err.message : String(err)})` });
    }
  }
  let result: Promise<LoadResult> | undefined;
  return {
    input,
    result(onFallback) {
      worker?.ref();
      result ??= outcome.then(async (settled) => {
        if ('loaded' in settled) return settled.loaded;
        onFallback?.(settled.failed);
        return loadInThread(input);
      });
      return result;
    },
  };
}

/** The prestarted worker, given its input (once); undefined when there is none. */
function takePrestarted(input: WorkerLoadInput): Worker | undefined {
  const entry = prestarted;
  prestarted = undefined;
  // One that has exited would never tell the listeners about it ('exit' is emitted once).
  if (!entry || entry.exited) return undefined;
  entry.worker.postMessage(input);
  return entry.worker;
}

/** The same load on this thread (the loader is imported only now: a worker that works never needs it here). */
async function loadInThread(input: WorkerLoadInput): Promise<LoadResult> {
  const [{ loadProfiles }, { loadOptionsOf }] = await Promise.all([import('../desired/load-profiles.js'), import('./worker-load-input.js')]);
  return loadProfiles(input.dir, loadOptionsOf(input));
}
