// The later-warm-passes measurement (reconcile-worker's noop-steady mode, read by run.ts). Its own
// module because importing reconcile-worker.ts runs a worker.
/** Passes of one noop-steady process. */
export const STEADY_PASSES = 10;
/** The bench reports the median of this many last passes: the pass once V8 has optimised it. */
export const STEADY_TAIL = 5;
