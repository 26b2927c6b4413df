// V8's own `gc()`, for the process's deliberate collections: the one-shot CLI's full collections
// between a big pass's phases (src/cli/heap-settings.ts) and the daemon's young-generation
// collection when it goes idle (src/runtime/idle-collection.ts).
import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * V8's `gc()`: with no options a full collection of the whole heap (what the CLI's phase
 * boundaries use; `{ type: 'major' }` is not the same: it left about twice as much heap behind in
 * test/cli/heap-settings.test.ts), with `{ type: 'minor' }` the young generation only (a scavenge).
 */
export type V8Collect = (options?: { type: 'minor' }) => void;

let collect: V8Collect | undefined;

/**
 * V8's `gc()`, from a fresh context made after `--expose-gc` is set: the flag is read when a
 * context is created, so the process's own context (made at start-up) never gets a global `gc`,
 * and nothing else sees one. About 2 ms, paid once, on first use.
 */
export function v8Collector(): V8Collect {
  if (collect === undefined) {
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as V8Collect;
  }
  return collect;
}

/** A scavenge: V8 collects its young generation only (what the daemon does once no pass runs). */
export function collectYoungGeneration(): void {
  v8Collector()({ type: 'minor' });
}
