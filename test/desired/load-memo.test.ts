// The daemon's loader hands the previous pass's LoadResult out again when every file gave the very
// same cached result (src/desired/load-memo.ts). What must hold: a reused result is never stale.
// Every change to the directory gives a fresh result equal to a load without any cache. Real files;
// the cache's clock is moved by the test (files look settled), never slept on.
import { mkdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProfiles, type LoadOptions } from '../../src/desired/load-profiles.js';
import { RACY_WINDOW_MS } from '../../src/desired/file-identity.js';
import { ProfileParseCache } from '../../src/desired/parse-cache.js';
import type { LoadResult } from '../../src/model/types.js';
import { datadog, profileDir } from './helpers.js';

/** A clock this far ahead makes every file in the test look settled (written long before the stat). */
const later = () => Date.now() + 10 * RACY_WINDOW_MS;

/** Two clean profiles, a.yaml and sub/b.yaml. */
function fleet(): string {
  return profileDir({ 'a.yaml': datadog('a'), 'sub/b.yaml': datadog('b') });
}

/** Loads `dir` with `cache` and checks the result against a load without any cache. */
async function loadChecked(dir: string, cache: ProfileParseCache, opts: LoadOptions = {}): Promise<LoadResult> {
  const cached = await loadProfiles(dir, { ...opts, parseCache: cache });
  expect(cached).toEqual(await loadProfiles(dir, opts));
  return cached;
}

/** Same length, and the modification time put back: only the change time (and the text) moved. */
async function editInPlace(file: string, text: string): Promise<void> {
  const before = await stat(file);
  await writeFile(file, text);
  await utimes(file, before.atime, before.mtime);
}

describe('loadProfiles hands out the previous load again', () => {
  it('when nothing changed: the same deep-frozen result, equal to a load without a cache', async () => {
    const dir = fleet();
    const cache = new ProfileParseCache({ now: later });
    const first = await loadChecked(dir, cache);
    const second = await loadChecked(dir, cache);
    expect(second).toBe(first);
    expect(second.profiles.map((p) => p.name)).toEqual(['a', 'b']);
    expect(() => second.profiles.pop()).toThrow(TypeError);
    expect(() => {
      (second as { filesRead: number }).filesRead = 0;
    }).toThrow(TypeError);
    expect(() => {
      (second.profiles[0] as { name: string }).name = 'changed';
    }).toThrow(TypeError);
    expect(await loadChecked(dir, cache)).toBe(first);
  });

  it('never after an edit in place, even one that keeps the size and modification time', async () => {
    const dir = fleet();
    const cache = new ProfileParseCache({ now: later });
    const first = await loadChecked(dir, cache);
    await editInPlace(join(dir, 'a.yaml'), datadog('z'));
    const edited = await loadChecked(dir, cache);
    expect(edited).not.toBe(first);
    expect(edited.profiles.map((p) => p.name)).toEqual(['z', 'b']);
    // The edited result is the one handed out from then on.
    expect(await loadChecked(dir, cache)).toBe(edited);
  });

  it('never after a file is renamed, added or deleted', async () => {
    const dir = fleet();
    const cache = new ProfileParseCache({ now: later });
    const first = await loadChecked(dir, cache);

    await rename(join(dir, 'sub/b.yaml'), join(dir, 'sub/c.yaml'));
    const renamed = await loadChecked(dir, cache);
    expect(renamed).not.toBe(first);
    expect(renamed.profiles.map((p) => p.source.file)).toEqual(['a.yaml', 'sub/c.yaml']);

    await mkdir(join(dir, 'more'));
    await writeFile(join(dir, 'more/d.yaml'), datadog('d'));
    const added = await loadChecked(dir, cache);
    expect(added).not.toBe(renamed);
    expect(added.profiles.map((p) => p.name)).toEqual(['a', 'd', 'b']);

    await rm(join(dir, 'a.yaml'));
    const deleted = await loadChecked(dir, cache);
    expect(deleted).not.toBe(added);
    expect(deleted.profiles.map((p) => p.name)).toEqual(['d', 'b']);
  });

  it('never while a file is within the racy window: a same-size write with the same times is seen', async () => {
    const dir = fleet();
    // The real clock: the files were written just now, so each pass must read them again.
    const cache = new ProfileParseCache();
    const first = await loadChecked(dir, cache);
    await editInPlace(join(dir, 'sub/b.yaml'), datadog('y'));
    const edited = await loadChecked(dir, cache);
    expect(edited).not.toBe(first);
    expect(edited.profiles.map((p) => p.name)).toEqual(['a', 'y']);
  });

  it('never when a duplicate name appears, and a fresh result again once it is gone', async () => {
    const dir = fleet();
    const cache = new ProfileParseCache({ now: later });
    const first = await loadChecked(dir, cache);
    await writeFile(join(dir, 'copy.yaml'), datadog('a'));
    const clash = await loadChecked(dir, cache);
    expect(clash.profiles.map((p) => p.name)).toEqual(['b']);
    expect(clash.diagnostics.map((d) => d.code)).toEqual(['profile.duplicate-name', 'profile.duplicate-name']);
    // A load with diagnostics is never handed out again: each pass gets its own.
    const again = await loadChecked(dir, cache);
    expect(again).not.toBe(clash);
    await rm(join(dir, 'copy.yaml'));
    const after = await loadChecked(dir, cache);
    expect(after).not.toBe(first);
    expect(after.diagnostics).toEqual([]);
    expect(after.profiles.map((p) => p.name)).toEqual(['a', 'b']);
  });

  it('not when one name is in two targets: a change of the targets may make it clash', async () => {
    const dir = profileDir({ 'one/a.yaml': datadog('same'), 'two/a.yaml': datadog('same') });
    const cache = new ProfileParseCache({ now: later });
    const apart: LoadOptions = { scopesOf: (file) => [file.split('/')[0]!] };
    const separate = await loadChecked(dir, cache, apart);
    expect(separate.diagnostics).toEqual([]);
    expect(separate.profiles).toHaveLength(2);
    // The same files, now in one target: the clash is reported, not the previous pass's result.
    const together = await loadChecked(dir, cache, { scopesOf: () => ['all'] });
    expect(together.diagnostics.map((d) => d.code)).toEqual(['profile.duplicate-name', 'profile.duplicate-name']);
    expect(await loadChecked(dir, cache, apart)).not.toBe(separate);
  });

  it('not for a pass over named files, which neither uses nor replaces the full load', async () => {
    const dir = fleet();
    const cache = new ProfileParseCache({ now: later });
    const first = await loadChecked(dir, cache);
    const partial = await loadChecked(dir, cache, { onlyFiles: new Set(['a.yaml']) });
    expect(partial.profiles.map((p) => p.name)).toEqual(['a']);
    expect(await loadChecked(dir, cache)).toBe(first);
  });

  it('not with other loader options (plaintext credentials allowed)', async () => {
    const dir = fleet();
    const cache = new ProfileParseCache({ now: later });
    const first = await loadChecked(dir, cache);
    const plaintext = await loadChecked(dir, cache, { allowPlaintextCredentials: true });
    expect(plaintext).not.toBe(first);
  });
});
