// Reading the state at the start of a pass, shared by the single-target pass (reconcile-once.ts)
// and the multi-target pass (reconcile-targets.ts), so both fail the same way when it cannot be
// read: one `state.unreadable` error and no plan, so nothing is saved over a state it never saw.
import type { StateSnapshot, StateStore } from '../model/types.js';

export type PassStateLoad =
  | { ok: true; snapshot: StateSnapshot; hmacKey: Buffer; digest: string | undefined }
  | { ok: false; error: { code: 'state.unreadable'; message: string } };

/**
 * Loads the snapshot and the fingerprint key; the store's warnings go into `warnings` either way.
 * `digest`: the snapshot's stateDigest when the store knew it (see LoadedState), else undefined.
 */
export async function loadPassState(store: Pick<StateStore, 'load' | 'hmacKey'>, warnings: string[]): Promise<PassStateLoad> {
  try {
    const loaded = await store.load();
    warnings.push(...loaded.warnings);
    return { ok: true, snapshot: loaded.state, hmacKey: await store.hmacKey(), digest: loaded.digest };
  } catch (err) {
    return { ok: false, error: { code: 'state.unreadable', message: messageOf(err) } };
  }
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
