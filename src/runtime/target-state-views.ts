// One state file for every target of the fleet (STATE/state.json, one lock): each target's pass
// loads the whole snapshot and saves after every write, so two targets saving their own whole
// snapshots would overwrite each other's latest changes. A target's view therefore saves only its
// own entry: under one mutex for the fleet, it reloads the snapshot as it is on disk, replaces
// targets[KEY] with the pass's copy and saves that. Nothing another target wrote is lost, and the
// file is still written by one save at a time.
//
// A target against AWS may find its inventory under the key it had before targets existed (as
// `apply` does, src/reconcile/reconcile-targets.ts): the view moves it to the target's key on
// load, once, and only for the first target that claims it; the next save removes the old entry.
import type { StateSnapshot, StateStore } from '../model/types.js';
import { adoptLegacyState } from '../reconcile/reconcile-targets.js';

export interface TargetStateViews {
  /**
   * The store a target's passes use; `ownKey` is the target's state key (known once its identity
   * is confirmed), `legacyKeys` the keys its inventory may have had before targets.
   */
  forTarget(ownKey: () => string, legacyKeys?: readonly string[]): StateStore;
}

export function targetStateViews(store: StateStore, onWarning: (message: string) => void = () => undefined): TargetStateViews {
  let chain: Promise<void> = Promise.resolve();
  const serialised = (work: () => Promise<void>): Promise<void> => {
    const run = chain.then(work);
    chain = run.catch(() => undefined);
    return run;
  };
  // Old key → the target key that took it over: one claimant, whatever the order of passes.
  const claims = new Map<string, string>();
  return {
    forTarget(ownKey, legacyKeys = []) {
      const adopted = new Set<string>();
      return {
        async load() {
          const loaded = await store.load();
          const key = ownKey();
          const free = legacyKeys.filter((legacy) => (claims.get(legacy) ?? key) === key);
          const moved = adoptLegacyState(loaded.state, key, free);
          if (moved !== undefined) {
            claims.set(moved, key);
            adopted.add(moved);
            loaded.warnings.push(`state: this target now keeps its inventory under ${key} (moved from ${moved}, the key before targets)`);
          }
          return loaded;
        },
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
            for (const legacy of adopted) delete current.state.targets[legacy];
            await store.save(current.state);
          });
        },
      };
    },
  };
}
