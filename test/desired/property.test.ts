// Property-style tests: documents generated from the schema for every connector type pass the
// loader; the same documents with one field broken fail, with a diagnostic at that field.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Diagnostic } from '../../src/model/types.js';
import { parseProfileText } from '../../src/desired/parse-documents.js';
import { validateDocument } from '../../src/desired/validate-document.js';
import { SECRET_REFERENCE_PATTERN } from '../../src/desired/secret-reference.js';
import { prng } from '../support/prng.js';
import { Gen, connectorTypes, generateDocument, schema } from './doc-generator.js';

const SEEDS_PER_TYPE = 8;

function check(doc: unknown, format: 'yaml' | 'json'): { diagnostics: Diagnostic[]; text: string; valid: boolean } {
  const text = format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : stringify(doc, { lineWidth: 0 });
  const parsed = parseProfileText(`p.${format}`, text, format);
  expect(parsed.diagnostics).toEqual([]);
  expect(parsed.documents).toHaveLength(1);
  const verdict = validateDocument(parsed.documents[0]!, false);
  return { diagnostics: [...parsed.diagnostics, ...verdict.diagnostics], text, valid: verdict.document !== undefined };
}

interface Leaf {
  path: string[];
  value: unknown;
}

function leaves(node: unknown, path: string[] = []): Leaf[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => leaves(item, [...path, String(i)]));
  if (node && typeof node === 'object') return Object.entries(node).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [{ path, value: node }];
}

function objects(node: unknown, path: string[] = []): string[][] {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return [];
  return [path, ...Object.entries(node).flatMap(([k, v]) => objects(v, [...path, k]))];
}

function getParent(doc: any, path: string[]): any {
  return path.slice(0, -1).reduce((node, key) => node[key], doc);
}

const dotted = (path: string[]) => path.reduce((out, s) => (/^\d+$/.test(s) ? `${out}[${s}]` : out ? `${out}.${s}` : s), '');

type Mutation = (g: Gen, doc: any) => { path: string[]; codes: string[] } | undefined;

/** Each mutation breaks exactly one thing and says where the diagnostic must point. */
const MUTATIONS: Record<string, Mutation> = {
  'unknown field': (g, doc) => {
    const target = g.pick(objects(doc).filter((p) => p.length !== 3 || p[1] === 'connectorProfileProperties'));
    const parent = target.reduce((node: any, key) => node[key], doc);
    const key = `unexpected${g.int(0, 99)}`;
    parent[key] = 'x';
    return { path: [...target, key], codes: ['schema.unknown-field', 'profile.member-count'] };
  },
  'wrong type': (g, doc) => {
    const leaf = g.pick(leaves(doc).filter((l) => typeof l.value === 'string' && l.path[0] !== 'connectorType'));
    getParent(doc, leaf.path)[leaf.path.at(-1)!] = g.chance() ? 12345 : true;
    return { path: leaf.path, codes: ['schema.type'] };
  },
  'invalid enum value': (_g, doc) => {
    doc.connectionMode = 'Semi-Public';
    return { path: ['connectionMode'], codes: ['schema.enum'] };
  },
  'plaintext credential': (g, doc) => {
    const refs = leaves(doc.connectorProfileConfig.connectorProfileCredentials ?? {}, ['connectorProfileConfig', 'connectorProfileCredentials'])
      .filter((l) => typeof l.value === 'string' && new RegExp(SECRET_REFERENCE_PATTERN, 'u').test(l.value));
    if (refs.length === 0) return undefined;
    const leaf = g.pick(refs);
    getParent(doc, leaf.path)[leaf.path.at(-1)!] = 'SENTINEL-SECRET-plaintext';
    return { path: leaf.path, codes: ['credential.plaintext'] };
  },
  'missing required field': (g, doc) => {
    const candidates = objects(doc).flatMap((path) => {
      const required: string[] = requiredAt(path);
      const node = path.reduce((n: any, k) => n[k], doc);
      return required.filter((key) => key in node).map((key) => [...path, key]);
    });
    const path = g.pick(candidates);
    delete getParent(doc, path)[path.at(-1)!];
    return { path, codes: ['schema.required', 'profile.member-mismatch', 'profile.member-count', 'profile.connector-label'] };
  },
  'too long': (_g, doc) => {
    doc.connectorProfileName = 'n'.repeat(257);
    return { path: ['connectorProfileName'], codes: ['schema.maxLength'] };
  },
  'pattern broken': (g, doc) => {
    doc.connectorProfileName = `has space ${g.int(0, 9)}`;
    return { path: ['connectorProfileName'], codes: ['schema.pattern'] };
  },
};

/** Required keys of the schema node at a document path (structures only). */
function requiredAt(path: string[]): string[] {
  let node: any = schema;
  for (const key of path) {
    if (node.$ref) node = schema.definitions[node.$ref.replace('#/definitions/', '')];
    node = node.properties?.[key] ?? node.additionalProperties;
    if (!node || typeof node !== 'object') return [];
  }
  if (node.$ref) node = schema.definitions[node.$ref.replace('#/definitions/', '')];
  return [...(node.required ?? [])];
}

describe('generated documents', () => {
  it.each(connectorTypes())('valid %s documents pass (YAML and JSON)', (type) => {
    for (let seed = 1; seed <= SEEDS_PER_TYPE; seed++) {
      const g = new Gen(prng(seed * 7919 + type.length));
      const doc = generateDocument(g, type);
      const format = seed % 2 === 0 ? 'json' : 'yaml';
      const { diagnostics, valid, text } = check(doc, format);
      expect(diagnostics, `seed ${seed}, ${format}:\n${text}`).toEqual([]);
      expect(valid).toBe(true);
    }
  });

  it.each(Object.keys(MUTATIONS))('mutation "%s" is caught at the mutated field for every connector type', (name) => {
    const mutate = MUTATIONS[name]!;
    let applied = 0;
    for (const type of connectorTypes()) {
      for (let seed = 1; seed <= 4; seed++) {
        const g = new Gen(prng(seed * 104729 + type.length * 31 + name.length));
        const doc = generateDocument(g, type);
        const mutation = mutate(g, doc);
        if (!mutation) continue;
        applied++;
        const format = seed % 2 === 0 ? 'json' : 'yaml';
        const { diagnostics, valid, text } = check(doc, format);
        const context = `${type} seed ${seed} ${format}, mutated ${dotted(mutation.path)}:\n${text}\n${JSON.stringify(diagnostics, null, 1)}`;
        expect(valid, context).toBe(false);
        const errors = diagnostics.filter((d) => d.severity === 'error');
        const hit = errors.find((d) => mutation.codes.includes(d.code) && (dotted(mutation.path).startsWith(d.path) || d.path.startsWith(dotted(mutation.path))));
        expect(hit, context).toBeDefined();
        // The position is real: the reported line holds the mutated key (or, for a missing field, lies inside the document).
        const line = text.split('\n')[hit!.line - 1] ?? '';
        if (hit!.code !== 'schema.required' && !/^\d+$/.test(mutation.path.at(-1)!) && hit!.path === dotted(mutation.path)) {
          expect(line, context).toContain(mutation.path.at(-1));
        }
        expect(JSON.stringify(diagnostics)).not.toContain('SENTINEL');
      }
    }
    expect(applied).toBeGreaterThan(20);
  });
});
