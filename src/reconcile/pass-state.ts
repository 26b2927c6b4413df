// Reading the state at the start of a pass, shared by the single-target pass (reconcile-once.ts)
// and the multi-target pass (reconcile-targets.ts), so both fail the same way when it cannot be
// read: one `state.unreadable` error and no plan, so nothing is saved over a state it never saw.
import { stateDigest } from '../model/json-digest.js';
import { sameJson } from '../model/json-equal.js';
import type { StateSnapshot, StateStore } from '../model/types.js';

export type PassStateLoad =
  | { ok: true; snapshot: StateSnapshot; hmacKey: Buffer; digest: string | undefined; original: StateSnapshot | undefined }
  | { ok: false; error: { code: 'state.unreadable'; message: string } };

/**
 * Loads the snapshot and the fingerprint key; the store's warnings go into `warnings` either way.
 * `digest`: the snapshot's stateDigest when the store knew it (see LoadedState), else undefined.
 */
export async function loadPassState(store: Pick<StateStore, 'load' | 'hmacKey'>, warnings: string[]): Promise<PassStateLoad> {
  try {
    const loaded = await store.load();
    warnings.push(...loaded.warnings);
    return { ok: true, snapshot: loaded.state, hmacKey: await store.hmacKey(), digest: loaded.digest, original: loaded.original };
  } catch (err) {
    return { ok: false, error: { code: 'state.unreadable', message: messageOf(err) } };
  }
}

/**
 * Did the pass change its snapshot (then it is saved)? Its JSON against the JSON as loaded: walked
 * side by side with the store's untouched copy when the store kept one (json-equal.ts: no text is
 * written), else by digest against `loadedDigest`, the digest of the snapshot as loaded.
 */
export function passChangedState(load: { snapshot: StateSnapshot; original: StateSnapshot | undefined }, loadedDigest: string): boolean {
  return load.original !== undefined ? !sameJson(load.snapshot, load.original) : stateDigest(load.snapshot) !== loadedDigest;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
