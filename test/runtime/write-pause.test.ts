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

/** A shared storage whose reads the test answers one by one, in any order. */
function heldStorage(): PauseStorage & { answer(index: number, since: string | undefined): void; reads: number } {
  const pending: ((since: string | undefined) => void)[] = [];
  return {
    shared: true,
    get reads() {
      return pending.length;
    },
    read: () => new Promise<string | undefined>((resolve) => pending.push(resolve)),
    write: async () => undefined,
    clear: async () => undefined,
    answer(index, since) {
      pending[index]!(since);
    },
  };
}

describe('WritePause: reads that overlap', () => {
  // A replica found flaky in test/e2e/ha-targets.test.ts: a pass's refresh() read the table before
  // the pause was visible, the heartbeat's later read found it, and the pass's older answer,
  // arriving last, lifted the pause again: the pass then wrote while the fleet was suspended.
  it('an older read that answers last does not undo what a newer read found', async () => {
    const storage = heldStorage();
    const pause = new WritePause(storage);
    const older = pause.refresh();
    const newer = pause.refresh();
    storage.answer(1, '2026-03-03T00:00:00.000Z');
    expect(await newer).toBe(true);
    storage.answer(0, undefined);
    expect(await older).toBe(false);
    expect(pause.state()).toEqual({ suspended: true, since: '2026-03-03T00:00:00.000Z' });
  });

  it('a read begun before suspend() or resume() here does not undo it', async () => {
    const storage = heldStorage();
    const pause = new WritePause(storage);
    const stale = pause.refresh();
    await pause.suspend(Date.parse('2026-03-03T00:00:00.000Z'));
    storage.answer(0, undefined); // read before the suspend reached the table
    expect(await stale).toBe(false);
    expect(pause.suspended).toBe(true);

    const staleAgain = pause.refresh();
    await pause.resume();
    storage.answer(1, '2026-03-03T00:00:00.000Z'); // read before the resume reached the table
    expect(await staleAgain).toBe(false);
    expect(pause.suspended).toBe(false);
  });
});
