// apply, import and run on a state directory another live process holds: each fails before it
// does anything else (the lock is taken first), in one line naming the holder, exit 1, and sends
// nothing to AWS at all. For import that also means no file written and no state loaded before
// the lock (a state read before the holder's save would overwrite it).
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { runBuiltCli } from '../support/cli.js';
import { emulatorEnv } from '../support/emulator-harness.js';
import { datadogCreateRequest, datadogDocument } from '../support/profile-documents.js';

let emu: RunningEmulator;
let work: string;
const HOLDER = { pid: process.pid, hostname: hostname(), instance: 'test-holder', acquiredAt: new Date().toISOString() };

beforeAll(async () => {
  emu = await startEmulator({
    seed: {
      secrets: [{ name: 'dd', secretString: JSON.stringify({ apiKey: 'SENTINEL-LOCK-API', applicationKey: 'SENTINEL-LOCK-APP' }) }],
      // An existing profile, so that an import has something to write and record.
      profiles: [datadogCreateRequest('dd-existing', { apiKey: 'SENTINEL-LOCK-EXISTING', applicationKey: 'SENTINEL-LOCK-EXISTING' })],
    },
  });
  work = await mkdtemp(join(tmpdir(), 'locked-state-'));
  await mkdir(join(work, 'profiles'));
  await mkdir(join(work, 'state'));
  await writeFile(join(work, 'profiles', 'dd.json'), JSON.stringify(datadogDocument('dd')));
  // Held by this (live) test process, as a running daemon would hold it.
  await writeFile(join(work, 'state', 'lock'), JSON.stringify(HOLDER));
});

afterAll(async () => {
  await emu?.close();
  await rm(work, { recursive: true, force: true });
});

beforeEach(() => emu.clearRequestLog());

async function cli(...args: string[]) {
  return runBuiltCli(args, { cwd: work, env: { ...emulatorEnv(emu.endpoint), HOME: work }, timeoutMs: 30_000 });
}

function expectLockedFailure(result: { code: number; stdout: string; stderr: string }): void {
  expect(result.code).toBe(1);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^error: state directory is locked by process ${process.pid} on `));
  expect(result.stdout).toBe('');
  expect(result.stdout + result.stderr).not.toContain('SENTINEL');
  // Not even the Describe/GetSecretValue of planning or importing: the lock is checked first.
  expect(emu.requestLog()).toEqual([]);
}

describe('a state directory locked by another live process', () => {
  it('apply fails fast before planning: one line naming the holder, no AWS call, exit 1', async () => {
    expectLockedFailure(await cli('apply', '--profiles', 'profiles', '--state', 'state'));
  });

  it('import fails fast before reading AWS: no AWS call, no file written, state untouched, exit 1', async () => {
    const out = join(work, 'imported');
    expectLockedFailure(await cli('import', '--out', out, '--state', 'state'));
    expect(await readdir(out).catch(() => [])).toEqual([]);
    expect((await readdir(join(work, 'state'))).sort()).toEqual(['lock']);
    expect(JSON.parse(await readFile(join(work, 'state', 'lock'), 'utf8'))).toEqual(HOLDER);
  });

  it('run fails at startup before any AWS call, exit 1', async () => {
    expectLockedFailure(await cli('run', '--profiles', 'profiles', '--state', 'state', '--listen', '127.0.0.1:0'));
    expect(JSON.parse(await readFile(join(work, 'state', 'lock'), 'utf8'))).toEqual(HOLDER);
  });
});
