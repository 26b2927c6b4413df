// The planner's per-document memos (src/planner/memo.ts): remembered only for deep-frozen
// documents (what the parse cache hands out), so a value is never served for an object that has
// changed since; a remembered value is frozen, so no caller can change what the next pass gets.
// And the diff's compare-first path gives the field-by-field answer.
import { describe, expect, it } from 'vitest';
import { deepFreeze, isDeepFrozen } from '../../src/model/deep-frozen.js';
import type { ConnectorProfileDocument } from '../../src/model/types.js';
import { documentDigest } from '../../src/planner/change-record.js';
import { diffConfiguration, leavesOf } from '../../src/planner/diff.js';
import { memoizeDeepFrozen } from '../../src/planner/memo.js';
import { salesforceDocument, snowflakeDocument } from './fixtures.js';

describe('memoizeDeepFrozen', () => {
  it('computes once per deep-frozen key, every time for anything else', () => {
    let calls = 0;
    const size = memoizeDeepFrozen((value: { items: number[] }) => {
      calls += 1;
      return { count: value.items.length };
    });
    const loose = { items: [1, 2] };
    expect(size(loose).count).toBe(2);
    loose.items.push(3);
    expect(size(loose).count).toBe(3);
    expect(calls).toBe(2);

    const frozen = deepFreeze({ items: [1, 2] });
    const first = size(frozen);
    expect(size(frozen)).toBe(first);
    expect(calls).toBe(3);
    // The remembered value is shared by every later caller: frozen, so none can change it.
    expect(isDeepFrozen(first)).toBe(true);
    expect(() => {
      (first).count = 9;
    }).toThrow(TypeError);
    // Shallow freezing is not enough: its children could still change.
    const shallow = Object.freeze({ items: [1] });
    size(shallow);
    size(shallow);
    expect(calls).toBe(5);
  });
});

describe('documentDigest', () => {
  it('follows a changed document that is not frozen, and is the same for a frozen copy', () => {
    const document = snowflakeDocument('a');
    const before = documentDigest(document);
    (document as { connectionMode: string }).connectionMode = 'Private';
    const after = documentDigest(document);
    expect(after).not.toBe(before);
    const frozen = deepFreeze(structuredClone(document));
    expect(documentDigest(frozen)).toBe(after);
    expect(documentDigest(frozen)).toBe(after);
  });
});

describe('diffConfiguration', () => {
  const properties = (document: ConnectorProfileDocument) => document.connectorProfileConfig?.connectorProfileProperties;

  it('equal configurations: no field, every leaf counted unchanged (frozen or not)', () => {
    const document = salesforceDocument('a', { isSandboxEnvironment: false, oAuthScopes: ['api', 'refresh_token'] });
    const frozen = deepFreeze(structuredClone(document));
    const observed = { connectionMode: document.connectionMode, properties: structuredClone(properties(document)) };
    const leaves = leavesOf({ connectionMode: document.connectionMode, properties: properties(document) }).size;
    for (const desired of [document, frozen]) {
      const diff = diffConfiguration({ connectionMode: desired.connectionMode, properties: properties(desired) }, observed);
      expect(diff).toEqual({ fields: [], unchanged: leaves });
    }
  });

  it('a difference gives the same fields for a frozen document as for a plain one', () => {
    const document = salesforceDocument('a', { instanceUrl: 'https://new.example.com' });
    const frozen = deepFreeze(structuredClone(document));
    const observed = { connectionMode: 'Private', properties: structuredClone(properties(salesforceDocument('a'))) as Record<string, unknown> };
    const plain = diffConfiguration({ connectionMode: document.connectionMode, properties: properties(document) }, observed);
    expect(plain.fields.map((f) => f.path)).toEqual(['connectionMode', 'connectorProfileProperties.Salesforce.instanceUrl']);
    expect(diffConfiguration({ connectionMode: frozen.connectionMode, properties: properties(frozen) }, observed)).toEqual(plain);
  });
});
