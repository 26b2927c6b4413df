// Parses a profile file into documents that remember where each node came from. YAML files may
// hold several documents (---); JSON files hold one. Both go through the `yaml` parser for
// positions (JSON is YAML), but JSON syntax is checked by JSON.parse first so a .json file gets
// JSON's rules (no comments, no trailing commas) and JSON-worded errors.
import type { Document, LineCounter } from 'yaml';
import type { Diagnostic, SourceLocation } from '../model/types.js';
import { makeDiagnostic, MAX_DIAGNOSTICS_PER_FILE } from './diagnostics.js';
import { duplicateKeyOffsets } from './duplicate-keys.js';
import { findJsonSyntaxError } from '../json/json-syntax.js';
import { parseFastYaml } from './fast-yaml.js';
import { yamlLibrary } from './yaml-library.js';
import { MAX_DOCUMENTS_PER_FILE, MAX_NESTING_DEPTH, scanYamlStructure } from './yaml-limits.js';
import { safeConversionMessage, safeYamlMessage } from './yaml-messages.js';

export { MAX_DIAGNOSTICS_PER_FILE, MAX_DOCUMENTS_PER_FILE, MAX_NESTING_DEPTH };

export interface ParsedDocument {
  /** The plain value (maps → objects); null for an empty document. */
  value: unknown;
  /** The yaml document, for node positions (built on first use for a document of the fast parse). */
  yaml: Document.Parsed;
  lineCounter: LineCounter;
  /** Where the document's content starts. */
  start: SourceLocation;
  /**
   * Where the string scalar at a path is, found without the yaml document (fast parse only);
   * undefined when the path does not lead to one (node-positions.ts then asks `yaml`).
   */
  scalarAt?: (segments: readonly string[]) => SourceLocation | undefined;
}

export interface ParsedFile {
  documents: ParsedDocument[];
  /** At most MAX_DIAGNOSTICS_PER_FILE. */
  diagnostics: Diagnostic[];
  /** Diagnostics counted beyond that cap but not built. */
  omittedDiagnostics?: number;
}

/** 1-based line and column of a character offset. */
export function locate(file: string, lineCounter: LineCounter, offset: number): SourceLocation {
  const { line, col } = lineCounter.linePos(offset);
  return { file, line, column: col };
}

export function parseProfileText(file: string, text: string, format: 'yaml' | 'json'): ParsedFile {
  const { Composer, LineCounter } = yamlLibrary();
  const lineCounter = new LineCounter();
  if (format === 'json') {
    const jsonError = checkJsonSyntax(file, text, lineCounter);
    if (jsonError) return { documents: [], diagnostics: [jsonError] };
  }
  const documents: ParsedDocument[] = [];
  const diagnostics = new DiagnosticBudget();
  const syntax = `${format === 'json' ? 'JSON' : 'YAML'} syntax`;
  const scan = scanYamlStructure(text, lineCounter.addNewLine);
  if ('tooManyDocuments' in scan) {
    const at = locate(file, lineCounter, scan.tooManyDocuments);
    return { documents, diagnostics: [makeDiagnostic(at, 'file.too-many-documents', `file holds more than ${MAX_DOCUMENTS_PER_FILE} documents (the limit per file); split it`)] };
  }
  if ('tooDeep' in scan) {
    const at = locate(file, lineCounter, scan.tooDeep);
    return { documents, diagnostics: [makeDiagnostic(at, 'parse.too-deep', `nesting deeper than ${MAX_NESTING_DEPTH} levels; a profile needs fewer than 10`)] };
  }
  // uniqueKeys is checked below in linear time (duplicate-keys.ts), not by the library.
  const composer = new Composer({ prettyErrors: false, uniqueKeys: false, logLevel: 'error' });
  for (const doc of composer.compose(scan.tokens)) {
    const problems = [...doc.errors, ...doc.warnings].map((problem) => ({ offset: problem.pos[0], message: safeYamlMessage(problem.code, problem.message) }));
    if (problems.length === 0) for (const offset of duplicateKeyOffsets(doc)) problems.push({ offset, message: 'Map keys must be unique' });
    if (problems.length > 0) {
      for (const problem of problems) diagnostics.add(() => makeDiagnostic(locate(file, lineCounter, problem.offset), 'parse.syntax', `${syntax}: ${problem.message}`));
      continue;
    }
    const startOffset = doc.contents?.range?.[0] ?? doc.range[0];
    const start = locate(file, lineCounter, startOffset);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      const at = unresolvedAliasOffset(doc);
      const where = at === undefined ? start : locate(file, lineCounter, at);
      diagnostics.add(() => makeDiagnostic(where, 'parse.syntax', `YAML: ${safeConversionMessage(err)}`));
      continue;
    }
    documents.push({ value, yaml: doc, lineCounter, start });
  }
  return { documents, diagnostics: diagnostics.list, omittedDiagnostics: diagnostics.omitted };
}

/**
 * The same result as parseProfileText for a file the fast parse (fast-yaml.ts) is sure of, without
 * building the yaml document; undefined for any other file (then call parseProfileText). The
 * document's `yaml` and `lineCounter` are built by parsing the text with positions on first use
 * (a located diagnostic), so a valid file never pays for them.
 */
export function parseProfileValues(file: string, text: string, format: 'yaml' | 'json'): ParsedFile | undefined {
  if (format === 'json' && !isJson(text)) return undefined;
  const fast = parseFastYaml(text);
  if (!fast) return undefined;
  const at = (offset: number) => locateInText(file, text, offset);
  let positioned: ParsedDocument | undefined;
  const withPositions = (): ParsedDocument => {
    positioned ??= parseProfileText(file, text, format).documents[0];
    // The differential test keeps the two parses in agreement; this only guards that promise.
    if (!positioned) throw new Error('the positioned parse disagrees with the fast parse');
    return positioned;
  };
  const document: ParsedDocument = {
    value: fast.value,
    start: at(fast.startOffset),
    get yaml() {
      return withPositions().yaml;
    },
    get lineCounter() {
      return withPositions().lineCounter;
    },
    scalarAt: (segments) => {
      const offset = fast.scalarOffset(segments);
      return offset === undefined ? undefined : at(offset);
    },
  };
  return { documents: [document], diagnostics: [], omittedDiagnostics: 0 };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** 1-based line and column of an offset, counted in the text (line breaks are LF or CRLF on the fast path). */
function locateInText(file: string, text: string, offset: number): SourceLocation {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { file, line, column: offset - lineStart + 1 };
}

/**
 * Alias expansions allowed per document (the library's default, set explicitly): a "billion
 * laughs" file of nested aliases is refused instead of expanded.
 */
export const MAX_ALIAS_COUNT = 100;

/** Keeps the first MAX_DIAGNOSTICS_PER_FILE diagnostics and only counts the rest (they are never built). */
class DiagnosticBudget {
  readonly list: Diagnostic[] = [];
  omitted = 0;

  add(make: () => Diagnostic): void {
    if (this.list.length < MAX_DIAGNOSTICS_PER_FILE) this.list.push(make());
    else this.omitted++;
  }
}

/** Offset of the first alias without an anchor before it (toJS throws for it without a position). */
function unresolvedAliasOffset(doc: Document.Parsed): number | undefined {
  let offset: number | undefined;
  const { visit } = yamlLibrary();
  visit(doc, {
    Alias(_key, node) {
      if (node.resolve(doc) === undefined) {
        offset = node.range?.[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return offset;
}

/** JSON's verdict on the text, located; the message never quotes the text (see json-syntax.ts). */
function checkJsonSyntax(file: string, text: string, lineCounter: LineCounter): Diagnostic | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch {
    const error = findJsonSyntaxError(text) ?? { offset: 0, message: 'invalid JSON' };
    countLines(text, lineCounter);
    return makeDiagnostic(locate(file, lineCounter, error.offset), 'parse.syntax', `JSON syntax: ${error.message}`);
  }
}

/** Line starts for locating offsets in text the yaml parser has not seen (invalid JSON). */
function countLines(text: string, lineCounter: LineCounter): void {
  lineCounter.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
}
