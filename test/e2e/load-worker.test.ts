// End to end: plan and apply load the profile files on a worker thread (src/cli/worker-load.ts).
// The built CLI prints the same plan, the same diagnostics (file, line, field) and exits with the
// same code whether the worker loads, is switched off, or fails (then one debug line says so with
// APPFLOW_GITOPS_DEBUG=1, and never a stack trace).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { LOAD_WORKER_ENV } from '../../src/cli/worker-load-input.js';
import { ensureBuilt, runBuiltCli, type CliResult } from '../support/cli.js';
import { emulatorEnv } from '../support/emulator-harness.js';
import { datadog, ddSecret, removeDir, tempDir, writeProfiles } from '../integration/plan-helpers.js';

const SOURCES = ['cli/main.ts', 'cli/commands/plan.ts', 'cli/commands/apply.ts', 'cli/plan-pass.ts', 'cli/apply-pass.ts', 'cli/worker-load.ts', 'cli/load-worker.ts'];

let emu: RunningEmulator;
let work: string;

function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runBuiltCli(args, { cwd: work, env: { ...emulatorEnv(emu.endpoint), HOME: work, AWS_MAX_ATTEMPTS: '1', ...env } });
}

beforeAll(async () => {
  ensureBuilt(SOURCES);
  emu = await startEmulator({ seed: { secrets: [ddSecret('dd', 'SENTINEL-one')] } });
  work = await tempDir('load-worker-e2e-');
  await writeProfiles(join(work, 'profiles'), { 'a.json': datadog('a'), 'nested/b.json': datadog('b') });
  // A broken file: its diagnostic names file, line and field, whichever thread loaded it.
  await writeFile(join(work, 'profiles', 'broken.yaml'), 'connectorProfileName: broken\nconnectorType: Datadog\nconnectionMode: Sideways\n');
}, 180_000);

afterAll(async () => {
  await emu?.close();
  await removeDir(work);
});

describe('plan and apply load on a worker thread, and fall back without a trace', () => {
  const profiles = () => ['--profiles', join(work, 'profiles')];

  it('plan: the same output and exit code on the worker, switched off, and with a worker that throws or exits', async () => {
    const args = ['plan', ...profiles(), '--state', join(work, 'plan-state')];
    // `on`: the worker whatever the test machine's load (unset, a busy machine loads in-thread).
    const onWorker = await cli(args, { [LOAD_WORKER_ENV]: 'on' });
    expect(onWorker.code, onWorker.stderr).toBe(1); // the broken file
    expect(onWorker.stdout).toContain('# a (a.json:1) will be created');
    expect(onWorker.stdout + onWorker.stderr).toMatch(/broken\.yaml:3:\d+: connectionMode/);
    expect(onWorker.stdout + onWorker.stderr).not.toContain('SENTINEL');
    for (const mode of ['off', 'throw', 'exit', '']) {
      const other = await cli(args, { [LOAD_WORKER_ENV]: mode });
      expect({ mode, code: other.code, stdout: other.stdout, stderr: other.stderr }).toEqual({ mode, code: onWorker.code, stdout: onWorker.stdout, stderr: onWorker.stderr });
    }
  });

  it('with APPFLOW_GITOPS_DEBUG=1 a failed worker is one debug line; a working one says nothing', async () => {
    const args = ['plan', ...profiles(), '--state', join(work, 'plan-state'), '--json'];
    const quiet = await cli(args, { APPFLOW_GITOPS_DEBUG: '1', [LOAD_WORKER_ENV]: 'on' });
    expect(quiet.stderr).not.toContain('debug:');
    const failed = await cli(args, { APPFLOW_GITOPS_DEBUG: '1', [LOAD_WORKER_ENV]: 'throw' });
    const debug = failed.stderr.split('\n').filter((line) => line.startsWith('debug:'));
    expect(debug).toEqual(['debug: profile files loaded on the main thread: the load worker it failed (load worker: failure requested by the test hook)']);
    expect(failed.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(failed.stdout).toBe(quiet.stdout);
  });

  it('apply: the same result through the worker as through the in-thread load (a fallback run, then an in-sync one)', async () => {
    const base = ['apply', ...profiles(), '--auto-approve'];
    const fallback = await cli([...base, '--state', join(work, 'state-a')], { [LOAD_WORKER_ENV]: 'exit' });
    const onWorker = await cli([...base, '--state', join(work, 'state-b')], { [LOAD_WORKER_ENV]: 'on' });
    // Both created a and b (the second found them already there, created by the first: adopted or
    // in sync), reported the broken file, and exit 1 for it.
    expect(fallback.code, fallback.stderr).toBe(1);
    expect(onWorker.code, onWorker.stderr).toBe(1);
    expect(fallback.stdout + fallback.stderr).toMatch(/broken\.yaml:3:\d+: connectionMode/);
    expect(onWorker.stdout + onWorker.stderr).toMatch(/broken\.yaml:3:\d+: connectionMode/);
    const again = await cli([...base, '--state', join(work, 'state-a')], { [LOAD_WORKER_ENV]: 'on' });
    const againOff = await cli([...base, '--state', join(work, 'state-a')], { [LOAD_WORKER_ENV]: 'off' });
    expect(again).toEqual(againOff);
    expect(again.stdout + again.stderr).not.toContain('SENTINEL');
  });
});
