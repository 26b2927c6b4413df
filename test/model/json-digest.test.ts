import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nameKeyed } from '../../src/model/name-keyed.js';
import type { StateSnapshot, TargetState } from '../../src/model/types.js';
import { jsonDigest, stateDigest, WHOLE_STATE_MAX_RECORDS } from '../../src/model/json-digest.js';

const sha256OfJson = (value: unknown) => createHash('sha256').update(JSON.stringify(value) ?? 'undefined').digest('base64');

/** A state-shaped value big enough to be fed in many pieces (over the 64 KiB flush). */
function bigState(): Record<string, unknown> {
  const profiles = nameKeyed<Record<string, unknown>>();
  for (let i = 0; i < 2_000; i++) {
    profiles[`p-${i}`] = { name: `p-${i}`, origin: 'created', credentialsFingerprint: 'f'.repeat(64), lastAppliedAt: new Date(i).toISOString() };
  }
  return { formatVersion: 1, targets: { 'us-east-1/default@local': { profiles, intents: nameKeyed() } } };
}

describe('jsonDigest', () => {
  it.each([
    ['a primitive', 42],
    ['a string with quotes and unicode', 'a "quoted" \u2028 é'],
    ['null', null],
    ['undefined at the top', undefined],
    ['a flat object', { a: 1, b: 'x' }],
    ['members JSON leaves out (undefined, function, symbol)', { a: undefined, b: () => 1, c: Symbol('s'), d: { e: undefined, f: [1] }, g: 2 }],
    ['arrays of containers with holes and undefined items', [[1], undefined, () => 1, { a: [] }, , [null]]], // eslint-disable-line no-sparse-arrays
    ['a Date and an object with toJSON inside containers', { when: new Date(0), nested: { custom: { toJSON: () => ({ x: [1] }) }, list: [{ y: 1 }] } }],
    ['an empty nested object and array', { a: {}, b: [], c: { d: {} } }],
    ['a null-prototype map of records', { targets: nameKeyed([['t', { profiles: nameKeyed([['p', { name: 'p' }]]) }]]) }],
    ['a state of 2,000 profiles', bigState()],
  ])('is the SHA-256 of JSON.stringify for %s', (_label, value) => {
    expect(jsonDigest(value)).toBe(sha256OfJson(value));
  });

  it('changes when any record changes, and only then', () => {
    const state = bigState();
    const before = jsonDigest(state);
    expect(jsonDigest(state)).toBe(before);
    const profiles = (state.targets as Record<string, { profiles: Record<string, Record<string, unknown>> }>)['us-east-1/default@local']!.profiles;
    profiles['p-1999']!.lastAppliedAt = 'later';
    expect(jsonDigest(state)).not.toBe(before);
  });
});

describe('stateDigest', () => {
  const snapshot = (profiles: number, intents = 0): StateSnapshot => {
    const target: TargetState = { profiles: nameKeyed(), intents: nameKeyed() };
    for (let i = 0; i < profiles; i++) target.profiles[`p-${i}`] = { name: `p-${i}`, origin: 'created', connectorType: 'Datadog', credentialsFingerprint: 'f'.repeat(64) };
    for (let i = 0; i < intents; i++) target.intents[`p-${i}`] = { name: `p-${i}`, operation: 'update', clientToken: `t-${i}`, requestDigest: 'd', createdAt: new Date(i).toISOString() };
    return { formatVersion: 1, targets: { 'us-east-1/default@local': target, 'eu-west-1/default@local': { profiles: nameKeyed(), intents: nameKeyed() } } };
  };

  it.each([
    ['an empty state', 0, 0],
    ['a state hashed whole (at the limit)', WHOLE_STATE_MAX_RECORDS - 10, 10],
    ['a state walked record by record (over the limit)', WHOLE_STATE_MAX_RECORDS, 1],
  ])('is jsonDigest, the SHA-256 of JSON.stringify, for %s', (_label, profiles, intents) => {
    const state = snapshot(profiles, intents);
    expect(stateDigest(state)).toBe(jsonDigest(state));
    expect(stateDigest(state)).toBe(sha256OfJson(state));
  });

  it('changes when a record changes, on either side of the limit', () => {
    for (const size of [10, WHOLE_STATE_MAX_RECORDS + 1]) {
      const state = snapshot(size);
      const before = stateDigest(state);
      state.targets['us-east-1/default@local']!.profiles['p-3']!.lastAppliedAt = 'later';
      expect(stateDigest(state)).not.toBe(before);
    }
  });
});
