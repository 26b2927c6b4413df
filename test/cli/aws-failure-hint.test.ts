// The first AWS failures a newcomer meets say what to check: no credentials, nothing listening at
// AWS_ENDPOINT_URL, an endpoint that is not AWS (the SDK's bare "UnknownError"). The built CLI is
// run with the real SDK against a closed port and against a plain HTTP server that answers 404.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsFailureHint } from '../../src/cli/aws-failure-hint.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'appflow-gitops.js');

function cli(args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = { PATH: process.env.PATH ?? '', HOME: cwd, AWS_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1', AWS_EC2_METADATA_DISABLED: 'true' };
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: { ...base, ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const TEST_KEYS = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };

let work: string;
let notAws: Server;
let notAwsUrl: string;

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'aws-failure-hint.js'))) throw new Error('build first: npx tsc -p tsconfig.build.json');
  work = await mkdtemp(join(tmpdir(), 'aws-hint-'));
  await mkdir(join(work, 'profiles'));
  await writeFile(
    join(work, 'profiles', 'dd.json'),
    JSON.stringify({
      connectorProfileName: 'dd',
      connectorType: 'Datadog',
      connectionMode: 'Public',
      connectorProfileConfig: { connectorProfileProperties: { Datadog: { instanceUrl: 'https://api.datadoghq.com' } } },
    }),
  );
  // Some other web server: answers every request 404 with an empty body, as a wrong port might.
  notAws = createServer((_req, res) => {
    res.writeHead(404, { 'content-length': '0' });
    res.end();
  });
  await new Promise<void>((ok) => notAws.listen(0, '127.0.0.1', ok));
  notAwsUrl = `http://127.0.0.1:${(notAws.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((ok) => notAws?.close(ok));
  await rm(work, { recursive: true, force: true });
});

describe('AWS failure hints in the CLI', () => {
  it('nothing listening at AWS_ENDPOINT_URL: plan, apply and import name the variable', async () => {
    const env = { ...TEST_KEYS, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' };
    for (const args of [['plan'], ['apply', '--state', 'st'], ['import', '--out', 'imported']]) {
      const result = await cli(args, work, env);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(result.stderr).toContain('ECONNREFUSED');
      expect(result.stderr).toContain('nothing is listening at AWS_ENDPOINT_URL=http://127.0.0.1:9 (is the emulator running?)');
    }
  });

  it('an endpoint that is not AWS: the bare "UnknownError" gets a pointer to the endpoint setting', async () => {
    const env = { ...TEST_KEYS, AWS_ENDPOINT_URL_APPFLOW: notAwsUrl, AWS_ENDPOINT_URL_SECRETS_MANAGER: notAwsUrl };
    for (const args of [['plan'], ['apply', '--state', 'st2']]) {
      const result = await cli(args, work, env);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr, args.join(' ')).toContain(`the endpoint answered, but not as AWS does: is AWS_ENDPOINT_URL_APPFLOW=${notAwsUrl} an AppFlow`);
    }
  });

  it('no credentials anywhere: says which settings provide them', async () => {
    const result = await cli(['plan'], work, { AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_CONFIG_FILE: join(work, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(work, 'none') });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it('awsFailureHint: no hint for AWS errors that already say enough, nor for a refused connection to real AWS', () => {
    expect(awsFailureHint('AccessDeniedException', {})).toBeUndefined();
    expect(awsFailureHint('ECONNREFUSED', {})).toBeUndefined();
    expect(awsFailureHint('ENOTFOUND', {})).toContain('wrong AWS_REGION');
    expect(awsFailureHint('ENOTFOUND', { AWS_ENDPOINT_URL: 'http://x.invalid' })).toBe('the host in AWS_ENDPOINT_URL=http://x.invalid does not resolve');
  });
});
