// Hostile profile files (issue 11 items 6, 7 and 9): deep nesting, files of thousands of documents
// or diagnostics, and YAML errors that could quote a secret. Each costs only its own file: the
// other profiles still load, the file is failed (so prune stops), and the output stays short.
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/desired/diagnostics.js';
import { findJsonSyntaxError } from '../../src/json/json-syntax.js';
import { loadProfiles } from '../../src/desired/load-profiles.js';
import { MAX_DIAGNOSTICS_PER_FILE, MAX_DOCUMENTS_PER_FILE, MAX_NESTING_DEPTH } from '../../src/desired/parse-documents.js';
import { ProfileParseCache } from '../../src/desired/parse-cache.js';
import { DATADOG_YAML, profileDir } from './helpers.js';

const lines = (result: Awaited<ReturnType<typeof loadProfiles>>) => result.diagnostics.map(formatDiagnostic);

/** Loads `files` next to a valid profile and checks that the valid one still loads. */
async function loadBeside(files: Record<string, string>) {
  const result = await loadProfiles(profileDir({ 'ok.yaml': DATADOG_YAML, ...files }));
  expect(result.profiles.map((p) => p.name)).toEqual(['datadog']);
  expect(result.failedFiles).toEqual(Object.keys(files).sort());
  return result;
}

function nestedYamlMap(depth: number): string {
  let text = '';
  for (let i = 0; i < depth; i++) text += `${' '.repeat(i)}a:\n`;
  return text;
}

describe('item 6: deep nesting costs one diagnostic for its file', () => {
  it('the JSON scanner does not recurse: 6,000 open brackets give a located error, not a stack overflow', () => {
    expect(findJsonSyntaxError('['.repeat(6000))).toEqual({ offset: 6000, message: 'unexpected end of file, expected a value' });
    expect(findJsonSyntaxError('{"a":'.repeat(6000))).toEqual({ offset: 30_000, message: 'unexpected end of file, expected a value' });
    expect(findJsonSyntaxError(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)).toBeUndefined();
    expect(findJsonSyntaxError(`${'['.repeat(100)}1,]${']'.repeat(99)}`)).toEqual({ offset: 102, message: 'trailing comma before ]' });
  });

  it.each([
    ['deep.json', '['.repeat(6000)],
    ['closed.json', `${'['.repeat(6000)}${']'.repeat(6000)}`],
    ['flow.yaml', '['.repeat(6000)],
    ['flow-closed.yaml', `${'['.repeat(6000)}${']'.repeat(6000)}`],
    ['flow-map.yaml', '{a: '.repeat(6000)],
    ['block-seq.yaml', `${'- '.repeat(6000)}x\n`],
    ['block-map.yaml', nestedYamlMap(1400)],
  ])('%s: one located diagnostic, no stack overflow message', async (name, text) => {
    const result = await loadBeside({ [name]: text });
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ file: name, severity: 'error' });
    expect(formatDiagnostic(result.diagnostics[0]!)).not.toMatch(/call stack|Maximum/);
    if (!name.startsWith('deep.json')) expect(result.diagnostics[0]!.message).toBe(`nesting deeper than ${MAX_NESTING_DEPTH} levels; a profile needs fewer than 10`);
  });

  it('accepts nesting up to the limit', async () => {
    const text = `connectorProfileName: x\nextra: ${'['.repeat(MAX_NESTING_DEPTH - 1)}${']'.repeat(MAX_NESTING_DEPTH - 1)}\n`;
    const result = await loadProfiles(profileDir({ 'p.yaml': text }));
    expect(result.diagnostics.map((d) => d.code)).not.toContain('parse.too-deep');
  });

  it('a failure while loading one file becomes a diagnostic for that file alone', async () => {
    // A parse cache that throws for one file stands in for any unforeseen failure in the loader.
    class Exploding extends ProfileParseCache {
      override get(key: string, text: string, format: 'yaml' | 'json') {
        if (key.endsWith('boom.yaml')) throw new RangeError('Maximum call stack size exceeded SENTINEL');
        return super.get(key, text, format);
      }
    }
    const exploding = await loadProfiles(profileDir({ 'ok.yaml': DATADOG_YAML, 'boom.yaml': DATADOG_YAML.replace('datadog', 'boom') }), { parseCache: new Exploding() });
    expect(exploding.profiles.map((p) => p.name)).toEqual(['datadog']);
    expect(exploding.failedFiles).toEqual(['boom.yaml']);
    expect(lines(exploding)).toEqual(['boom.yaml:1:1: file could not be loaded (internal RangeError); the other files are unaffected']);
  });
});

describe('item 7: documents and diagnostics per file are capped', () => {
  it(`a file of more than ${MAX_DOCUMENTS_PER_FILE} documents is one diagnostic, found without parsing the rest`, async () => {
    let text = '';
    while (text.length < 1_000_000) text += '---\na: 1\n';
    const result = await loadBeside({ 'many.yaml': text });
    expect(lines(result)).toEqual([`many.yaml:${2 * MAX_DOCUMENTS_PER_FILE + 1}:1: file holds more than ${MAX_DOCUMENTS_PER_FILE} documents (the limit per file); split it`]);
  });

  it(`at most ${MAX_DIAGNOSTICS_PER_FILE} diagnostics per file, then one summary line`, async () => {
    let text = '';
    for (let i = 0; i < 500; i++) text += `---\nconnectorProfileName: p${i}\n`;
    const result = await loadBeside({ 'many.yaml': text });
    expect(result.diagnostics).toHaveLength(MAX_DIAGNOSTICS_PER_FILE + 1);
    const last = result.diagnostics.at(-1)!;
    expect(last).toMatchObject({ file: 'many.yaml', code: 'file.more-diagnostics', severity: 'error' });
    expect(last.message).toMatch(new RegExp(`^… and \\d+ more in this file$`));
  });

  it('a document of thousands of duplicate or unknown keys: capped, each located once', async () => {
    let dup = '';
    while (dup.length < 300_000) dup += 'a: 1\n';
    let distinct = 'connectorProfileName: x\n';
    for (let i = 0; distinct.length < 300_000; i++) distinct += `k${i}: 1\n`;
    const result = await loadBeside({ 'dup.yaml': dup, 'distinct.yaml': distinct });
    const perFile = (file: string) => result.diagnostics.filter((d) => d.file === file);
    expect(perFile('dup.yaml')).toHaveLength(MAX_DIAGNOSTICS_PER_FILE + 1);
    expect(perFile('dup.yaml')[0]!.message).toBe('YAML syntax: Map keys must be unique');
    expect(perFile('dup.yaml').at(-1)!.message).toBe(`… and ${dup.length / 5 - 1 - MAX_DIAGNOSTICS_PER_FILE} more in this file`);
    expect(perFile('distinct.yaml')).toHaveLength(MAX_DIAGNOSTICS_PER_FILE + 1);
    expect(perFile('distinct.yaml').at(-1)!.message).toMatch(/^… and \d{5} more in this file$/);
  }, 120_000);

  it('an aliases bomb (billion laughs) is refused by the alias budget', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const result = await loadBeside({ 'bomb.yaml': `${levels.join('\n')}\n` });
    expect(lines(result)).toEqual(['bomb.yaml:1:1: YAML: too many aliases (the limit guards against alias expansion bombs)']);
  });
});

describe('item 9: no YAML message quotes the document', () => {
  it.each([
    ['alias.yaml', 'connectorProfileName: x\npassword: *Hunter2SECRET\n', 'alias.yaml:2:11: YAML: unresolved alias (an alias must follow its anchor)'],
    ['tag.yaml', 'connectorProfileName: x\npassword: !SECRET9 foo\n', 'tag.yaml:2:11: YAML syntax: unknown tag (tags are not used in profile files)'],
    ['tag-map.yaml', 'connectorProfileName: x\npassword: !!SECRET9 foo\n', 'tag-map.yaml:2:11: YAML syntax: unknown tag (tags are not used in profile files)'],
    ['directive.yaml', '%SECRET9 x\n---\na: 1\n', 'directive.yaml:1:1: YAML syntax: unknown or invalid directive'],
    ['header.yaml', 'a: |SECRET9\n  x\n', 'header.yaml:1:5: YAML syntax: Block scalar header includes extra characters'],
    ['verbatim.yaml', 'a: !<SECRET9 x\n', 'verbatim.yaml:1:4: YAML syntax: unknown tag (tags are not used in profile files)'],
  ])('%s', async (name, text, expected) => {
    const result = await loadProfiles(profileDir({ [name]: text }));
    const printed = lines(result);
    expect(printed.join('\n')).not.toMatch(/SECRET9|Hunter2/);
    expect(printed).toContain(expected);
  });
});
