// The write pause's storage port: a pause kept where other replicas change it (the shared
// table) is read again by refresh(); a failed read neither lifts nor sets it, except at start,
// where a pause that cannot be read counts as paused.
import { describe, expect, it } from 'vitest';
import { WritePause, type PauseState, type PauseStorage } from '../../src/runtime/write-pause.js';

function memoryStorage(): PauseStorage & { since?: string; failing: boolean } {
  const storage = {
    shared: true,
    failing: false,
    since: undefined as string | undefined,
    async read() {
      if (storage.failing) throw new Error('table unreachable');
      return storage.since;
    },
    async write(since: string) {
      storage.since ??= since;
    },
    async clear() {
      storage.since = undefined;
    },
  };
  return storage;
}

describe('WritePause with a shared storage', () => {
  it('refresh() finds a pause set and lifted elsewhere and tells onChange once per change', async () => {
    const storage = memoryStorage();
    const changes: PauseState[] = [];
    const pause = new WritePause(storage, (state) => changes.push(state));
    await pause.load();
    expect(pause.suspended).toBe(false);

    storage.since = '2026-01-01T00:00:00.000Z'; // another replica suspends
    expect(await pause.refresh()).toBe(true);
    expect(await pause.refresh()).toBe(false);
    expect(pause.state()).toEqual({ suspended: true, since: '2026-01-01T00:00:00.000Z' });

    storage.since = undefined; // another replica resumes
    expect(await pause.refresh()).toBe(true);
    expect(changes).toEqual([{ suspended: true, since: '2026-01-01T00:00:00.000Z' }, { suspended: false }]);
  });

  it('a failed read keeps what was known; at start it counts as paused', async () => {
    const storage = memoryStorage();
    const pause = new WritePause(storage);
    await pause.suspend(Date.parse('2026-01-01T00:00:00.000Z'));
    storage.failing = true;
    expect(await pause.refresh()).toBe(false);
    expect(pause.suspended).toBe(true);
    await pause.resume().catch(() => undefined);

    const fresh = new WritePause(storage);
    await fresh.load();
    expect(fresh.suspended).toBe(true);
  });

  it('suspend and resume go through the storage; a file pause is never refreshed from elsewhere', async () => {
    const storage = memoryStorage();
    const pause = new WritePause(storage);
    await pause.suspend(Date.parse('2026-02-02T00:00:00.000Z'));
    expect(storage.since).toBe('2026-02-02T00:00:00.000Z');
    await pause.resume();
    expect(storage.since).toBeUndefined();

    const local = new WritePause({ ...memoryStorage(), shared: false });
    expect(await local.refresh()).toBe(false);
  });
});
