// executePlan's changes that need no AWS write (no-ops, errors, forgets, blocked deletes): each
// settled in memory with an outcome of its own, members in the documented order, and the state
// saved exactly when the inventory changed. The writer is never called (it throws if it is).
import { describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../src/logging/logger.js';
import { nameKeyed } from '../../src/model/name-keyed.js';
import type { ManagedProfileRecord, PlannedChange, TargetState } from '../../src/model/types.js';
import { documentDigest } from '../../src/planner/change-record.js';
import { executePlan } from '../../src/reconcile/executor.js';
import type { AppFlowPort } from '../../src/aws/ports.js';
import { desiredOf, snowflakeDocument } from '../planner/fixtures.js';
import { planOf } from './fixtures.js';

const NO_WRITER = new Proxy({}, { get: () => () => { throw new Error('no AWS call expected'); } }) as AppFlowPort;

function noop(name: string, extra: Partial<PlannedChange> = {}): PlannedChange {
  const desired = desiredOf(snowflakeDocument(name));
  return { target: 't', name, action: 'noop', adopt: false, source: desired.source, fields: [], unchangedFields: 3, desired, ...extra };
}

function stateOf(names: string[]): TargetState {
  const profiles = nameKeyed<ManagedProfileRecord>();
  for (const name of names) profiles[name] = { name, origin: 'created', connectorType: 'Snowflake', sourceFile: `${name}.yaml`, documentDigest: documentDigest(snowflakeDocument(name)) };
  return { profiles, intents: nameKeyed() };
}

async function run(changes: PlannedChange[], state: TargetState) {
  let saves = 0;
  const outcomes = await executePlan(planOf('t', changes), { writer: NO_WRITER, state, persist: async () => void (saves += 1), hmacKey: Buffer.alloc(32), now: () => 0, logger: createSilentLogger() }, { allowReplace: false, prune: false, allowEmpty: false, maxDeletes: 0 });
  return { outcomes, saves };
}

describe('executePlan: changes settled without a write', () => {
  it('an unchanged no-op: its own outcome, members in order, nothing saved', async () => {
    const state = stateOf(['a', 'b']);
    const { outcomes, saves } = await run([noop('a'), noop('b', { source: undefined })], state);
    expect(saves).toBe(0);
    expect(Object.keys(outcomes[0]!)).toEqual(['name', 'action', 'result', 'attempts', 'durationMs', 'source']);
    expect(outcomes[0]).toMatchObject({ name: 'a', action: 'noop', result: 'unchanged', attempts: 0, source: { file: 'a.yaml' } });
    expect(Object.keys(outcomes[1]!)).toEqual(['name', 'action', 'result', 'attempts', 'durationMs']);
    expect(outcomes[0]).not.toBe(outcomes[1]);
    expect(Object.isFrozen(outcomes[0])).toBe(false);
    // One outcome changed by its reader (e.g. the daemon's status) is not the other's.
    (outcomes[0] as { result: string }).result = 'changed-by-reader';
    expect(outcomes[1]!.result).toBe('unchanged');
  });

  it('a no-op that moved file is saved before its outcome stands, and pending intents are confirmed', async () => {
    const state = stateOf(['a']);
    state.profiles.a!.sourceFile = 'old.yaml';
    state.intents.a = { operation: 'update', name: 'a', clientToken: 'tok', requestDigest: 'd', createdAt: new Date(0).toISOString() } as never;
    const { outcomes, saves } = await run([noop('a')], state);
    expect(saves).toBe(1);
    expect(outcomes[0]).toMatchObject({ result: 'unchanged', attempts: 0 });
    expect(state.profiles.a!.sourceFile).toBe('a.yaml');
    expect(state.intents.a).toBeUndefined();
  });

  it('errors, forgets and blocked deletes keep their own outcomes', async () => {
    const state = stateOf(['gone', 'kept']);
    const { outcomes, saves } = await run(
      [
        { ...noop('bad'), action: 'error', reason: 'invalid document' },
        { ...noop('gone'), desired: undefined, forget: true },
        { ...noop('kept'), desired: undefined, pruneBlocked: true, reason: 'not deleted: guard' },
      ],
      state,
    );
    expect(outcomes.map((o) => [o.name, o.result, o.error?.code])).toEqual([
      ['bad', 'failed', 'plan.error'],
      ['gone', 'unchanged', undefined],
      ['kept', 'blocked', 'prune.blocked'],
    ]);
    expect(saves).toBe(1);
    expect(state.profiles.gone).toBeUndefined();
  });
});
