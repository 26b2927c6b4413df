// One state file for every target of the fleet (STATE/state.json, one lock): each target's pass
// loads the whole snapshot and saves after every write, so two targets saving their own whole
// snapshots would overwrite each other's latest changes. A target's view therefore saves only its
// own entry: under one mutex for the fleet, it reloads the snapshot as it is on disk, replaces
// targets[KEY] with the pass's copy and saves that. Nothing another target wrote is lost, and the
// file is still written by one save at a time.
import type { StateSnapshot, StateStore } from '../model/types.js';

export interface TargetStateViews {
  /** The store a target's passes use; `ownKey` is the target's state key (known once its identity is confirmed). */
  forTarget(ownKey: () => string): StateStore;
}

export function targetStateViews(store: StateStore, onWarning: (message: string) => void = () => undefined): TargetStateViews {
  let chain: Promise<void> = Promise.resolve();
  const serialised = (work: () => Promise<void>): Promise<void> => {
    const run = chain.then(work);
    chain = run.catch(() => undefined);
    return run;
  };
  return {
    forTarget(ownKey) {
      return {
        load: () => store.load(),
        hmacKey: () => store.hmacKey(),
        ...(store.fingerprintScheme ? { fingerprintScheme: store.fingerprintScheme } : {}),
        save(snapshot: StateSnapshot): Promise<void> {
          const key = ownKey();
          // Copied now: the pass keeps changing its snapshot while this save waits its turn.
          const own = snapshot.targets[key] === undefined ? undefined : structuredClone(snapshot.targets[key]);
          return serialised(async () => {
            const current = await store.load();
            for (const message of current.warnings) onWarning(message);
            if (own === undefined) delete current.state.targets[key];
            else current.state.targets[key] = own;
            await store.save(current.state);
          });
        },
      };
    },
  };
}
