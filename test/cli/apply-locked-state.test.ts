// apply on a state directory another live process holds: it fails before planning (the lock is
// taken first), in one line naming the holder, exit 1, and sends nothing to AWS at all.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { BIN } from '../support/cli.js';
import { datadogDocument } from '../support/profile-documents.js';

let emu: RunningEmulator;
let work: string;

beforeAll(async () => {
  emu = await startEmulator({ seed: { secrets: [{ name: 'dd', secretString: JSON.stringify({ apiKey: 'SENTINEL-LOCK-API', applicationKey: 'SENTINEL-LOCK-APP' }) }] } });
  work = await mkdtemp(join(tmpdir(), 'apply-locked-'));
  await mkdir(join(work, 'profiles'));
  await mkdir(join(work, 'state'));
  await writeFile(join(work, 'profiles', 'dd.json'), JSON.stringify(datadogDocument('dd')));
  // Held by this (live) test process, as a running daemon would hold it.
  await writeFile(
    join(work, 'state', 'lock'),
    JSON.stringify({ pid: process.pid, hostname: hostname(), instance: 'test-holder', acquiredAt: new Date().toISOString() }),
  );
});

afterAll(async () => {
  await emu?.close();
  await rm(work, { recursive: true, force: true });
});

it('fails fast before planning: one line naming the holder, no AWS call, exit 1', async () => {
  const env = { PATH: process.env.PATH ?? '', HOME: work, AWS_ENDPOINT_URL: emu.endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' };
  const result = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(process.execPath, [BIN, 'apply', '--profiles', 'profiles', '--state', 'state'], { cwd: work, env, timeout: 30_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
  expect(result.code).toBe(1);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^error: state directory is locked by process ${process.pid} on `));
  expect(result.stdout).toBe('');
  expect(result.stdout + result.stderr).not.toContain('SENTINEL');
  // Not even the Describe/GetSecretValue of planning: the lock is checked first.
  expect(emu.requestLog()).toEqual([]);
});
