// The daemon hands one parse cache to the loader for all its passes: a pass over an unchanged
// profiles directory parses nothing again (every file is a cache hit), and an edited file is the
// only one parsed on the next pass. Observed on the cache itself (what was looked up, what was
// stored after a parse), never by timing. In-process daemon, emulator over HTTP.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProfileParseCache } from '../../src/desired/parse-cache.js';
import { capturedLogger, startTestDaemon, startTestEmulator, testWorkDir } from '../support/in-process-daemon.js';
import { datadogDocument } from '../support/profile-documents.js';
import { waitFor } from '../support/wait-for.js';

afterEach(() => {
  vi.restoreAllMocks();
});

const NAMES = ['cache-a', 'cache-b', 'cache-c'];
/** The file part of a cache key (`absolute path NUL relative path`). */
const fileOf = (key: string) => key.split('\u0000')[1];

describe('the daemon and its parse cache', () => {
  it('a pass over an unchanged directory parses nothing; an edit parses that file alone', async () => {
    const emu = await startTestEmulator({ seed: { secrets: [{ name: 'dd', secretString: JSON.stringify({ apiKey: 'SENTINEL-SECRET-cache-a', applicationKey: 'SENTINEL-SECRET-cache-b' }) }] } });
    const work = await testWorkDir('daemon-parse-cache-');
    const profiles = join(work, 'profiles');
    await mkdir(profiles);
    for (const name of NAMES) await writeFile(join(profiles, `${name}.json`), JSON.stringify(datadogDocument(name)));

    // `set` is called after each parse (a miss), `get` for each file read; their answers say which.
    const stored = vi.spyOn(ProfileParseCache.prototype, 'set');
    const looked = vi.spyOn(ProfileParseCache.prototype, 'get');
    const parsedFiles = () => stored.mock.calls.map(([key]) => fileOf(key)).sort();
    const hits = () => looked.mock.results.filter((r) => r.type === 'return' && r.value !== undefined).length;

    const d = await startTestDaemon(emu, { profilesDir: profiles, stateDir: join(work, 'state'), logger: capturedLogger({ level: 'silent' }).logger });
    await waitFor(() => d.daemon.status().lastReconcile, 15_000);
    await d.daemon.whenIdle();
    expect(d.daemon.status().profiles.map((p) => [p.name, p.condition])).toEqual(NAMES.map((name) => [name, 'Ready']));
    expect(parsedFiles()).toEqual(NAMES.map((name) => `${name}.json`));
    expect(hits()).toBe(0);

    // A resync over the same files: each is looked up and found; none is parsed again.
    const firstPass = d.daemon.status().lastReconcile?.id;
    d.daemon.requestReconcile('resync');
    await d.daemon.whenIdle();
    expect(d.daemon.status().lastReconcile?.id).not.toBe(firstPass);
    expect(stored).toHaveBeenCalledTimes(NAMES.length);
    expect(hits()).toBe(NAMES.length);

    // One file edited: that file alone is parsed; the others are hits again.
    // Written aside and renamed in, so the watcher never sees half a file (which would be parsed too).
    await writeFile(join(work, 'cache-b.json'), JSON.stringify(datadogDocument('cache-b', { instanceUrl: 'https://api.datadoghq.eu' })));
    await rename(join(work, 'cache-b.json'), join(profiles, 'cache-b.json'));
    d.daemon.requestReconcile('resync');
    await d.daemon.whenIdle();
    expect(parsedFiles()).toEqual(['cache-a.json', 'cache-b.json', 'cache-b.json', 'cache-c.json']);
    expect(hits()).toBeGreaterThanOrEqual(NAMES.length + 2);
  }, 60_000);
});
