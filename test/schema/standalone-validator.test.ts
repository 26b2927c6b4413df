// The build-time validator (ajv standalone code) must judge every document exactly as the same
// schema compiled by ajv at run time would, error objects included (schema-errors.ts reads their
// keyword, paths, params, schema, parentSchema and data to word diagnostics).
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { PROFILE_AJV_OPTIONS } from '../../src/desired/ajv-options.js';
import { validateAgainstSchema } from '../../src/desired/schema-file.js';
import { connectorTypes, Gen, generateDocument, schema } from '../desired/doc-generator.js';

const runtime = new Ajv({ ...PROFILE_AJV_OPTIONS }).compile(schema);

function runtimeErrors(value: unknown): unknown[] {
  return runtime(value) ? [] : [...(runtime.errors ?? [])];
}

/** A seeded PRNG (mulberry32), so a failure names a reproducible case. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Breaks a valid document in one of several ways the schema must catch. */
function mutate(g: Gen, doc: Record<string, any>): unknown {
  const copy = structuredClone(doc);
  switch (g.int(0, 7)) {
    case 0: delete copy.connectorProfileName; break;
    case 1: copy.connectionMode = 'Sideways'; break;
    case 2: copy.connectorType = 42; break;
    case 3: copy.unknownKey = true; break;
    case 4: copy.connectorProfileConfig = []; break;
    case 5: copy.connectorProfileName = 'x'.repeat(300); break;
    case 6: copy.connectorProfileConfig.connectorProfileProperties = { Nope: {} }; break;
    default: copy.connectorProfileConfig.connectorProfileCredentials = 'plain'; break;
  }
  return copy;
}

describe('standalone profile validator', () => {
  it('agrees with a run-time ajv compile on valid and broken documents of every connector type', () => {
    const g = new Gen(seeded(17));
    let invalid = 0;
    for (const type of connectorTypes()) {
      for (let i = 0; i < 4; i++) {
        const doc = generateDocument(g, type);
        for (const value of [doc, mutate(g, doc), mutate(g, doc)]) {
          const errors = validateAgainstSchema(value);
          if (errors.length > 0) invalid++;
          expect(errors, `${type} #${i}`).toEqual(runtimeErrors(value));
        }
      }
    }
    // The comparison is only meaningful if broken documents were judged too.
    expect(invalid).toBeGreaterThan(connectorTypes().length * 4);
  });

  it('agrees on values that are not profiles at all', () => {
    for (const value of [null, 1, 'text', [], [{}], {}, { connectorProfileName: 7 }]) {
      expect(validateAgainstSchema(value)).toEqual(runtimeErrors(value));
    }
  });
});
