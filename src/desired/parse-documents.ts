// Parses a profile file into documents that remember where each node came from. YAML files may
// hold several documents (---); JSON files hold one. Both go through the `yaml` parser for
// positions (JSON is YAML), but JSON syntax is checked by JSON.parse first so a .json file gets
// JSON's rules (no comments, no trailing commas) and JSON-worded errors.
import { LineCounter, parseAllDocuments, visit, type Document } from 'yaml';
import type { Diagnostic, SourceLocation } from '../model/types.js';
import { makeDiagnostic } from './diagnostics.js';
import { findJsonSyntaxError } from './json-syntax.js';

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
  diagnostics: Diagnostic[];
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
  const diagnostics: Diagnostic[] = [];
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  // parseAllDocuments returns an EmptyStream (not an array) for a file with no documents.
  if (!Array.isArray(parsed)) return { documents, diagnostics };
  for (const doc of parsed) {
    const problems = [...doc.errors, ...doc.warnings];
    if (problems.length > 0) {
      for (const problem of problems) {
        const at = locate(file, lineCounter, problem.pos[0]);
        diagnostics.push(makeDiagnostic(at, 'parse.syntax', `${format === 'json' ? 'JSON' : 'YAML'} syntax: ${safeYamlMessage(problem.code, firstLine(problem.message))}`));
      }
      continue;
    }
    const startOffset = doc.contents?.range?.[0] ?? doc.range[0];
    const start = locate(file, lineCounter, startOffset);
    let value: unknown;
    try {
      // A small alias budget stops "billion laughs" expansion.
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      const at = unresolvedAliasOffset(doc);
      const where = at === undefined ? start : locate(file, lineCounter, at);
      diagnostics.push(makeDiagnostic(where, 'parse.syntax', `YAML: ${firstLine(err instanceof Error ? err.message : String(err))}`));
      continue;
    }
    documents.push({ value, yaml: doc, lineCounter, start });
  }
  return { documents, diagnostics };
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

/**
 * The yaml parser's message without quoted file content: a few messages embed source text (an
 * unexpected token, an escape sequence), which could be part of a plaintext secret.
 */
export function safeYamlMessage(code: string, message: string): string {
  if (code === 'BAD_DQ_ESCAPE') return 'invalid escape sequence in a double-quoted string';
  return message
    .replace(/^Unexpected (.{4,}) in ((?:flow )?\w+)$/, 'Unexpected content in $2')
    .replace(/^Unresolved plain scalar .*$/, 'Unresolved plain scalar');
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

/** JSON's verdict on the text, located; the message never quotes the text (see json-syntax.ts). */
function checkJsonSyntax(file: string, text: string, lineCounter: LineCounter): Diagnostic | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch {
    const error = findJsonSyntaxError(text) ?? { offset: 0, message: 'invalid JSON' };
    // Line starts are needed for the offset: run the counter over the text once.
    lineCounter.addNewLine(0);
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineCounter.addNewLine(i + 1);
    return makeDiagnostic(locate(file, lineCounter, error.offset), 'parse.syntax', `JSON syntax: ${error.message}`);
  }
}
