// `run` (and so `npm start`) on a port that is taken: one line that says how to pick another.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';

const BIN = join(resolve(import.meta.dirname, '..', '..'), 'bin', 'appflow-gitops.js');

let work: string;
let busy: Server;
let port: number;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'run-listen-'));
  busy = createServer();
  await new Promise<void>((ok) => busy.listen(0, '127.0.0.1', ok));
  port = (busy.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((ok) => busy?.close(ok));
  await rm(work, { recursive: true, force: true });
});

it('a port in use: exit 1, one error line naming the address and the --listen flag, no stack trace', async () => {
  const env = { PATH: process.env.PATH ?? '', HOME: work, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: 't', AWS_SECRET_ACCESS_KEY: 't', AWS_REGION: 'us-east-1' };
  const result = await new Promise<{ code: number; stderr: string }>((done) => {
    execFile(process.execPath, [BIN, 'run', '--profiles', work, '--state', join(work, 'state'), '--listen', `127.0.0.1:${port}`], { cwd: work, env, timeout: 30_000 }, (error, _stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr });
    });
  });
  expect(result.code).toBe(1);
  const errors = result.stderr.split('\n').filter((line) => line.startsWith('error:'));
  expect(errors).toEqual([
    `error: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port}; choose another address with --listen HOST:PORT (port 0 = any free port; with npm start: npm start -- --listen 127.0.0.1:0)`,
  ]);
  expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
});

it('listens on loopback unless told otherwise (a container passes --listen :8080)', async () => {
  const help = await new Promise<string>((done) => {
    execFile(process.execPath, [BIN, 'run', '--help'], { cwd: work, timeout: 30_000 }, (_error, stdout) => done(stdout));
  });
  expect(help.replace(/\s+/g, ' ')).toMatch(/--listen <addr> .*\(default: 127\.0\.0\.1:8080\)/);
});
