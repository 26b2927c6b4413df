// One state file for every target of the fleet (STATE/state.json, one lock): each target's pass
// loads the whole snapshot and saves after every write, so two targets saving their own whole
// snapshots would overwrite each other's latest changes. A target's view therefore saves only its
// own entry into one master snapshot for the fleet: under one mutex, it replaces targets[KEY] in
// the master with the pass's copy and saves the master. Nothing another target wrote is lost, the
// file is still written by one save at a time, and a save costs one write and no read.
//
// The master is read from disk once, at the first save. The daemon holds the state directory's
// lock for its whole life (src/state/state-lock.ts), so nothing else writes the file. The lock can
// still be lost: a daemon paused (SIGSTOP, a frozen VM) past the lock's stale age lets another
// process take it over and save. The lock does not notice its loss, so the view checks the file
// itself: with `statePath`, each save first compares the file's identity (inode, size, mtime)
// with the one its last save left; a file changed by someone else is read again into the master
// (with a warning) before this target's entry goes in, as every save did before the master.
//
// A target against AWS may find its inventory under the key it had before targets existed (as
// `apply` does, src/reconcile/reconcile-targets.ts): the view moves it to the target's key on
// load, once, and only for the first target that claims it; the next save removes the old entry.
import { stat } from 'node:fs/promises';
import type { StateSnapshot, StateStore } from '../model/types.js';
import { adoptLegacyState } from '../reconcile/reconcile-targets.js';

export interface TargetStateViews {
  /**
   * The store a target's passes use; `ownKey` is the target's state key (known once its identity
   * is confirmed), `legacyKeys` the keys its inventory may have had before targets.
   */
  forTarget(ownKey: () => string, legacyKeys?: readonly string[]): StateStore;
}

export interface TargetStateViewsOptions {
  /** The state file behind `store`: each save checks that nobody else replaced it meanwhile. */
  statePath?: string;
}

/** What tells one write of the state file from another (writeFileAtomic renames a new file in). */
type FileIdentity = string | undefined;

async function fileIdentity(path: string): Promise<FileIdentity> {
  try {
    const info = await stat(path, { bigint: true });
    return `${info.ino}:${info.size}:${info.mtimeNs}`;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export function targetStateViews(store: StateStore, onWarning: (message: string) => void = () => undefined, options: TargetStateViewsOptions = {}): TargetStateViews {
  const { statePath } = options;
  // The fleet's snapshot as last saved (or as read at the first save); only saves touch it.
  let master: StateSnapshot | undefined;
  let lastWritten: FileIdentity;
  const readMaster = async (): Promise<StateSnapshot> => {
    const current = await store.load();
    for (const message of current.warnings) onWarning(message);
    return current.state;
  };
  const masterForSave = async (): Promise<StateSnapshot> => {
    if (master === undefined) return readMaster();
    if (statePath !== undefined && (await fileIdentity(statePath)) !== lastWritten) {
      onWarning(`state: ${statePath} was changed by another process while this daemon held its lock (was the daemon paused?); read it again before saving`);
      return readMaster();
    }
    return master;
  };
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
            // The snapshot changed after the store digested it: the pass digests it itself.
            return { state: loaded.state, warnings: loaded.warnings };
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
            // Dropped until the save succeeds: a failed read or write leaves nothing half-known.
            const fleet = await masterForSave();
            master = undefined;
            if (own === undefined) delete fleet.targets[key];
            else fleet.targets[key] = own;
            for (const legacy of adopted) delete fleet.targets[legacy];
            await store.save(fleet);
            master = fleet;
            if (statePath !== undefined) {
              try {
                lastWritten = await fileIdentity(statePath);
              } catch {
                // Unknown identity: the next save reads the file again rather than guess.
                master = undefined;
              }
            }
          });
        },
      };
    },
  };
}
