// Wrong --profiles / --state paths: one clear line naming the path, exit 1, before any AWS call
// or state write. Before these checks, `apply --profiles typo` printed "no changes" and exited 0,
// and a --state that was a file failed with "EEXIST: file already exists, mkdir ...".
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkProfilesDirectory, checkStateDirectory } from '../../src/cli/preflight.js';
import { UserError } from '../../src/cli/user-error.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'appflow-gitops.js');

/** The built CLI with AWS pointed at a closed port: any AWS call would fail, and show in stderr. */
function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: cwd,
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    AWS_MAX_ATTEMPTS: '1',
  };
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env, timeout: 30_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

let work: string;

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'preflight.js'))) throw new Error('build first: npx tsc -p tsconfig.build.json');
  work = await mkdtemp(join(tmpdir(), 'preflight-'));
  await mkdir(join(work, 'profiles'));
  await writeFile(join(work, 'a-file'), 'not a directory\n');
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('apply: wrong paths', () => {
  it('a missing profiles directory is an error (exit 1, one line), as for plan; no state is written', async () => {
    const result = await cli(['apply', '--profiles', 'profilez', '--state', 'st'], work);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      "error: profiles directory 'profilez' does not exist (pass --profiles DIR, or --allow-empty to apply with no profiles)\n",
    );
    expect(existsSync(join(work, 'st'))).toBe(false);
  });

  it('a profiles path that is a file is named as such', async () => {
    const result = await cli(['apply', '--profiles', 'a-file', '--state', 'st'], work);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("error: profiles directory 'a-file' is not a directory\n");
  });

  it('a state path that is a file, or lies under one, fails in one line naming it', async () => {
    const direct = await cli(['apply', '--profiles', 'profiles', '--state', 'a-file'], work);
    expect(direct.code).toBe(1);
    expect(direct.stderr).toBe("error: state directory 'a-file' is not a directory; pass --state DIR\n");

    const nested = await cli(['apply', '--profiles', 'profiles', '--state', 'a-file/state'], work);
    expect(nested.code).toBe(1);
    expect(nested.stderr).toBe(`error: state directory 'a-file/state' cannot be created: '${join(work, 'a-file')}' is not a directory; pass --state DIR\n`);
  });

  it('run: a state path that is a file fails before the daemon starts', async () => {
    const result = await cli(['run', '--profiles', 'profiles', '--state', 'a-file', '--listen', '127.0.0.1:0'], work);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("error: state directory 'a-file' is not a directory; pass --state DIR\n");
    expect(result.stdout).not.toContain('daemon.started');
  });
});

describe('preflight checks', () => {
  it('accept an existing directory, a creatable state directory, and --allow-empty for a missing profiles directory', async () => {
    await expect(checkProfilesDirectory(join(work, 'profiles'), { allowEmpty: false, command: 'apply' })).resolves.toBeUndefined();
    await expect(checkProfilesDirectory(join(work, 'nope'), { allowEmpty: true, command: 'apply' })).resolves.toBeUndefined();
    await expect(checkStateDirectory(join(work, 'new', 'deeper', 'state'))).resolves.toBeUndefined();
    // The check creates nothing: the state store does that on first write.
    expect(await readdir(work)).not.toContain('new');
  });

  it('reject with a UserError (printed without a stack trace)', async () => {
    await expect(checkProfilesDirectory(join(work, 'nope'), { allowEmpty: false, command: 'apply' })).rejects.toBeInstanceOf(UserError);
    await expect(checkStateDirectory(join(work, 'a-file'))).rejects.toThrow(/is not a directory/);
  });
});
