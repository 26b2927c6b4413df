// The import issue's promise, end to end with the built CLI against the emulator:
// import → validate passes → (secrets created) plan shows only unknown credentials → apply →
// plan --detailed-exitcode exits 0. No credential value shows up in any output.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { ensureBuilt, runCli, type CliResult } from './cli-helpers.js';
import { IMPORT_SECRETS, IMPORT_SEED, SENTINEL } from './seed.js';

let emu: RunningEmulator;
let dir: string;
const outputs: CliResult[] = [];

beforeAll(async () => {
  ensureBuilt(['cli/commands/import.ts', 'cli/commands/plan.ts', 'cli/commands/apply.ts', 'cli/commands/validate.ts', 'importer/run-import.ts']);
  emu = await startEmulator({ seed: IMPORT_SEED });
  dir = await mkdtemp(join(tmpdir(), 'import-apply-'));
}, 180_000);
afterAll(async () => {
  await emu.close();
  await rm(dir, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<CliResult> {
  const result = await runCli(args, { cwd: dir, endpoint: emu.endpoint });
  outputs.push(result);
  return result;
}

const NAMES = ['crm/salesforce-prod', 'hubspot', 'metrics', 'sap-orders', 'warehouse'];

describe('import, then plan and apply (spawned CLI)', () => {
  it('import writes the files and they pass validate', async () => {
    expect((await cli('import')).code).toBe(0);
    const validate = await cli('validate', '--json');
    expect(validate.stderr).toBe('');
    expect(validate.code).toBe(0);
  });

  it('with the secrets created, plan shows no property change, only credentials unknown (exit 2)', async () => {
    emu.seed({ secrets: IMPORT_SECRETS });
    emu.clearRequestLog();
    const text = await cli('plan', '--detailed-exitcode');
    expect(text.code).toBe(2);
    expect(text.stdout).toContain('Plan: 0 to add, 5 to change, 0 to destroy.');
    expect(text.stdout.match(/connectorProfileCredentials = \(sensitive value\)/g)).toHaveLength(5);

    const json = await cli('plan', '--json');
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout) as { changes: { name: string; action: string; fields: { path: string }[] }[] };
    expect(plan.changes.map((c) => [c.name, c.action])).toEqual(NAMES.map((n) => [n, 'update']));
    for (const change of plan.changes) expect(change.fields.map((f) => f.path), change.name).toEqual(['connectorProfileCredentials']);
    expect(emu.requestLog().filter((e) => /^(Create|Update|Delete)/.test(e.operation))).toEqual([]);
  });

  it('one apply converges: plan --detailed-exitcode then exits 0', async () => {
    const apply = await cli('apply');
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect(emu.requestLog().filter((e) => e.operation === 'UpdateConnectorProfile').map((e) => e.profileName).sort()).toEqual(NAMES);
    const plan = await cli('plan', '--detailed-exitcode');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('No changes.');
  });

  it('no command printed a credential value', () => {
    expect(outputs.length).toBeGreaterThanOrEqual(5);
    for (const output of outputs) {
      expect(output.stdout + output.stderr).not.toContain(SENTINEL);
      expect(output.stdout + output.stderr).not.toContain('SENTINEL_SECRET');
    }
  });
});
