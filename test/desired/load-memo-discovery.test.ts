// The reused LoadResult of the daemon's loader (src/desired/load-memo.ts) must carry what this
// load's discovery found besides the files: a link added beside unchanged files that cannot be
// followed is a failed file with its own diagnostic, and a reused result would hide it (and the
// planner's prune guard reads failedFiles). Real files and links; the cache's clock moved.
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProfiles } from '../../src/desired/load-profiles.js';
import { RACY_WINDOW_MS } from '../../src/desired/file-identity.js';
import { ProfileParseCache } from '../../src/desired/parse-cache.js';
import { datadog, profileDir } from './helpers.js';

const later = () => Date.now() + 10 * RACY_WINDOW_MS;

describe('a reused load never hides what discovery found', () => {
  it('a broken link added beside unchanged files is reported, as a load without a cache reports it', async () => {
    const dir = profileDir({ 'a.yaml': datadog('a'), 'b.yaml': datadog('b') });
    const cache = new ProfileParseCache({ now: later });
    const first = await loadProfiles(dir, { parseCache: cache });
    expect(await loadProfiles(dir, { parseCache: cache })).toBe(first);
    await symlink(join(dir, 'nowhere.yaml'), join(dir, 'broken.yaml'));
    const fresh = await loadProfiles(dir);
    expect(fresh.diagnostics.length).toBeGreaterThan(0);
    const cached = await loadProfiles(dir, { parseCache: cache });
    expect(cached).toEqual(fresh);
    expect(cached.failedFiles).toEqual(fresh.failedFiles);
  });
});
