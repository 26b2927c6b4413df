// What `run` loads with a state directory: the DynamoDB client and lib-dynamodb (the shared
// state's code, with the lease) load only when --state names a table. Checked on the built CLI
// through Node's own module debug log (NODE_DEBUG=module,esm names every file it loads), not by
// timing, as test/cli/lazy-modules.test.ts does for the one-shot commands. The daemon on the
// shared state still loads them: test/e2e/ha-daemons.test.ts runs it against DynamoDB Local.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { ensureBuilt } from '../support/cli.js';
import { loadedPackages } from '../support/module-log.js';
import { datadog, ddSecret, removeDir, tempDir, writeProfiles } from '../integration/plan-helpers.js';
import { DaemonProcess, emulatorEnv } from './daemon-process.js';

const SOURCES = ['cli/commands/run.ts', 'runtime/run-daemon.ts', 'runtime/fleet-member.ts', 'leadership/lease-timing.ts', 'leadership/target-lease.ts'];
const DYNAMODB = ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'];

let emu: RunningEmulator;
let work: string;
let daemon: DaemonProcess | undefined;

beforeAll(async () => {
  ensureBuilt(SOURCES);
  emu = await startEmulator({ seed: { secrets: [ddSecret('dd', 'one')] } });
  work = await tempDir('run-lazy-modules-');
}, 180_000);

afterAll(async () => {
  if (daemon) await daemon.stop();
  await emu?.close();
  await removeDir(work);
});

describe('run on a state directory', () => {
  it('converges and serves /readyz without loading the DynamoDB client or lib-dynamodb', async () => {
    const profiles = join(work, 'profiles');
    await writeProfiles(profiles, { 'a.json': datadog('a') });
    daemon = new DaemonProcess(
      ['--profiles', profiles, '--state', join(work, 'state'), '--listen', '127.0.0.1:0', '--interval', '1h'],
      { ...emulatorEnv(emu.endpoint), AWS_MAX_ATTEMPTS: '1', NODE_DEBUG: 'module,esm' },
      work,
    );
    await daemon.started();
    await daemon.waitReady(60_000);
    await daemon.waitForLog((l) => l.event === 'daemon.pass' && l.result === 'success', 60_000);
    expect(emu.requestLog().some((e) => e.operation === 'CreateConnectorProfile')).toBe(true);
    // The log is there (the AppFlow client is always loaded), so an absence means something.
    expect(loadedPackages(daemon.stderr, ['@aws-sdk/client-appflow'])).toEqual(['@aws-sdk/client-appflow']);
    expect(loadedPackages(daemon.stderr, DYNAMODB)).toEqual([]);
    const stopped = await daemon.stop();
    daemon = undefined;
    expect(stopped.code).toBe(0);
  }, 240_000);
});
