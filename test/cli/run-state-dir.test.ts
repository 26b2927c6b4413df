// `run` creates its state directory private (0700), as apply and import do: the directory holds
// the inventory, write intents and the fingerprint key (issue 11, "also").
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { DaemonProcess } from '../e2e/daemon-process.js';
import { ensureBuilt } from '../support/cli.js';

ensureBuilt(['runtime/run-daemon.ts']);

let work: string | undefined;
let daemon: DaemonProcess | undefined;
afterEach(async () => {
  daemon?.kill();
  if (work) await rm(work, { recursive: true, force: true });
});

it('creates a missing state directory (and its missing parents) with mode 0700', async () => {
  work = await mkdtemp(join(tmpdir(), 'run-state-dir-'));
  const state = join(work, 'var', 'state');
  const env = { PATH: process.env.PATH ?? '', HOME: work, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: 't', AWS_SECRET_ACCESS_KEY: 't', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' };
  daemon = new DaemonProcess(['--profiles', join(work, 'profiles'), '--state', state, '--listen', '127.0.0.1:0'], env, work);
  await daemon.started();
  expect(((await stat(state)).mode & 0o777).toString(8)).toBe('700');
  expect(((await stat(join(work, 'var'))).mode & 0o777).toString(8)).toBe('700');
});
