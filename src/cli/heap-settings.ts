// V8 heap sizing for the CLI's own process (issue 17: peak RSS of a 10,000-profile pass, the
// daemon's RSS). Node's defaults size the heap for throughput: the young generation grows to two
// 16 MB semi-spaces, and after each full GC the old generation may grow to about 4x what
// survived before the next one. A pass makes a lot of short-lived garbage (parsed files, SDK
// responses), so the peak RSS followed how much garbage V8 let pile up, not what the pass holds:
// at 10,000 profiles a heap of 125-150 MB held about 60 MB alive.
//
// These flags are applied from inside the process (v8.setFlagsFromString), so they reach every
// way the CLI is started (`node bin/appflow-gitops.js`, the npm bin link, the container's
// entrypoint) without a re-exec. Both are read by V8 at each GC, not only at start-up, which is
// why they work late; the semi-space maximum (`--max-semi-space-size`) is fixed at start-up and
// cannot be changed this way, so the young generation is capped by stopping its growth instead.
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';
import { setPhaseBoundaryCollector } from '../reconcile/phase-boundary.js';
import { v8Collector } from '../runtime/v8-gc.js';

/**
 * The old generation grows to 1.6x what survived the last full GC (V8 picks 1.1x to 4x by GC
 * speed, and a fast pass got the 4x). Measured at 10,000 profiles on the loaded 2-core machine,
 * with the young generation capped, A/B interleaved: 2x gave a peak of 162-165 MB, 1.75x 150-174
 * (median about 155), 1.6x 145-154 (median about 151), all with CPU in the noise of the
 * default's; 1.5x cost 15-25% more CPU (more full GCs) in an earlier, more loaded try.
 */
export const HEAP_GROWING_PERCENT = 60;

/**
 * The young generation (both semi-spaces) stops growing once it reaches this size: 8 MB, what
 * `--max-semi-space-size=4` gives. About 30 MB off the peak at 10,000 profiles; a 2 MB young
 * generation (no growth at all) cost more CPU (more scavenges, more promoted garbage).
 */
export const YOUNG_GENERATION_CAP_BYTES = 8 * 1024 * 1024;

/**
 * V8 flags for the daemon (`run`) only. V8's memory reducer runs full GCs that shrink the heap
 * some seconds after a burst of allocation ends: by default a cycle of two or three, each marking
 * the whole live heap (about 25 MB in the idle 1,000-profile daemon, 40-150 ms of a core each on
 * the loaded 2-core machine). One GC per cycle (reducerSingleGcFlag) keeps it to its first, which
 * does nearly all the shrinking (42 MB used, 76 MB committed -> 24.8 / 27.3 MB; the second took
 * 25.0 / 27.3 -> 24.6 / 26.8 MB). V8 reads it each time a reducer GC ends (MaxNumberOfGCs), so it
 * works from inside the process. `--no-memory-reducer` does not: V8 reads that one once, when it
 * sets up the heap (before any JavaScript runs), and only decides there whether to create the
 * reducer; set later it changes nothing (`--trace-gc-verbose` shows the reducer still starting
 * its GCs). Issue 17: idle CPU; see docs/benchmarks.md.
 */
export const DAEMON_V8_FLAGS: readonly string[] = [reducerSingleGcFlag(process.versions.v8)];

/**
 * The flag's name in this V8: `--memory-reducer-single-gc` in V8 11 (Node 20); V8 12 (Node 22)
 * replaced it with `--memory-reducer-gc-count` (default 2). V8 does not reject a flag it does not
 * know, it prints an error line on stderr at every start, so the name must match.
 */
export function reducerSingleGcFlag(v8Version: string): string {
  return Number(v8Version.split('.')[0]) >= 12 ? '--memory-reducer-gc-count=1' : '--memory-reducer-single-gc';
}

let applied = false;

/**
 * Applies the CLI's heap settings to this process (once; later calls do nothing). `oneShot` is
 * false for the daemon (`run`): it gets the old-generation setting and DAEMON_V8_FLAGS; a one-shot
 * command also caps the young generation and collects between a pass's phases. With the young
 * generation capped too, the daemon's RSS after the bench's edits fell from about 142 to 89 MB,
 * but V8's memory reducer then ran a full GC in the idle window that followed (about 0.5% of a
 * core over 30 s against 0.07-0.1%), and the daemon meets its RSS target without it.
 */
export function applyHeapSettings(options: { oneShot: boolean }): void {
  if (applied) return;
  applied = true;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  if (!options.oneShot) {
    for (const flag of DAEMON_V8_FLAGS) v8.setFlagsFromString(flag);
    return;
  }
  setPhaseBoundaryCollector(collectIfLarge);
  v8.setFlagsFromString('--no-turbofan');
  // Growth of the young generation is stopped by setting its growth factor to 1 once it has
  // reached the cap, and TurboFan comes back once the heap shows a big pass, both checked after
  // each GC (the observer is delivered asynchronously, so one more doubling can happen in a long
  // synchronous stretch).
  let capped = false;
  let optimizing = false;
  const observer = new PerformanceObserver(() => {
    if (!capped && youngGenerationBytes() >= YOUNG_GENERATION_CAP_BYTES) {
      v8.setFlagsFromString('--semi-space-growth-factor=1');
      capped = true;
    }
    if (!optimizing && v8.getHeapStatistics().used_heap_size >= OPTIMIZE_FROM_HEAP_BYTES) {
      v8.setFlagsFromString('--turbofan');
      optimizing = true;
    }
    if (capped && optimizing) observer.disconnect();
  });
  observer.observe({ entryTypes: ['gc'] });
}

/**
 * A one-shot command starts without V8's optimising compiler (TurboFan; `--no-turbofan`, read by
 * V8 each time it considers optimising a function, so it works from inside the process) and gets
 * it back once its heap reaches this size, which only a big pass does: a 1,000-profile apply
 * peaks at about 22 MB, a 10,000-profile one passes 32 MB while it loads its files. In a process
 * that lives well under a second, TurboFan compiled functions (on background threads, on a
 * 2-core machine shared with the emulator or the rest of CI) that had little left to run:
 * the shipped CLI's 1,000-profile apply used about 20% less CPU without it (docs/benchmarks.md,
 * round five). Sparkplug, V8's baseline compiler, stays on. The daemon (`run`) keeps TurboFan.
 */
export const OPTIMIZE_FROM_HEAP_BYTES = 32 * 1024 * 1024;

/** The committed size of V8's young generation (both semi-spaces). */
export function youngGenerationBytes(): number {
  return v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}

/**
 * A one-shot pass collects garbage between its phases (src/reconcile/phase-boundary.ts) only when
 * the heap holds at least this much: at 10,000 profiles it holds 42-52 MB at those points, and a
 * full collection there (60-130 ms of CPU each on the loaded 2-core machine) cut the pass's peak
 * RSS from 131-139 to 118-124 MB; at 1,000 profiles (18-23 MB) there is little to win and
 * start-up time to lose.
 */
export const PHASE_COLLECTION_MIN_HEAP_BYTES = 32 * 1024 * 1024;

/**
 * A phase boundary collects again only once the heap has grown this much past what the last
 * collection left: `apply` with declared targets reaches a boundary per target, and ten targets
 * in a row must not cost ten full collections of the same live heap.
 */
export const PHASE_COLLECTION_MIN_GROWTH = 1.25;

let usedAfterLastCollection = 0;

function collectIfLarge(): void {
  const used = v8.getHeapStatistics().used_heap_size;
  if (used < Math.max(PHASE_COLLECTION_MIN_HEAP_BYTES, usedAfterLastCollection * PHASE_COLLECTION_MIN_GROWTH)) return;
  v8Collector()();
  usedAfterLastCollection = v8.getHeapStatistics().used_heap_size;
}
