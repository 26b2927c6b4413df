// Rendering of a LoadResult for `appflow-gitops validate` (pure: LoadResult in, text out), kept
// apart from the command so other commands can print load problems the same way.
import { posix } from 'node:path';
import type { Diagnostic, LoadResult } from '../model/types.js';
import { formatDiagnostic } from './diagnostics.js';

/** Paths in diagnostics are relative to the profiles directory; users click paths relative to where they ran the tool. */
export function withDirectory(dir: string, d: Diagnostic): Diagnostic {
  const base = dir.split('\\').join('/');
  return { ...d, file: posix.normalize(posix.join(base, d.file)) };
}

export function countBySeverity(diagnostics: readonly Diagnostic[]): { errors: number; warnings: number } {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return { errors, warnings: diagnostics.length - errors };
}

export function renderValidationText(dir: string, result: LoadResult): string {
  // Same convention as plan: warnings carry a `warning: ` prefix, errors none (they fail the run).
  const lines = result.diagnostics.map((d) => `${d.severity === 'warning' ? 'warning: ' : ''}${formatDiagnostic(withDirectory(dir, d))}`);
  const { errors, warnings } = countBySeverity(result.diagnostics);
  const profiles = result.profiles.length;
  const summary = errors === 0
    ? `${profiles} profile${profiles === 1 ? '' : 's'} valid in ${result.filesRead} file${result.filesRead === 1 ? '' : 's'}`
    : `${errors} error${errors === 1 ? '' : 's'} in ${result.failedFiles.length} file${result.failedFiles.length === 1 ? '' : 's'}; ${profiles} valid profile${profiles === 1 ? '' : 's'}`;
  lines.push(warnings > 0 ? `${summary}, ${warnings} warning${warnings === 1 ? '' : 's'}` : summary);
  return `${lines.join('\n')}\n`;
}

export interface ValidationJson {
  valid: boolean;
  profilesDirectory: string;
  directory: LoadResult['directory'];
  filesRead: number;
  profiles: { name: string; file: string; line: number; column: number }[];
  failedFiles: string[];
  errorCount: number;
  warningCount: number;
  diagnostics: Diagnostic[];
}

export function renderValidationJson(dir: string, result: LoadResult, valid: boolean): string {
  const { errors, warnings } = countBySeverity(result.diagnostics);
  const report: ValidationJson = {
    valid,
    profilesDirectory: dir,
    directory: result.directory,
    filesRead: result.filesRead,
    profiles: result.profiles.map((p) => {
      const at = withDirectory(dir, { ...p.source, path: '', message: '', code: '', severity: 'error' });
      return { name: p.name, file: at.file, line: at.line, column: at.column };
    }),
    failedFiles: result.failedFiles.map((f) => withDirectory(dir, { file: f, line: 1, column: 1, path: '', message: '', code: '', severity: 'error' }).file),
    errorCount: errors,
    warningCount: warnings,
    diagnostics: result.diagnostics.map((d) => withDirectory(dir, d)),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
