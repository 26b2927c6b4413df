// Diagnostics: construction, ordering and the one-line text form `FILE:LINE:COL: path: message`.
import type { Diagnostic, DiagnosticSeverity, SourceLocation } from '../model/types.js';

/** `FILE:LINE:COL: path: message` (no path part for file-level problems). Severity is the caller's to show. */
export function formatDiagnostic(d: Diagnostic): string {
  const path = d.path ? `${d.path}: ` : '';
  return `${d.file}:${d.line}:${d.column}: ${path}${d.message}`;
}

export function makeDiagnostic(
  at: SourceLocation,
  code: string,
  message: string,
  path = '',
  severity: DiagnosticSeverity = 'error',
): Diagnostic {
  return { file: at.file, line: at.line, column: at.column, path, message, code, severity };
}

/** File, then line, then column; the original order breaks ties (stable sort). */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
