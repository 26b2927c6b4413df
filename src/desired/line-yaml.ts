// The values of the commonest profile file, read line by line: nested block mappings of plain
// keys whose values are plain, single- or double-quoted one-line scalars, with comments and blank
// lines anywhere. That is every file of a generated or hand-written fleet in this project's shape
// (see profiles/), and it costs a tenth of js-yaml's event parser (fast-yaml.ts) per file, which
// spent about 85 us on each 500-byte profile (a sixth of a fresh 1,000-profile `apply`).
//
// An empty `{}` or `[]` is taken too (`GoogleAnalytics: {}`).
//
// Like fast-yaml.ts, it only takes what it is sure of and declines everything else (returns
// undefined): the event parser, then the positioned parse, decide the rest, so a file's value,
// verdict and diagnostics are the same whichever parse took it (test/desired/fast-yaml.test.ts
// compares them on every profile of the repository, hostile cases and generated texts).
//
// Declined (on top of what fast-yaml.ts declines for the whole text): a byte order mark, control
// and surrogate characters, an indented first line, lists (`- `), flow collections other than an empty `{}` or `[]`, block scalars,
// keys that are not plain words ([A-Za-z0-9_] first, then also `.`, `/`, `-`) or that the core
// schema reads as something other than a string, repeated keys, `__proto__`, plain values that
// start with an indicator or hold `: ` or end in `:`, quoted values with an escape or more text
// after them, and any line indented past where it could start a value of its own (a plain scalar
// going on over several lines).
import { resolvePlainScalar } from './core-scalars.js';
import { ownString } from './own-string.js';

/** What fast-yaml.ts's FastDocument holds (the same shape; declared here so neither imports the other's types). */
export interface LineDocument {
  value: unknown;
  startOffset: number;
  scalarOffset(segments: readonly string[]): number | undefined;
}

/** Characters the event parser's printable check refuses, tabs, surrogates, BOMs and a CR not before LF: declined. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const DECLINE_CHARACTERS = /[\x00-\x09\x0B\x0C\x0E-\x1F\x7F-\x9F\uD800-\uDFFF\uFEFF\uFFFE\uFFFF]|\r(?!\n)/;

/** A plain key: a word that starts with a letter, a digit or `_`. */
const PLAIN_KEY = /[A-Za-z0-9_][A-Za-z0-9_./-]*/y;

/** First characters of a plain scalar that are YAML indicators (or could be, before more text): declined. */
const PLAIN_FIRST_DECLINED = new Set('-?:,[]{}#&*!|>\'"%@`');

/** Far deeper than any profile (fewer than 10 levels); the event parser decides deeper files. */
const MAX_LINE_DEPTH = 32;

/** Longest key taken: below the 1,024 characters the `yaml` library accepts for an implicit key. */
const MAX_KEY_LENGTH = 1000;

const SPACE = 0x20;
const HASH = 0x23;

class Declined extends Error {}

function decline(): never {
  throw new Declined();
}

interface OpenMapping {
  indent: number;
  map: Record<string, unknown>;
  /** The mapping's path, its keys joined by NUL (the root's is ''). */
  path: string;
}

/** The values of `text` when it is one plain block mapping of one-line scalars; else undefined. */
export function parseLineYaml(text: string): LineDocument | undefined {
  if (DECLINE_CHARACTERS.test(text)) return undefined;
  try {
    return new LineParser(text).parse();
  } catch (err) {
    if (err instanceof Declined) return undefined;
    throw err;
  }
}

class LineParser {
  readonly #text: string;
  readonly #open: OpenMapping[] = [];
  /** Offsets of the non-empty scalars, by path (keys joined by NUL). */
  readonly #offsets = new Map<string, number>();
  /** A key with nothing after it: a nested mapping if the next line is deeper, else null. */
  #pending: { parent: OpenMapping; key: string; indent: number } | undefined;
  /** The indentation of the last key whose value was a scalar: no line may go deeper (continuation). */
  #scalarIndent = -1;
  #startOffset = -1;

  constructor(text: string) {
    this.#text = text;
  }

  parse(): LineDocument {
    const text = this.#text;
    for (let lineStart = 0; lineStart < text.length; ) {
      let lineEnd = text.indexOf('\n', lineStart);
      const next = lineEnd === -1 ? text.length : lineEnd + 1;
      if (lineEnd === -1) lineEnd = text.length;
      // CRLF: fast-yaml.ts has already declined a CR anywhere else.
      if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 0x0d) lineEnd--;
      this.#line(lineStart, lineEnd);
      lineStart = next;
    }
    if (this.#startOffset === -1) decline();
    this.#closePending();
    const root = this.#open[0]!.map;
    const offsets = this.#offsets;
    return {
      value: root,
      startOffset: this.#startOffset,
      scalarOffset: (segments) => (segments.length === 0 ? undefined : offsets.get(segments.join('\u0000'))),
    };
  }

  #line(start: number, end: number): void {
    const text = this.#text;
    let at = start;
    while (at < end && text.charCodeAt(at) === SPACE) at++;
    const indent = at - start;
    if (at === end) return; // blank
    if (text.charCodeAt(at) === HASH) {
      // A comment deeper than a scalar's key could read as that scalar going on: leave it to the others.
      if (this.#scalarIndent !== -1 && indent > this.#scalarIndent) decline();
      return;
    }
    const parent = this.#parentFor(indent, at);
    this.#entry(parent, indent, at, end);
  }

  /** The mapping a key line at `indent` belongs to (opening or closing mappings as needed). */
  #parentFor(indent: number, at: number): OpenMapping {
    const pending = this.#pending;
    if (pending && indent > pending.indent) {
      if (this.#open.length >= MAX_LINE_DEPTH) decline();
      const child: OpenMapping = { indent, map: {}, path: pathOf(pending.parent, pending.key) };
      pending.parent.map[pending.key] = child.map;
      this.#pending = undefined;
      this.#open.push(child);
      return child;
    }
    this.#closePending();
    if (this.#open.length === 0) {
      if (indent !== 0) decline();
      this.#startOffset = at;
      const root: OpenMapping = { indent: 0, map: {}, path: '' };
      this.#open.push(root);
      return root;
    }
    while (this.#open[this.#open.length - 1]!.indent > indent) this.#open.pop();
    const top = this.#open[this.#open.length - 1]!;
    if (top.indent !== indent) decline();
    return top;
  }

  #closePending(): void {
    if (!this.#pending) return;
    this.#pending.parent.map[this.#pending.key] = null;
    this.#pending = undefined;
  }

  /** `key: value` or `key:` at `at`, in `parent`. */
  #entry(parent: OpenMapping, indent: number, at: number, end: number): void {
    const text = this.#text;
    PLAIN_KEY.lastIndex = at;
    if (!PLAIN_KEY.test(text) || PLAIN_KEY.lastIndex > end) decline();
    const keyEnd = PLAIN_KEY.lastIndex;
    if (keyEnd - at >= MAX_KEY_LENGTH || text.charCodeAt(keyEnd) !== 0x3a /* : */) decline();
    const key = text.slice(at, keyEnd);
    if (key === '__proto__' || Object.hasOwn(parent.map, key) || typeof resolvePlainScalar(key) !== 'string') decline();
    let valueAt = keyEnd + 1;
    if (valueAt < end && text.charCodeAt(valueAt) !== SPACE) decline();
    while (valueAt < end && text.charCodeAt(valueAt) === SPACE) valueAt++;
    if (valueAt === end || text.charCodeAt(valueAt) === HASH) {
      this.#pending = { parent, key, indent };
      this.#scalarIndent = -1;
      return;
    }
    this.#scalarIndent = indent;
    const empty = emptyCollection(text.slice(valueAt, end));
    if (empty) {
      parent.map[key] = empty === '{}' ? {} : [];
      return;
    }
    parent.map[key] = this.#scalar(valueAt, end);
    this.#offsets.set(pathOf(parent, key), valueAt);
  }

  /** The one-line scalar from `at` (its first character) to the end of the line. */
  #scalar(at: number, end: number): unknown {
    const text = this.#text;
    const first = text[at]!;
    if (first === '"' || first === "'") {
      const close = text.indexOf(first, at + 1);
      if (close === -1 || close >= end) decline();
      const content = text.slice(at + 1, close);
      if (first === '"' && content.includes('\\')) decline();
      if (first === "'" && text.charCodeAt(close + 1) === 0x27) decline(); // '' is an escaped quote
      let rest = close + 1;
      while (rest < end && text.charCodeAt(rest) === SPACE) rest++;
      if (rest < end && !(text.charCodeAt(rest) === HASH && rest > close + 1)) decline();
      return ownString(content);
    }
    if (PLAIN_FIRST_DECLINED.has(first)) decline();
    // Only this line is searched: a file of a thousand lines is read once, not a thousand times.
    const line = text.slice(at, end);
    const comment = line.indexOf(' #');
    let length = comment === -1 ? line.length : comment;
    while (line.charCodeAt(length - 1) === SPACE) length--;
    const source = line.slice(0, length);
    if (source.includes(': ') || source.endsWith(':')) decline();
    return resolvePlainScalar(ownString(source));
  }
}

/** `{}` or `[]` (an empty mapping or list, as `GoogleAnalytics: {}`), alone or before a comment. */
function emptyCollection(value: string): '{}' | '[]' | undefined {
  const found = /^(\{\}|\[\])(?: *| +#.*)$/.exec(value);
  return found ? (found[1] as '{}' | '[]') : undefined;
}

/** A key's path below the root: its mapping's path and the key, joined by NUL. */
function pathOf(parent: OpenMapping, key: string): string {
  return parent.path === '' ? key : `${parent.path}\u0000${key}`;
}
