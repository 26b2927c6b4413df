// How apply stops on SIGINT/SIGTERM: no new write starts; writes in flight finish (or keep their
// intent in the state); a second signal exits at once.
export interface StopSignal {
  signal: AbortSignal;
  /** Stops listening (at the end of the pass). */
  dispose(): void;
}

/** SIGINT/SIGTERM: start no new write; writes in flight finish (or keep their intent in state); a second signal exits at once. */
export function listenForStop(): StopSignal {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    process.stderr.write(`${signal}: stopping after the writes in flight (send again to exit now)\n`);
    controller.abort(new Error(`received ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
