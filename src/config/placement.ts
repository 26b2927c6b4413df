// Which target each profile file belongs to. A file may belong to several targets (the same
// profile in two accounts or regions); a file in none is an error, because nothing would ever
// reconcile it and a user would wait for it forever.
import type { Diagnostic, LoadResult } from '../model/types.js';
import { makeDiagnostic } from '../desired/diagnostics.js';
import { restrictLoad } from '../desired/restrict-load.js';
import type { AppConfig } from './app-config.js';
import { targetTakesFile, type TargetSettings } from './target-settings.js';

/** Every file the loader saw a document in (valid or not), relative to the profiles directory. */
export function filesOf(result: LoadResult): string[] {
  const files = new Set<string>();
  for (const profile of result.profiles) files.add(profile.source.file);
  for (const invalid of result.invalid) if (invalid.source.file) files.add(invalid.source.file);
  return [...files].sort();
}

export function targetsOfFile(targets: readonly TargetSettings[], relativePath: string): TargetSettings[] {
  return targets.filter((target) => targetTakesFile(target, relativePath));
}

/**
 * Errors for files no target takes, and a warning per target that takes no file (most often a
 * typo in `paths`). Nothing to say for the implicit target, which takes every file.
 * `selected`: the targets of this run (--target).
 */
export function placementDiagnostics(config: AppConfig, files: readonly string[], selected: readonly TargetSettings[] = config.targets): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const names = config.targets.map((t) => t.name).join(', ');
  // With --target, a file in no target belongs to none of the selected ones: not this run's business.
  const everyTarget = selected.length === config.targets.length;
  for (const file of everyTarget ? files : []) {
    if (targetsOfFile(config.targets, file).length === 0) {
      diagnostics.push(makeDiagnostic({ file, line: 1, column: 1 }, 'config.file-in-no-target', `no target takes this file (targets: ${names}); add its directory to a target's paths in ${config.file ?? 'appflow-gitops.yaml'}`));
    }
  }
  for (const target of selected) {
    if (target.implicit || files.some((file) => targetTakesFile(target, file))) continue;
    diagnostics.push(makeDiagnostic({ file: config.file ?? '', line: 1, column: 1 }, 'config.target-without-files', `target '${target.name}' takes no profile file (paths: ${target.paths.join(', ')})`, '', 'warning'));
  }
  return diagnostics;
}

/** The part of a load that belongs to the given targets: their files' profiles, documents and diagnostics. */
export function restrictToTargets(result: LoadResult, targets: readonly TargetSettings[]): LoadResult {
  return restrictLoad(result, (file) => targets.some((target) => targetTakesFile(target, file)));
}
