// The one-shot commands' profile load on a worker thread (src/cli/worker-load.ts) gives the
// very LoadResult the in-thread loader gives (profiles, invalid documents, diagnostics with file,
// line and field, failed files, the directory's status) over the repository's fixtures, broken
// files included; and a worker that cannot start, throws or exits costs nothing: the load falls
// back to the main thread, says why once, and the result is the same. The worker runs the built
// entry (dist/src/cli/load-worker.js), rebuilt when older than its sources.
import { mkdir, writeFile } from 'node:fs/promises';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProfiles } from '../../src/desired/load-profiles.js';
import { LOAD_WORKER_ENV, loadOptionsOf, type WorkerLoadInput } from '../../src/cli/worker-load-input.js';
import { prestartLoadWorker, startProfileLoad } from '../../src/cli/worker-load.js';
import type { TargetSettings } from '../../src/config/target-settings.js';
import { ensureBuilt, ROOT } from '../support/cli.js';
import { datadog, removeDir, tempDir, writeProfiles } from '../integration/plan-helpers.js';

const SOURCES = ['cli/load-worker.ts', 'cli/worker-load.ts', 'cli/worker-load-input.ts', 'desired/load-profiles.ts', 'desired/parse-documents.ts', 'desired/validate-document.ts'];
const ENTRY = pathToFileURL(join(ROOT, 'dist', 'src', 'cli', 'load-worker.js'));
/** A 2-core machine with a core free: the worker starts whatever the test machine's load. */
const FREE_CORE = { cores: 2, loadAverage: 0 };
const bad = fileURLToPath(new URL('../fixtures/bad', import.meta.url));
const badCases = readdirSync(bad).filter((name) => statSync(join(bad, name)).isDirectory()).sort();

/** The worker's result, failing the test if it fell back to the main thread. */
async function viaWorker(input: WorkerLoadInput, env: NodeJS.ProcessEnv = {}) {
  const fallbacks: string[] = [];
  const result = await startProfileLoad(input, { entry: ENTRY, env, ...FREE_CORE }).result((reason) => fallbacks.push(reason));
  expect(fallbacks).toEqual([]);
  return result;
}

let work: string;

beforeAll(async () => {
  ensureBuilt(SOURCES);
  work = await tempDir('worker-load-');
}, 180_000);

afterAll(async () => {
  await removeDir(work);
});

describe('profile load on a worker thread', () => {
  it.each(badCases)('bad fixture %s: the same LoadResult as the in-thread load', async (name) => {
    const input: WorkerLoadInput = { dir: join(bad, name), allowPlaintextCredentials: false, excludeFiles: [] };
    const worker = await viaWorker(input);
    expect(worker).toEqual(await loadProfiles(input.dir, loadOptionsOf(input)));
    expect(worker.failedFiles.length).toBeGreaterThan(0);
  });

  it('the whole bad corpus at once, with plaintext allowed: the same result (profiles, invalid, diagnostics, failed files)', async () => {
    const input: WorkerLoadInput = { dir: bad, allowPlaintextCredentials: true, excludeFiles: [join(bad, 'expected.json')] };
    const worker = await viaWorker(input);
    const inThread = await loadProfiles(input.dir, loadOptionsOf(input));
    expect(worker).toEqual(inThread);
    expect(worker.profiles.length).toBeGreaterThan(0);
    expect(worker.invalid.length).toBeGreaterThan(0);
    expect(worker.diagnostics.some((d) => d.path !== '' && d.line > 1)).toBe(true);
  });

  it('missing and empty directories: the same status', async () => {
    const empty = join(work, 'empty');
    await mkdir(empty, { recursive: true });
    for (const dir of [join(work, 'missing'), empty]) {
      const input: WorkerLoadInput = { dir, allowPlaintextCredentials: false, excludeFiles: [] };
      expect(await viaWorker(input)).toEqual(await loadProfiles(dir, loadOptionsOf(input)));
    }
    expect((await viaWorker({ dir: empty, allowPlaintextCredentials: false, excludeFiles: [] })).directory).toBe('empty');
  });

  it('declared targets: one name in two targets is two profiles, in one target a clash (scopesOf built on the worker)', async () => {
    const dir = join(work, 'targets');
    await writeProfiles(dir, { 'prod/a.json': datadog('same'), 'dev/a.json': datadog('same'), 'dev/b.json': datadog('same') });
    await writeFile(join(dir, 'appflow-gitops.yaml'), 'not a profile: [\n');
    const target = (name: string): TargetSettings => ({ name, region: 'us-east-1', paths: [`${name}/`], implicit: false });
    const input: WorkerLoadInput = { dir, allowPlaintextCredentials: false, excludeFiles: [], targets: [target('prod'), target('dev')] };
    const worker = await viaWorker(input);
    expect(worker).toEqual(await loadProfiles(dir, loadOptionsOf(input)));
    expect(worker.profiles.map((p) => p.source.file)).toEqual(['prod/a.json']);
    expect(worker.failedFiles).toEqual(['dev/a.json', 'dev/b.json']);
    expect(worker.diagnostics.every((d) => d.code === 'profile.duplicate-name')).toBe(true);
  });

  it('more files than maxFiles: left to the main thread (one reason), the same result; up to maxFiles: loaded on the worker', async () => {
    const dir = join(work, 'two-files');
    await writeProfiles(dir, { 'a.json': datadog('a'), 'nested/b.json': datadog('b') });
    const fallbacks: string[] = [];
    const declined = await startProfileLoad({ dir, allowPlaintextCredentials: false, excludeFiles: [], maxFiles: 1 }, { entry: ENTRY, env: {}, ...FREE_CORE }).result((why) => fallbacks.push(why));
    expect(fallbacks).toEqual(['found 2 profile files, more than the 1 it loads']);
    expect(declined).toEqual(await loadProfiles(dir));
    expect(declined.profiles).toHaveLength(2);
    expect(await viaWorker({ dir, allowPlaintextCredentials: false, excludeFiles: [], maxFiles: 2 })).toEqual(declined);
  });

  it('a prestarted worker takes its input by message and gives the same result', async () => {
    const input: WorkerLoadInput = { dir: join(bad, 'duplicate-name'), allowPlaintextCredentials: false, excludeFiles: [] };
    prestartLoadWorker({ entry: ENTRY, env: {}, ...FREE_CORE });
    expect(await viaWorker(input)).toEqual(await loadProfiles(input.dir, loadOptionsOf(input)));
  });
});

describe('a worker that fails: the in-thread load, one reason, the same result', () => {
  const input = (): WorkerLoadInput => ({ dir: join(bad, 'malformed-yaml'), allowPlaintextCredentials: false, excludeFiles: [] });

  it.each([
    ['an entry that does not exist', { entry: pathToFileURL(join(ROOT, 'dist', 'no-such-load-worker.js')), env: {}, ...FREE_CORE }, /failed/],
    ['a worker that throws', { entry: ENTRY, env: { [LOAD_WORKER_ENV]: 'throw' }, ...FREE_CORE }, /failure requested by the test hook/],
    ['a worker that exits', { entry: ENTRY, env: { [LOAD_WORKER_ENV]: 'exit' }, ...FREE_CORE }, /exited with code 3/],
    ['the worker switched off', { entry: ENTRY, env: { [LOAD_WORKER_ENV]: 'off' } }, /=off/],
    ['a process on one core', { entry: ENTRY, env: {}, cores: 1, loadAverage: 0 }, /one core/],
    ['a busy machine', { entry: ENTRY, env: {}, cores: 2, loadAverage: 2.5 }, /busy \(load average 2\.50 on 2 cores\)/],
  ])('%s', async (_case, options, reason) => {
    const fallbacks: string[] = [];
    const load = startProfileLoad(input(), options);
    const result = await load.result((why) => fallbacks.push(why));
    expect(fallbacks).toHaveLength(1);
    expect(fallbacks[0]).toMatch(reason);
    expect(result).toEqual(await loadProfiles(input().dir));
    expect(result.diagnostics.length).toBeGreaterThan(0);
    // Asked again: the same result, no second fallback.
    expect(await load.result((why) => fallbacks.push(why))).toBe(result);
    expect(fallbacks).toHaveLength(1);
  });

  it('a prestarted worker that fails on its input: the in-thread load, one reason', async () => {
    prestartLoadWorker({ entry: ENTRY, env: { [LOAD_WORKER_ENV]: 'throw' }, ...FREE_CORE });
    const fallbacks: string[] = [];
    const result = await startProfileLoad(input(), { entry: ENTRY, env: {}, ...FREE_CORE }).result((why) => fallbacks.push(why));
    expect(fallbacks).toEqual([expect.stringMatching(/failure requested by the test hook/)]);
    expect(result).toEqual(await loadProfiles(input().dir));
  });

  it('a prestarted worker that cannot start: either a new worker loads or the main thread does, with the same result', async () => {
    prestartLoadWorker({ entry: pathToFileURL(join(ROOT, 'dist', 'no-such-load-worker.js')), env: {}, ...FREE_CORE });
    const fallbacks: string[] = [];
    const result = await startProfileLoad(input(), { entry: ENTRY, env: {}, ...FREE_CORE }).result((why) => fallbacks.push(why));
    expect(fallbacks.length).toBeLessThanOrEqual(1);
    expect(result).toEqual(await loadProfiles(input().dir));
  });
});
