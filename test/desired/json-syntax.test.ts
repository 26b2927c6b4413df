import { describe, expect, it } from 'vitest';
import { findJsonSyntaxError } from '../../src/json/json-syntax.js';

describe('findJsonSyntaxError', () => {
  it('accepts valid JSON', () => {
    for (const text of ['{}', '[]', '{"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"]}', ' \n{"a":{"b":[]}}\n']) {
      expect(findJsonSyntaxError(text), text).toBeUndefined();
      expect(() => JSON.parse(text)).not.toThrow();
    }
  });

  it.each([
    ['{"a": 1,}', 8, 'trailing comma before }'],
    ['[1, 2,]', 6, 'trailing comma before ]'],
    ['{"a" 1}', 5, "expected ':' after the property name"],
    ["{'a': 1}", 1, 'expected a property name in double quotes'],
    ['{"a": \'x\'}', 6, 'strings must use double quotes'],
    ['{"a": "unterminated', 6, 'unterminated string'],
    ['{"a": 1 "b": 2}', 8, "expected ',' or '}'"],
    ['{"a": 01}', 7, "expected ',' or '}'"],
    ['{"a": "x\\qy"}', 8, 'invalid escape in string'],
    ['{"a": 1} x', 9, 'unexpected content after the end of the JSON value'],
    ['{"a": ', 6, 'unexpected end of file, expected a value'],
    ['', 0, 'unexpected end of file, expected a value'],
    ['{\n  // note\n  "a": 1}', 4, 'comments are not allowed in JSON; write the profile as a .yaml file to keep comments'],
    ['{"a": 1, /* note */ "b": 2}', 9, 'comments are not allowed in JSON; write the profile as a .yaml file to keep comments'],
    ['{"a": /* note */ 1}', 6, 'comments are not allowed in JSON; write the profile as a .yaml file to keep comments'],
  ])('%s → offset %i: %s', (text, offset, message) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(findJsonSyntaxError(text)).toEqual({ offset, message });
  });

  it('never quotes the input (JSON.parse does, which could print a secret)', () => {
    const text = '{"password": SENTINEL-SECRET-abc}';
    expect(() => JSON.parse(text)).toThrow(/SENTINEL/);
    const error = findJsonSyntaxError(text)!;
    expect(error.offset).toBe(13);
    expect(error.message).not.toContain('SENTINEL');
  });
});

describe('safeYamlMessage', () => {
  it('drops quoted source text from the yaml parser messages that carry it', async () => {
    const { safeYamlMessage } = await import('../../src/desired/yaml-messages.js');
    expect(safeYamlMessage('BAD_DQ_ESCAPE', 'Invalid escape sequence \\q')).toBe('invalid escape sequence in a double-quoted string');
    expect(safeYamlMessage('UNEXPECTED_TOKEN', 'Unexpected SENTINEL-SECRET in flow map')).toBe('Unexpected content in flow map');
    expect(safeYamlMessage('UNEXPECTED_TOKEN', 'Unexpected , in flow map')).toBe('Unexpected , in flow map');
    expect(safeYamlMessage('DUPLICATE_KEY', 'Map keys must be unique')).toBe('Map keys must be unique');
  });
});
