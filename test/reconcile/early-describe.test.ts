// The inventory's Describe batches sent before the files are loaded (src/reconcile/early-describe.ts):
// the names they cover are not described again, the rest are, and a pass that stops before
// observing leaves no unhandled rejection.
import { describe, expect, it } from 'vitest';
import type { AppFlowPort } from '../../src/aws/ports.js';
import { nameKeyed } from '../../src/model/name-keyed.js';
import type { ObservedProfile, TargetState } from '../../src/model/types.js';
import { describeInventoryEarly, observeProfiles } from '../../src/reconcile/early-describe.js';

/** A port that answers every name and records each call's names (the adapter itself is tested over HTTP elsewhere). */
function recordingPort(fail?: Error): Pick<AppFlowPort, 'describeByNames'> & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    async describeByNames(names) {
      calls.push([...names]);
      if (fail) throw fail;
      return names.map((name): ObservedProfile => ({ name, connectorType: 'Datadog', connectionMode: 'Public', properties: {} }));
    },
  };
}

function inventory(...names: string[]): TargetState {
  const state: TargetState = { profiles: nameKeyed(), intents: nameKeyed() };
  for (const name of names) state.profiles[name] = { name, origin: 'created', connectorType: 'Datadog' };
  return state;
}

describe('describeInventoryEarly / observeProfiles', () => {
  it('describes nothing early for an empty inventory, and everything afterwards', async () => {
    const port = recordingPort();
    const early = describeInventoryEarly(port, inventory());
    expect(early).toBeUndefined();
    const observed = await observeProfiles(port, ['a', 'b'], early);
    expect(observed.map((p) => p.name)).toEqual(['a', 'b']);
    expect(port.calls).toEqual([['a', 'b']]);
  });

  it('describes the inventory once, and only the names it does not hold after loading', async () => {
    const port = recordingPort();
    const early = describeInventoryEarly(port, inventory('c', 'a'));
    expect(port.calls).toEqual([['a', 'c']]);
    const observed = await observeProfiles(port, ['a', 'b', 'c'], early);
    expect(observed.map((p) => p.name).sort()).toEqual(['a', 'b', 'c']);
    expect(port.calls).toEqual([['a', 'c'], ['b']]);
  });

  it('makes no second call when the files name nothing new (a warm no-op pass)', async () => {
    const port = recordingPort();
    const early = describeInventoryEarly(port, inventory('a', 'b'));
    const observed = await observeProfiles(port, ['a', 'b'], early);
    expect(observed.map((p) => p.name)).toEqual(['a', 'b']);
    expect(port.calls).toHaveLength(1);
  });

  it('passes the early failure to the observer, and leaves no unhandled rejection when nobody observes', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const failing = recordingPort(new Error('describe failed'));
      const early = describeInventoryEarly(failing, inventory('a'));
      await expect(observeProfiles(failing, ['a'], early)).rejects.toThrow('describe failed');
      // A pass whose load threw never observes: its early batches must fail quietly.
      describeInventoryEarly(recordingPort(new Error('nobody waits for this')), inventory('a'));
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
});
