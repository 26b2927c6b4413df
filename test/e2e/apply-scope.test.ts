// plan/apply --names (repeatable or comma-separated) and apply --strict, through the built CLI
// against the emulator.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { ensureBuilt, runBuiltCli, type CliResult } from '../support/cli.js';
import { emulatorEnv, profileWrites } from '../support/emulator-harness.js';
import { datadogDocument } from '../support/profile-documents.js';

let emulator: RunningEmulator;
let root: string;

beforeEach(async () => {
  ensureBuilt(['cli/commands/apply.ts', 'cli/commands/plan.ts', 'reconcile/reconcile-once.ts', 'planner/plan-changes.ts']);
  emulator = await startEmulator({ port: 0, seed: { secrets: [{ name: 'sc/dd', secretString: JSON.stringify({ apiKey: 'SENTINEL-SECRET-sc-a', applicationKey: 'SENTINEL-SECRET-sc-b' }) }] } });
  root = await mkdtemp(join(tmpdir(), 'apply-scope-'));
  await mkdir(join(root, 'profiles'));
  for (const name of ['a', 'b', 'c']) await writeFile(join(root, 'profiles', `${name}.json`), JSON.stringify(datadogDocument(name, { secret: 'sc/dd' })));
});

afterEach(async () => {
  await emulator.close();
  await rm(root, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<CliResult> {
  const result = await runBuiltCli([...args, '--profiles', join(root, 'profiles'), '--state', join(root, 'state')], {
    cwd: root,
    env: { ...emulatorEnv(emulator.endpoint), HOME: root, NO_COLOR: '1' },
  });
  expect(result.stdout + result.stderr).not.toContain('SENTINEL');
  return result;
}

const created = () => profileWrites(emulator).filter((w) => w.status === 200).map((w) => w.profileName).sort();

describe('apply scope', () => {
  it('--names limits plan and apply to the named profiles', async () => {
    const plan = await cli('plan', '--names', 'a', '--names', 'c');
    expect(plan.stdout).toContain('Plan: 2 to add');
    expect(plan.stdout).not.toContain('# b ');
    expect((await cli('apply', '--names', 'a,c')).code).toBe(0);
    expect(created()).toEqual(['a', 'c']);
  });

  it('--strict writes nothing when any file is invalid; without it the valid profiles are applied', async () => {
    await writeFile(join(root, 'profiles', 'bad.yaml'), 'connectorProfileName: bad\nconnectorType: Datadog\nconectionMode: Public\n');
    const strict = await cli('apply', '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('--strict: 1 profile could not be planned (see the errors); nothing was written');
    expect(created()).toEqual([]);
    const lenient = await cli('apply');
    expect(lenient.code).toBe(1);
    expect(created()).toEqual(['a', 'b', 'c']);
  });
});
