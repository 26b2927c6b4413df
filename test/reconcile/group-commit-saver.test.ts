import { describe, expect, it } from 'vitest';
import { groupCommitSaver, StateSaveError } from '../../src/reconcile/reconcile-once.js';

/** A save that records what the state looked like when it started, and finishes when told. */
function controllableSave(state: { value: number }) {
  const started: number[] = [];
  const finishers: ((err?: Error) => void)[] = [];
  let running = 0;
  let maxRunning = 0;
  const save = () =>
    new Promise<void>((resolve, reject) => {
      started.push(state.value);
      running++;
      maxRunning = Math.max(maxRunning, running);
      finishers.push((err) => {
        running--;
        if (err) reject(err);
        else resolve();
      });
    });
  return { save, started, finish: (err?: Error) => finishers.shift()!(err), maxRunning: () => maxRunning };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('groupCommitSaver', () => {
  it('callers arriving during a save share the next one, which sees all their changes', async () => {
    const state = { value: 0 };
    const ctl = controllableSave(state);
    const persist = groupCommitSaver(ctl.save);

    state.value = 1;
    let firstDone = false;
    const first = persist().then(() => (firstDone = true));
    // Three more changes while the first save is on its way to disk.
    const joined: Promise<void>[] = [];
    for (const v of [2, 3, 4]) {
      state.value = v;
      joined.push(persist());
    }
    expect(ctl.started).toEqual([1]);
    let joinedDone = false;
    void Promise.all(joined).then(() => (joinedDone = true));

    ctl.finish();
    await first;
    await tick();
    expect(firstDone).toBe(true);
    // One save for the three joined callers, started after the first finished, with value 4.
    expect(ctl.started).toEqual([1, 4]);
    expect(joinedDone).toBe(false); // not resolved before their save is done
    ctl.finish();
    await Promise.all(joined);
    expect(ctl.maxRunning()).toBe(1);
  });

  it('a caller never resolves on a save that started before its change', async () => {
    const state = { value: 0 };
    const ctl = controllableSave(state);
    const persist = groupCommitSaver(ctl.save);
    const first = persist();
    state.value = 7;
    let secondDone = false;
    const second = persist().then(() => (secondDone = true));
    ctl.finish();
    await first;
    await tick();
    expect(secondDone).toBe(false);
    expect(ctl.started).toEqual([0, 7]);
    ctl.finish();
    await second;
  });

  it('a failed save fails every caller that shared it, as a StateSaveError, and later saves still run', async () => {
    const state = { value: 0 };
    const ctl = controllableSave(state);
    const persist = groupCommitSaver(ctl.save);
    const first = persist();
    const a = persist();
    const b = persist();
    ctl.finish();
    await first;
    await tick();
    ctl.finish(new Error('disk full'));
    await expect(a).rejects.toBeInstanceOf(StateSaveError);
    await expect(b).rejects.toThrow(/state not saved: disk full/);
    const later = persist();
    ctl.finish();
    await expect(later).resolves.toBeUndefined();
    expect(ctl.started.length).toBe(3);
  });

  it('a locked state directory is reported as state.locked', async () => {
    const locked = Object.assign(new Error('held by pid 1'), { name: 'StateLockedError' });
    const persist = groupCommitSaver(() => Promise.reject(locked));
    await expect(persist()).rejects.toMatchObject({ code: 'state.locked' });
  });
});
