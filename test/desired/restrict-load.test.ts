// restrictLoad: one target's share of a load, and the mark it leaves when a declared target takes
// no file at all (that target's directory is as good as empty: prune must not read it as "gone").
import { describe, expect, it } from 'vitest';
import { restrictLoad } from '../../src/desired/restrict-load.js';
import { deepFreeze, isDeepFrozen } from '../../src/model/deep-frozen.js';
import type { LoadResult } from '../../src/model/types.js';
import { desiredOf, snowflakeDocument } from '../planner/fixtures.js';

const profile = (file: string) => desiredOf(snowflakeDocument(file.replace(/\W/g, '-')), file);

function load(files: string[], extra: Partial<LoadResult> = {}): LoadResult {
  return { directory: 'ok', profiles: files.map(profile), invalid: [], diagnostics: [], failedFiles: [], filesRead: files.length, ...extra };
}

const under = (prefix: string) => (file: string) => file.startsWith(prefix);
const PROD = { name: 'prod-us', paths: ['prod/'] };

describe('restrictLoad', () => {
  it('keeps the files a target takes; a target that takes one is not marked empty', () => {
    const restricted = restrictLoad(load(['prod/a.yaml', 'dev/b.yaml']), under('prod/'), PROD);
    expect(restricted.profiles.map((p) => p.source.file)).toEqual(['prod/a.yaml']);
    expect(restricted.emptyTarget).toBeUndefined();
  });

  it('marks a declared target whose paths match no file, with its name and paths', () => {
    const restricted = restrictLoad(load(['production/a.yaml', 'dev/b.yaml']), under('prod/'), PROD);
    expect(restricted.profiles).toEqual([]);
    expect(restricted.directory).toBe('ok');
    expect(restricted.emptyTarget).toEqual({ name: 'prod-us', paths: ['prod/'] });
  });

  it('leaves no mark without a target (the implicit target, placement checks)', () => {
    expect(restrictLoad(load(['dev/b.yaml']), under('prod/')).emptyTarget).toBeUndefined();
  });

  it('leaves an empty or missing directory to its own guard', () => {
    expect(restrictLoad(load([], { directory: 'empty' }), under('prod/'), PROD).emptyTarget).toBeUndefined();
    expect(restrictLoad(load([], { directory: 'missing' }), under('prod/'), PROD).emptyTarget).toBeUndefined();
  });

  it('a target whose only file failed to load is unknown, not empty (the failed-file guard speaks)', () => {
    const restricted = restrictLoad(load(['dev/b.yaml'], { failedFiles: ['prod/broken.yaml'] }), under('prod/'), PROD);
    expect(restricted.failedFiles).toEqual(['prod/broken.yaml']);
    expect(restricted.emptyTarget).toBeUndefined();
  });

  it('a target whose only document is invalid is not empty', () => {
    const restricted = restrictLoad(load([], { invalid: [{ source: { file: 'prod/bad.yaml', line: 1, column: 1 }, diagnostics: [] }] }), under('prod/'), PROD);
    expect(restricted.emptyTarget).toBeUndefined();
  });

  it("gives a daemon's target the same restriction of the same frozen load every pass, and each selector its own", () => {
    const frozen = deepFreeze(load(['prod/a.yaml', 'dev/b.yaml']));
    const prod = under('prod/');
    const dev = under('dev/');
    const first = restrictLoad(frozen, prod, PROD);
    expect(isDeepFrozen(first)).toBe(true);
    expect(restrictLoad(frozen, prod, PROD)).toBe(first);
    const devShare = restrictLoad(frozen, dev);
    expect(devShare.profiles.map((p) => p.source.file)).toEqual(['dev/b.yaml']);
    expect(restrictLoad(frozen, dev)).toBe(devShare);
    expect(restrictLoad(frozen, prod, PROD)).toBe(first);
    // Another selector (a reloaded configuration) or another load restricts afresh.
    expect(restrictLoad(frozen, under('prod/'), PROD)).not.toBe(first);
    expect(restrictLoad(deepFreeze(load(['prod/a.yaml', 'dev/b.yaml'])), prod, PROD)).not.toBe(first);
    // A load that can change (a one-shot command's) is restricted every time, and left mutable.
    const mutable = load(['prod/a.yaml']);
    const once = restrictLoad(mutable, prod, PROD);
    expect(restrictLoad(mutable, prod, PROD)).not.toBe(once);
    expect(isDeepFrozen(once)).toBe(false);
  });
});
