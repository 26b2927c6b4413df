// The part of a load that a set of files takes (one target's paths): its profiles, documents,
// diagnostics and failed files. An unreadable directory counts for every selector that reaches
// into it (`takes('dir/')`): its files are unknown, so that target must not prune. A declared
// target that takes nothing at all is marked (`emptyTarget`): to that target the directory is
// empty, and a renamed directory must not read as "delete everything it manages".
import type { LoadResult, TargetPaths } from '../model/types.js';

export function restrictLoad(result: LoadResult, takes: (relativePath: string) => boolean, target?: TargetPaths): LoadResult {
  const touches = (path: string) => takes(path) || takes(`${path}/`);
  const restricted: LoadResult = {
    ...result,
    profiles: result.profiles.filter((p) => takes(p.source.file)),
    invalid: result.invalid.filter((p) => takes(p.source.file)),
    diagnostics: result.diagnostics.filter((d) => d.file === '' || touches(d.file)),
    failedFiles: result.failedFiles.filter(touches),
  };
  // A directory that is itself missing or empty has its own guard; this is the target's share of an 'ok' one.
  const takesNothing = restricted.profiles.length === 0 && restricted.invalid.length === 0 && restricted.failedFiles.length === 0;
  if (target !== undefined && result.directory === 'ok' && takesNothing) restricted.emptyTarget = { name: target.name, paths: [...target.paths] };
  return restricted;
}
