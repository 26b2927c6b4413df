// The fast parse (values only, src/desired/fast-yaml.ts) against the positioned parse
// (parseProfileText): for every text, either the fast parse declines, or the positioned parse
// accepts it with one document of the same value, the same start, and the same location for
// every scalar. Run over every profile file of the repository, hostile cases, and generated texts.
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolvePlainScalar } from '../../src/desired/core-scalars.js';
import { parseEventYaml } from '../../src/desired/fast-yaml.js';
import { parseLineYaml } from '../../src/desired/line-yaml.js';
import { loadProfiles } from '../../src/desired/load-profiles.js';
import { nodeAt, valueLocation } from '../../src/desired/node-positions.js';
import { parseProfileText, parseProfileValues } from '../../src/desired/parse-documents.js';
import { MAX_NESTING_DEPTH } from '../../src/desired/yaml-limits.js';
import { DATADOG_YAML, profileDir } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** Every path to a leaf of `value` (mapping keys, list indices). */
function leafPaths(value: unknown, path: string[] = []): string[][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => leafPaths(item, [...path, String(i)]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => leafPaths(item, [...path, key]));
  return [path];
}

/** Checks the promise for one text; returns whether the fast parse took it. */
function agree(text: string, format: 'yaml' | 'json' = 'yaml'): boolean {
  const fast = parseProfileValues('f.yaml', text, format);
  if (!fast) return false;
  const slow = parseProfileText('f.yaml', text, format);
  expect(slow.diagnostics, text).toEqual([]);
  expect(slow.documents, text).toHaveLength(1);
  const [fastDoc, slowDoc] = [fast.documents[0]!, slow.documents[0]!];
  expect(fastDoc.value, text).toStrictEqual(slowDoc.value);
  expect(fastDoc.start, text).toEqual(slowDoc.start);
  for (const path of leafPaths(slowDoc.value)) {
    const at = fastDoc.scalarAt!(path);
    if (at) expect(at, `${text} at ${path.join('.')}`).toEqual(valueLocation(slowDoc, path));
  }
  agreeLineWithEvents(text);
  return true;
}

/** When the line parse (line-yaml.ts) takes a text the event parse also takes, both give the same. */
function agreeLineWithEvents(text: string): void {
  const lines = parseLineYaml(text);
  const events = parseEventYaml(text);
  if (!lines || !events) return;
  expect(lines.value, text).toStrictEqual(events.value);
  expect(lines.startOffset, text).toBe(events.startOffset);
  for (const path of leafPaths(events.value)) expect(lines.scalarOffset(path), `${text} at ${path.join('.')}`).toBe(events.scalarOffset(path));
}

function profileFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && ['.yaml', '.yml', '.json'].includes(extname(entry.name)))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('the fast parse gives what the positioned parse gives, or declines', () => {
  it('every profile of the repository (profiles/, test/fixtures/)', () => {
    const files = [...profileFiles(join(ROOT, 'profiles')), ...profileFiles(join(ROOT, 'test', 'fixtures'))];
    expect(files.length).toBeGreaterThan(10);
    let taken = 0;
    for (const file of files) if (agree(readFileSync(file, 'utf8'), file.endsWith('.json') ? 'json' : 'yaml')) taken++;
    // The demo profiles are plain YAML: the fast parse must take most of them, or it buys nothing.
    expect(taken).toBeGreaterThan(files.length / 2);
  });

  const hostile: Record<string, string> = {
    tags: 'a: !!str 1\nb: !custom x\n',
    'str tag on a key': '!!str 1: x\n',
    'anchors and aliases': 'a: &x {b: 1}\nc: *x\n',
    'billion laughs': 'a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\n',
    'merge key': 'base: {a: 1}\nm:\n  <<: {a: 2}\n  b: 3\n',
    'duplicate keys': 'a: 1\nb: 2\na: 3\n',
    'duplicate keys, quoted and plain': 'a: 1\n"a": 2\n',
    'duplicate keys in a flow map': '{a: 1, a: 2}\n',
    timestamps: 'a: 2001-12-14t21:59:43.10-05:00\nb: 2002-12-14\n',
    'octal, hex, binary': 'a: 0o17\nb: 0x1F\nc: 017\nd: 0b101\ne: +12\nf: -0\ng: 1_000\n',
    'inf and nan': 'a: .inf\nb: -.Inf\nc: .NaN\nd: .nan\ne: 1e3\nf: 1.50\ng: .5\nh: 6.8523015e+5\n',
    'YAML 1.1 booleans': 'a: yes\nb: No\nc: on\nd: True\ne: FALSE\nf: tRUE\n',
    nulls: 'a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: nUll\n',
    'non-string keys': '1: a\ntrue: b\n~: c\n1.5: d\n.inf: e\n',
    'empty key': '"": a\n',
    'collection keys': '? [a, b]\n: c\n',
    'flow collection key': '{[a]: b}\n',
    'proto key': '__proto__: {polluted: true}\n',
    'several documents': 'a: 1\n---\nb: 2\n',
    'explicit document start': '---\na: 1\n',
    'document end': 'a: 1\n...\n',
    directive: '%YAML 1.2\n---\na: 1\n',
    tabs: 'a:\tb\n',
    'tab indentation': 'a:\n\tb: 1\n',
    'CRLF line ends': 'a: 1\r\nb: "x"\r\nc:\r\n  d: y\r\n',
    'lone CR': 'a: 1\rb: 2\n',
    'deep nesting at the limit': nested(MAX_NESTING_DEPTH),
    'deep nesting over the limit': nested(MAX_NESTING_DEPTH + 1),
    'deep flow nesting': `${'['.repeat(MAX_NESTING_DEPTH + 1)}${']'.repeat(MAX_NESTING_DEPTH + 1)}\n`,
    'huge scalar': `a: ${'x'.repeat(200_000)}\n`,
    'huge key': `${'k'.repeat(1100)}: v\n`,
    'key of 1,020 characters': `${'k'.repeat(1020)}: v\n`,
    'multi-line plain scalar': 'a: one\n  two\n',
    'multi-line quoted scalar': 'a: "one\n  two"\n',
    'block scalars': 'a: |\n  x\n  y\nb: >-\n  x\n  y\n',
    escapes: 'a: "\\x41\\u263A\\t\\/"\n',
    'single-quote escape': "a: 'it''s'\n",
    'comments everywhere': '# head\n\na: 1 # trailing\n# middle\nb: [1, 2] # flow\n',
    'comment without a space': 'a: b#c\nd: "e"#f\n',
    'leading indentation': '  a: 1\n  b: 2\n',
    'flow mapping at the root': '{a: 1, "b": [x, "y"]}\n',
    'flow sequence with pairs': 'a: [b: c, d]\n',
    'empty flow collections': 'a: []\nb: {}\n',
    'sequence at the root': '- a\n- b: c\n',
    'scalar at the root': 'just text\n',
    'quoted root': '"x"\n',
    'empty file': '',
    'comments only': '# nothing\n',
    'NUL-free control characters': 'a: "\u0007"\n',
    'unicode and BOM-less': 'a: "héllo ✓"\nb: ünïcode\n',
    'question mark key': '? a\n: b\n',
    'implicit key in flow with colon': '{a:1}\n',
    'colon in a plain value': 'url: https://x.example:443/a?b=c\n',
    'plain value starting with an indicator': 'a: -x\nb: ?y\nc: :z\n',
    'trailing spaces': 'a: b   \nc: "d"   \n',
    'unterminated quote': 'a: "x\n',
    'bad indentation': 'a:\n  b: 1\n c: 2\n',
    'missing value separator': 'a: b: c\n',
    'JSON duplicate keys': '{"a": 1, "a": 2}',
    'JSON big numbers': '{"a": 12345678901234567890, "b": 1e400, "c": -0, "d": 1.0}',
    'JSON escapes': '{"a": "\\u00e9\\n\\"", "b": "\\ud83d\\ude00"}',
    'JSON proto key': '{"__proto__": {"x": 1}}',
  };
  for (const [name, text] of Object.entries(hostile)) {
    it(`hostile: ${name}`, () => {
      agree(text, name.startsWith('JSON') ? 'json' : 'yaml');
    });
  }

  it('declines what it is not sure of', () => {
    for (const name of ['tags', 'anchors and aliases', 'billion laughs', 'merge key', 'duplicate keys', 'several documents', 'tabs', 'deep nesting over the limit', 'non-string keys', 'proto key', 'collection keys', 'huge key']) {
      expect(parseProfileValues('f.yaml', hostile[name]!, 'yaml'), name).toBeUndefined();
    }
  });

  it('the line parse takes the plain profile and every plain YAML profile of the repository', () => {
    expect(parseLineYaml(DATADOG_YAML)).toBeDefined();
    const files = profileFiles(join(ROOT, 'profiles')).filter((file) => !file.endsWith('.json'));
    const taken = files.filter((file) => parseLineYaml(readFileSync(file, 'utf8')) !== undefined);
    // Lists (oAuthScopes) and several documents in one file are the event parse's.
    expect(taken.length).toBeGreaterThanOrEqual(3);
  });

  const lineHostile: Record<string, string> = {
    'comment deeper than a scalar': 'a: b\n   # c\nd: e\n',
    'comment deeper than an opening key': 'a:\n    # c\n  b: 1\n',
    'plain value ending in a colon': 'a: b:\n',
    'plain value with a colon inside': 'a: b:c\nd: e :f\n',
    'text after a quoted value': 'a: "b" c\n',
    'comment after a quoted value': "a: \"b\" # c\nd: 'e'   # f\n",
    'quoted values with the other quote': 'a: "it\'s"\nb: \'say "x"\'\n',
    'empty quoted values': 'a: ""\nb: \'\'\n',
    'keys with dots, slashes and dashes': 'a.b: 1\nc/d: 2\ne-f: 3\n_g: 4\n9h: 5\n',
    'four-space indentation': 'a:\n    b:\n        c: 1\n    d: 2\ne: 3\n',
    'a dedent to no open level': 'a:\n    b: 1\n  c: 2\n',
    'an opening key with nothing under it': 'a:\nb: 1\nc:\n',
    'an opening key with a comment': 'a: # c\n  b: 1\n',
    'a key and colon without a space': 'a:b\n',
    'a deeper line after a scalar': 'a: b\n  c: d\n',
    'blank lines and spaces everywhere': '\n  \na: 1   \n\n   \nb:\n\n  c: x y  z   \n',
    'hash inside a plain value': 'a: b#c\nd: e # f\ng: h  #i\n',
    'plain values with flow characters inside': 'a: b]\nc: d, e\nf: g}\n',
    'plain values with more spaces inside': 'a: b   c\n',
    'a list under a key': 'a:\n  - b\n',
    'a BOM first': '\uFEFFa: 1\n',
    'NEL and line separators': 'a: b\u0085c\nd: e\u2028f\n',
    'a lone CR inside a value': 'a: b\rc\n',
    'a tab inside a quoted value': 'a: "b\tc"\n',
    'no newline at the end': 'a:\n  b: 1',
    'empty flow collections': 'a: {}\nb: []  # none\n',
    'flow collections that are not empty ones': 'a: {}#x\nd: { }\ne: [] x\n',
  };
  for (const [name, text] of Object.entries(lineHostile)) {
    it(`line parse, hostile: ${name}`, () => {
      agree(text);
    });
  }

  it('the line parse takes what it is written for (so the cases above compare it)', () => {
    const taken = ['comment after a quoted value', 'quoted values with the other quote', 'keys with dots, slashes and dashes', 'four-space indentation', 'an opening key with nothing under it', 'an opening key with a comment', 'blank lines and spaces everywhere', 'hash inside a plain value', 'plain values with flow characters inside', 'no newline at the end', 'empty flow collections'];
    for (const name of taken) expect(parseLineYaml(lineHostile[name]!), name).toBeDefined();
    const declined = ['comment deeper than a scalar', 'plain value ending in a colon', 'text after a quoted value', 'a dedent to no open level', 'a deeper line after a scalar', 'a list under a key', 'a BOM first', 'a lone CR inside a value', 'a tab inside a quoted value', 'flow collections that are not empty ones'];
    for (const name of declined) expect(parseLineYaml(lineHostile[name]!), name).toBeUndefined();
  });

  it('takes the plain profile', () => {
    expect(agree(DATADOG_YAML)).toBe(true);
    expect(agree(JSON.stringify(JSON.parse(JSON.stringify({ a: 'b', c: [1, 'd'] })), null, 2), 'json')).toBe(true);
  });

  it('generated texts: 3,000 small documents from YAML pieces', () => {
    let seed = 17;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const scalars = ['x', 'true', 'no', '1', '-1', '0o7', '0x1f', '1e3', '.5', '.inf', '.nan', '~', 'null', '', '"q"', "'s'", '"a#b"', 'a b', 'a: b', '"{{r}}"', '[1, 2]', '{k: v}', '[]', '{}', '"\\n"', '- a', '#c', '@x', '`y', '|', '>', '2001-01-01', '1_0', '+.5', '-.inf', '"', "'", '[a', 'a]', '},', 'k:v', ' x', 'é'];
    const keys = ['a', 'b', 'c', '"a"', "'b'", '1', 'true', '~', 'a b', '"k:v"', '-', '?', '[x]', 'a#', '__proto__'];
    let taken = 0;
    for (let n = 0; n < 3000; n++) {
      const lines: string[] = [];
      const depth = () => '  '.repeat(Math.floor(random() * 3));
      for (let i = 0, count = 1 + Math.floor(random() * 5); i < count; i++) {
        const r = random();
        if (r < 0.6) lines.push(`${depth()}${pick(keys)}: ${pick(scalars)}`);
        else if (r < 0.75) lines.push(`${depth()}${pick(keys)}:`);
        else if (r < 0.9) lines.push(`${depth()}- ${pick(scalars)}`);
        else lines.push(pick(['# c', '', '  # d', '---', `${pick(keys)}: ${pick(scalars)} # e`]));
      }
      if (agree(`${lines.join(pick(['\n', '\r\n']))}\n`)) taken++;
    }
    expect(taken).toBeGreaterThan(300);
  });

  it('generated texts: 10,000 strings of YAML indicators, quotes, breaks and words', () => {
    let seed = 5;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const pieces = ['a', 'b', ':', ': ', ' ', '  ', '\n', '\n  ', '- ', '[', ']', '{', '}', ',', ', ', '"x"', "'y'", '#c', ' #c', '?', '? ', '1', 'true', '~', '-', '.', '"', "'", '|', '>', '@', '`', '%', 'é', '\\', 'a: b', '\n- ', 'k: [', 'k: {', '\r\n', '---', '...', '=', '<<', 'null'];
    let taken = 0;
    for (let n = 0; n < 10_000; n++) {
      let text = '';
      for (let i = 0, count = 2 + Math.floor(random() * 12); i < count; i++) text += pieces[Math.floor(random() * pieces.length)];
      if (agree(`${text}\n`)) taken++;
    }
    expect(taken).toBeGreaterThan(1000);
  });
});

function nested(depth: number): string {
  let text = '';
  for (let i = 0; i < depth; i++) text += `${' '.repeat(i)}a:\n`;
  return `${text}${' '.repeat(depth)}b: 1\n`;
}

describe('plain scalars resolve as the yaml library resolves them (core schema)', () => {
  it('every spelling of null, booleans, integers and floats, and near misses', () => {
    const spellings = ['', '~', 'null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRue', 'false', 'False', 'FALSE', 'yes', 'no', 'on', 'off', 'y', 'n',
      '0', '-0', '+0', '007', '12', '-12', '+12', '12345678901234567890', '0o17', '0o8', '-0o17', '0O17', '0x1F', '0xff', '-0x1F', '0X1F', '0b101', '1_000', '1,000',
      '.inf', '.Inf', '.INF', '-.inf', '+.inf', '.iNf', 'inf', '.nan', '.NaN', '.NAN', '-.nan', 'nan', 'NaN', 'Infinity',
      '1e3', '1E3', '1e+3', '1e-3', '-1.5e3', '.5e3', '5.e3', '1e', 'e3', '1.5', '1.50', '-1.5', '+1.5', '.5', '5.', '1.2.3', '0.', '-.5', '1e400', '-1e400',
      '2001-12-14', '12:30', '0x', '0o', '-x', '+', '.', 'x'];
    for (const spelling of spellings) expect(resolvePlainScalar(spelling), spelling).toStrictEqual((parse(`a: ${spelling}\n`) as { a: unknown }).a);
  });
});

describe('positions from the fast parse', () => {
  it('a schema error in a file the fast parse took is located by the positioned parse', async () => {
    const text = DATADOG_YAML.replace('connectionMode: Public', 'connectionMode: Sideways');
    expect(parseProfileValues('bad.yaml', text, 'yaml')).toBeDefined();
    const result = await loadProfiles(profileDir({ 'bad.yaml': text }));
    expect(result.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.path}`)).toEqual(['bad.yaml:3:17 connectionMode']);
  });

  it('duplicate names and secret references point at their values', async () => {
    const other = `# another\n\n${DATADOG_YAML.replace('apiKey: "{{', 'apiKey:  "{{')}`;
    const result = await loadProfiles(profileDir({ 'a.yaml': DATADOG_YAML, 'b.yaml': other, 'c.yaml': DATADOG_YAML.replace('datadog\n', 'solo\n') }));
    expect(result.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code}`)).toEqual(['a.yaml:1:23 profile.duplicate-name', 'b.yaml:3:23 profile.duplicate-name']);
    const solo = result.profiles.find((p) => p.name === 'solo')!;
    expect(solo.credentialRefs.map((ref) => `${ref.source?.line}:${ref.source?.column}`)).toEqual(['10:15', '11:23']);
  });

  it('the lazily built yaml document is the positioned one', () => {
    const fast = parseProfileValues('f.yaml', DATADOG_YAML, 'yaml')!.documents[0]!;
    expect(nodeAt(fast, ['connectorType'])?.range?.[0]).toBe(DATADOG_YAML.indexOf('Datadog'));
  });
});
