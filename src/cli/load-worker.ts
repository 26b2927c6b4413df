// Worker-thread entry of the one-shot commands' profile load (src/cli/worker-load.ts): runs
// loadProfiles on the second core while the main thread imports the AWS SDK, reads the state and
// sends the early reads, and posts the LoadResult back (structured clone: plain data, no
// functions). Anything that goes wrong here ends the worker, and the main thread loads in-thread.
//
// The shipped CLI runs this as a CommonJS file of its own (dist/bundle/load-worker.cjs,
// scripts/bundle.mjs), so there is no top-level await here: CommonJS has none.
import { parentPort, workerData } from 'node:worker_threads';
import { loadProfiles } from '../desired/load-profiles.js';
import { discoverProfileFiles } from '../desired/discover-files.js';
import { LOAD_WORKER_ENV, loadOptionsOf, type WorkerLoadInput, type WorkerLoadMessage } from './worker-load-input.js';

async function loadAndPost(): Promise<void> {
  // Started with its input (workerData), or prestarted before the command knew it (src/cli/main.ts):
  // then the input is the first message.
  const input = (workerData as WorkerLoadInput | undefined) ?? (await new Promise<WorkerLoadInput>((resolve) => parentPort?.once('message', resolve)));
  // Test hooks (the fallback must be provable end to end): a worker that throws, or one that exits.
  const hook = process.env[LOAD_WORKER_ENV];
  if (hook === 'throw') throw new Error('load worker: failure requested by the test hook');
  if (hook === 'exit') process.exit(3);
  // Discovery first (cheap): a directory too large for the worker is left to the main thread.
  const discovery = await discoverProfileFiles(input.dir, input.excludeFiles);
  const message: WorkerLoadMessage =
    input.maxFiles !== undefined && discovery.files.length > input.maxFiles
      ? { declined: `found ${discovery.files.length} profile files, more than the ${input.maxFiles} it loads` }
      : { loaded: await loadProfiles(input.dir, { ...loadOptionsOf(input), discovery }) };
  parentPort?.postMessage(message);
}

// A failure is thrown as the worker's uncaught error (its 'error' event on the main thread), as a
// throw at the top level of a module would be.
loadAndPost().catch((err: unknown) => {
  process.nextTick(() => {
    throw err;
  });
});
