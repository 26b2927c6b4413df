// The previous full load of a long-running process (the daemon), handed out whole when the load
// found exactly what it was made of again: the same files at the same paths, in the same order,
// each giving the very same cached result (the parse cache hands out a clean file's result as one
// frozen object while its text is unchanged, src/desired/parse-cache.ts). Then duplicate-name
// marking and assembling 1,000 profiles would only rebuild what the previous pass built, so that
// LoadResult (deep-frozen) is returned instead. Every file is still stat'ed (and read when its stat
// cannot be trusted); only the work after that is skipped.
//
// Kept only for a load without any diagnostic (so every file's result is the shared frozen one)
// in which no name appears twice at all: duplicate-name marking depends on the targets' scopes
// (`scopesOf`), which may change between passes, and with every name unique it marks nothing
// whatever the scopes are.
import { deepFreeze } from '../model/deep-frozen.js';
import type { LoadResult } from '../model/types.js';
import type { LoadedFile, ProfileParseCache } from './parse-cache.js';

interface LastLoad {
  /**
   * What the parse cache handed out for each file, in discovery order. The cache stores its own
   * copy per key (path) and hands a clean one out as that very object while the path's text and
   * format are the same, so the same objects in the same order are the same files, paths and texts.
   */
  loaded: readonly LoadedFile[];
  result: LoadResult;
}

/** One per parse cache: the daemon's cache lives as long as the daemon, and so does its last load. */
const lastLoads = new WeakMap<ProfileParseCache, LastLoad>();

/** A load that found files and nothing else: no diagnostic, no invalid document, no failed file. */
function onlyFiles(result: LoadResult): boolean {
  return result.diagnostics.length === 0 && result.invalid.length === 0 && result.failedFiles.length === 0;
}

/**
 * The previous load's result when `loaded` (what each discovered file gave this time, in order;
 * undefined for a file that failed) are the very objects it was made of, and this load (`sofar`,
 * its result before assembly) found nothing besides them: a link added beside unchanged files that
 * cannot be followed is in this load's diagnostics and failed files, and no previous result has
 * it. Otherwise undefined.
 */
export function sameAsLastLoad(cache: ProfileParseCache, loaded: readonly (LoadedFile | undefined)[], sofar: LoadResult): LoadResult | undefined {
  if (!onlyFiles(sofar)) return undefined;
  const last = lastLoads.get(cache);
  if (!last || last.loaded.length !== loaded.length) return undefined;
  for (let i = 0; i < loaded.length; i++) if (last.loaded[i] !== loaded[i]) return undefined;
  return last.result;
}

/**
 * Remembers `result` (deep-frozen from now on) as the load made of `loaded` when it can be handed
 * out again (see above); otherwise forgets whatever was remembered. Returns `result`.
 */
export function rememberLoad(cache: ProfileParseCache, loaded: readonly (LoadedFile | undefined)[], result: LoadResult, nameRepeated: boolean): LoadResult {
  const reusable =
    !nameRepeated &&
    result.directory === 'ok' &&
    onlyFiles(result) &&
    !loaded.includes(undefined);
  if (!reusable) {
    lastLoads.delete(cache);
    return result;
  }
  lastLoads.set(cache, { loaded: loaded as readonly LoadedFile[], result: deepFreeze(result) });
  return result;
}
