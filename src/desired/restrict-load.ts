// The part of a load that a set of files takes (one target's paths): its profiles, documents,
// diagnostics and failed files. An unreadable directory counts for every selector that reaches
// into it (`takes('dir/')`): its files are unknown, so that target must not prune.
import type { LoadResult } from '../model/types.js';

export function restrictLoad(result: LoadResult, takes: (relativePath: string) => boolean): LoadResult {
  const touches = (path: string) => takes(path) || takes(`${path}/`);
  return {
    ...result,
    profiles: result.profiles.filter((p) => takes(p.source.file)),
    invalid: result.invalid.filter((p) => takes(p.source.file)),
    diagnostics: result.diagnostics.filter((d) => d.file === '' || touches(d.file)),
    failedFiles: result.failedFiles.filter(touches),
  };
}
