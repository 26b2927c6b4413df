// The rules that keep prune from deleting what it should not. Each guard blocks ALL deletes of
// the pass rather than some of them: a partial prune after a bad checkout is still a bad prune.
import type { DirectoryStatus, PlanOptions, TargetPaths } from '../model/types.js';

export interface PruneGuardInput {
  /** Names that would be deleted if nothing blocked them. */
  candidates: readonly string[];
  directory: DirectoryStatus;
  /** The declared target whose paths match no profile file, when this plan is that target's. */
  emptyTarget?: TargetPaths;
  failedFiles: readonly string[];
  /** Number of invalid documents (their profiles are unknown, not absent). */
  invalidCount: number;
  options: PlanOptions;
}

export type PruneVerdict = { blocked: false } | { blocked: true; reason: string };

export function evaluatePruneGuards(input: PruneGuardInput): PruneVerdict {
  const { candidates, directory, failedFiles, invalidCount, options } = input;
  if (candidates.length === 0) return { blocked: false };
  if (failedFiles.length > 0 || invalidCount > 0) {
    const what =
      failedFiles.length > 0
        ? `${failedFiles.length} file${failedFiles.length === 1 ? '' : 's'} failed to load (${failedFiles.slice(0, 3).join(', ')}${failedFiles.length > 3 ? ', ...' : ''})`
        : `${invalidCount} document${invalidCount === 1 ? ' is' : 's are'} invalid`;
    return { blocked: true, reason: `prune skipped: ${what}; their profiles are unknown, not absent` };
  }
  if (directory !== 'ok' && !options.allowEmpty) {
    return {
      blocked: true,
      reason: `prune skipped: the profiles directory is ${directory}; pass --allow-empty to delete every managed profile`,
    };
  }
  if (input.emptyTarget !== undefined && !options.allowEmpty) {
    const { name, paths } = input.emptyTarget;
    return {
      blocked: true,
      reason: `prune skipped: target ${name}'s paths (${paths.map((p) => p || './').join(', ')}) match no profile file; pass --allow-empty to delete every profile it manages`,
    };
  }
  if (candidates.length > options.maxDeletes) {
    return {
      blocked: true,
      reason: `prune skipped: ${candidates.length} deletes exceed --max-deletes ${options.maxDeletes}`,
    };
  }
  return { blocked: false };
}
