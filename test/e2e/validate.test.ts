// End to end: the built CLI (`node bin/appflow-gitops.js validate`) on the shipped profiles and on
// every case of the bad-file corpus. Needs `npm run build` first (`npm test` does it).
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../support/cli.js';

const BAD = join('test', 'fixtures', 'bad');
const expected = JSON.parse(readFileSync(join(ROOT, BAD, 'expected.json'), 'utf8')) as Record<string, string[]>;
// Spawning a CLI costs ~0.5 s of CPU; a busy CI machine can stretch that a lot.
const SLOW = 90_000;
const cases = readdirSync(join(ROOT, BAD)).filter((name) => statSync(join(ROOT, BAD, name)).isDirectory()).sort();

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Runs `jobs` a few at a time: each spawn pays Node's start-up, and the machine has 2 cores. */
async function limited<T>(jobs: (() => Promise<T>)[], concurrency = 3): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]!();
    }
  }));
  return results;
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
});

describe('appflow-gitops validate (built CLI)', () => {
  it('passes on the shipped profiles/ (exit 0)', async () => {
    const run = await cli('validate', '--profiles', 'profiles');
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('7 profiles valid in 6 files\n');
    expect(run.code).toBe(0);
  }, SLOW);

  it('fails on every bad fixture (exit 1) with located FILE:LINE:COL messages and no stack trace', async () => {
    const runs = await limited(cases.map((name) => () => cli('validate', '--profiles', `${BAD}/${name}`)));
    runs.forEach((run, i) => {
      const name = cases[i]!;
      expect(run.code, `${name}: ${run.stdout}${run.stderr}`).toBe(1);
      const printed = run.stdout.trimEnd().split('\n');
      expect(printed.slice(0, -1), name).toEqual(expected[name]!.map((line) => `${BAD}/${name}/${line}`));
      expect(printed.at(-1), name).toMatch(/^\d+ errors? in \d+ files?; \d+ valid profiles?/);
      expect(run.stdout + run.stderr).not.toMatch(/\n\s+at |SENTINEL/);
    });
  }, 180_000);

  it('prints a machine-readable report with --json', async () => {
    const run = await cli('validate', '--profiles', `${BAD}/duplicate-name`, '--json');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ valid: false, directory: 'ok', filesRead: 2, errorCount: 2, warningCount: 0 });
    expect(report.diagnostics).toEqual([
      expect.objectContaining({ file: `${BAD}/duplicate-name/a.yaml`, line: 1, column: 23, path: 'connectorProfileName', code: 'profile.duplicate-name', severity: 'error' }),
      expect.objectContaining({ file: `${BAD}/duplicate-name/b.json`, line: 2, column: 27, code: 'profile.duplicate-name' }),
    ]);
    const ok = JSON.parse((await cli('validate', '--json')).stdout);
    expect(ok.valid).toBe(true);
    expect(ok.profiles.map((p: { name: string }) => p.name).sort()).toEqual(['datadog', 'google-analytics', 'hubspot', 'redshift', 'salesforce-jwt', 'sap-odata', 'snowflake']);
  }, SLOW);

  it('turns plaintext credentials into a warning with --allow-plaintext-credentials', async () => {
    const run = await cli('validate', '--profiles', `${BAD}/plaintext-credential`, '--allow-plaintext-credentials');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`warning: ${BAD}/plaintext-credential/profile.yaml:13:17: connectorProfileConfig.connectorProfileCredentials.Snowflake.password: plaintext credential accepted`);
    expect(run.stderr).toContain('--allow-plaintext-credentials is for local experiments');
    expect(run.stdout + run.stderr).not.toContain('SENTINEL');
  }, SLOW);

  it('fails on a missing directory with a one-line error', async () => {
    const run = await cli('validate', '--profiles', 'no/such/dir');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("error: profiles directory 'no/such/dir' does not exist\n");
  }, SLOW);

  it('with --json, a missing directory is an error diagnostic that agrees with exit 1', async () => {
    const run = await cli('validate', '--profiles', 'no/such/dir', '--json');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ valid: false, directory: 'missing', errorCount: 1 });
    expect(report.diagnostics).toEqual([
      expect.objectContaining({ file: 'no/such/dir', code: 'directory.missing', severity: 'error', message: "profiles directory 'no/such/dir' does not exist" }),
    ]);
  }, SLOW);
});
