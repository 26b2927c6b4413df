// State keyed by profile names that are Object.prototype members (issue 11 item 8): state.json and
// DynamoDB items round-trip them as ordinary keys, and absent names are absent.
import { describe, expect, it } from 'vitest';
import { itemsToSnapshot, targetItems } from '../../src/state/dynamodb/items.js';
import { STATE_FORMAT_VERSION } from '../../src/model/types.js';
import { parseStateText } from '../../src/state/state-shape.js';

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
const record = (name: string) => ({ name, origin: 'created', connectorType: 'Datadog' });

describe('profile names that are Object.prototype members in state', () => {
  it('state.json: a __proto__ record is read as a record, and constructor is absent until recorded', () => {
    const text = `{"formatVersion": ${STATE_FORMAT_VERSION}, "targets": {"t": {"profiles": {"__proto__": ${JSON.stringify(record('__proto__'))}}, "intents": {}}}}`;
    const parsed = parseStateText(text);
    if (!parsed.ok) throw new Error(parsed.reason);
    const profiles = parsed.snapshot.targets['t']!.profiles;
    expect(Object.keys(profiles)).toEqual(['__proto__']);
    expect(profiles['__proto__']).toMatchObject({ name: '__proto__', origin: 'created' });
    for (const name of ['constructor', 'toString', 'hasOwnProperty']) expect(profiles[name], name).toBeUndefined();
    // Recording the others and saving keeps every key.
    for (const name of NAMES.slice(1)) profiles[name] = record(name) as never;
    const again = parseStateText(JSON.stringify(parsed.snapshot));
    if (!again.ok) throw new Error(again.reason);
    expect(Object.keys(again.snapshot.targets['t']!.profiles).sort()).toEqual([...NAMES].sort());
  });

  it('DynamoDB items: the same names round-trip', () => {
    const parsed = parseStateText(JSON.stringify({ formatVersion: STATE_FORMAT_VERSION, targets: { t: { profiles: Object.fromEntries(NAMES.map((n) => [n, record(n)])), intents: {} } } }));
    if (!parsed.ok) throw new Error(parsed.reason);
    const { snapshot } = itemsToSnapshot(targetItems('t', parsed.snapshot.targets['t']!));
    const profiles = Object.values(snapshot.targets)[0]!.profiles;
    expect(Object.keys(profiles).sort()).toEqual([...NAMES].sort());
    expect(profiles['__proto__']).toMatchObject({ name: '__proto__' });
  });
});
