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

/**
 * Diagnostics shown per file: a file with thousands of problems (a generated file, a file of
 * duplicates) costs a screenful, then one summary line, not a log of a hundred thousand lines.
 */
export const MAX_DIAGNOSTICS_PER_FILE = 20;

/**
 * Keeps the first MAX_DIAGNOSTICS_PER_FILE diagnostics of each file (in `sorted` order) and
 * replaces the rest with one `… and N more in this file` line. `omitted` counts diagnostics a
 * file had beyond those in the list (counted but never built).
 */
export function capPerFile(sorted: readonly Diagnostic[], omitted: ReadonlyMap<string, number> = new Map()): Diagnostic[] {
  const kept: Diagnostic[] = [];
  const shown = new Map<string, number>();
  const dropped = new Map<string, { count: number; error: boolean }>();
  for (const d of sorted) {
    const count = shown.get(d.file) ?? 0;
    if (count < MAX_DIAGNOSTICS_PER_FILE) {
      shown.set(d.file, count + 1);
      kept.push(d);
    } else {
      const entry = dropped.get(d.file) ?? { count: 0, error: false };
      entry.count++;
      entry.error ||= d.severity === 'error';
      dropped.set(d.file, entry);
    }
  }
  for (const [file, count] of omitted) {
    if (count === 0) continue;
    const entry = dropped.get(file) ?? { count: 0, error: false };
    entry.count += count;
    entry.error = true; // only errors are ever omitted before this point (parse problems)
    dropped.set(file, entry);
  }
  const result: Diagnostic[] = [];
  let i = 0;
  // Each summary goes right after its file's last kept line, so the output stays grouped by file.
  while (i < kept.length) {
    const file = kept[i]!.file;
    while (i < kept.length && kept[i]!.file === file) result.push(kept[i++]!);
    const extra = dropped.get(file);
    if (extra) {
      const last = result.at(-1)!;
      result.push(makeDiagnostic({ file, line: last.line, column: last.column }, 'file.more-diagnostics', `… and ${extra.count} more in this file`, '', extra.error ? 'error' : 'warning'));
    }
  }
  return result;
}
