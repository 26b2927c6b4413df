// The part of a load that a set of files takes (one target's paths): its profiles, documents,
// diagnostics and failed files. An unreadable directory counts for every selector that reaches
// into it (`takes('dir/')`): its files are unknown, so that target must not prune. A declared
// target that takes nothing at all is marked (`emptyTarget`): to that target the directory is
// empty, and a renamed directory must not read as "delete everything it manages".
//
// A daemon's declared target restricts the same deep-frozen load (src/desired/load-memo.ts) with
// the same selector on every pass while nothing changed: that restriction is remembered (and
// deep-frozen too), so the target's pass sees the very same load again and can reuse its plan
// (src/reconcile/plan-memo.ts) as a single target's pass does.
import { deepFreeze, isDeepFrozen } from '../model/deep-frozen.js';
import type { LoadResult, TargetPaths } from '../model/types.js';

type Takes = (relativePath: string) => boolean;

interface Restriction {
  target: TargetPaths | undefined;
  restricted: LoadResult;
}

/**
 * Per deep-frozen load, per selector: its restriction. Both keys weak: a selector made afresh for
 * each call (a one-shot command's) leaves nothing behind once it is gone.
 */
const restrictionsOf = new WeakMap<LoadResult, WeakMap<Takes, Restriction>>();

export function restrictLoad(result: LoadResult, takes: Takes, target?: TargetPaths): LoadResult {
  if (!isDeepFrozen(result)) return restrictAfresh(result, takes, target);
  let bySelector = restrictionsOf.get(result);
  if (bySelector === undefined) restrictionsOf.set(result, (bySelector = new WeakMap()));
  const known = bySelector.get(takes);
  if (known !== undefined && known.target === target) return known.restricted;
  const restricted = deepFreeze(restrictAfresh(result, takes, target));
  bySelector.set(takes, { target, restricted });
  return restricted;
}

function restrictAfresh(result: LoadResult, takes: Takes, target: TargetPaths | undefined): LoadResult {
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
