// Parses a profile file into documents that remember where each node came from. YAML files may
// hold several documents (---); JSON files hold one. Both go through the `yaml` parser for
// positions (JSON is YAML), but JSON syntax is checked by JSON.parse first so a .json file gets
// JSON's rules (no comments, no trailing commas) and JSON-worded errors.
import { Composer, LineCounter, visit, type Document } from 'yaml';
import type { Diagnostic, SourceLocation } from '../model/types.js';
import { makeDiagnostic, MAX_DIAGNOSTICS_PER_FILE } from './diagnostics.js';
import { duplicateKeyOffsets } from './duplicate-keys.js';
import { findJsonSyntaxError } from '../json/json-syntax.js';
import { MAX_DOCUMENTS_PER_FILE, MAX_NESTING_DEPTH, scanYamlStructure } from './yaml-limits.js';
import { safeConversionMessage, safeYamlMessage } from './yaml-messages.js';

export { MAX_DIAGNOSTICS_PER_FILE, MAX_DOCUMENTS_PER_FILE, MAX_NESTING_DEPTH };

export interface ParsedDocument {
  /** The plain value (maps → objects); null for an empty document. */
  value: unknown;
  /** The yaml document, for node positions. */
  yaml: Document.Parsed;
  lineCounter: LineCounter;
  /** Where the document's content starts. */
  start: SourceLocation;
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
