// plan --out FILE and apply FILE on the shared state (--state dynamodb://TABLE): the built CLI
// against DynamoDB Local and the emulator. The shared state fingerprints credentials by secret
// version; a saved plan is applied exactly, a rotation in between refuses with no write, and the
// file holds no secret value.
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runBuiltCli, type CliResult } from '../support/cli.js';
import { startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local.js';
import { profileWrites, startEmulatorHarness, type EmulatorHarness } from '../support/emulator-harness.js';
import { datadog, ddSecret, removeDir, tempDir, writeProfiles } from '../integration/plan-helpers.js';

let ddb: DynamoDbLocal;
let emu: EmulatorHarness;
let work: string;

beforeAll(async () => {
  ensureBuilt();
  [ddb, emu, work] = await Promise.all([startDynamoDbLocal(), startEmulatorHarness({ seed: { secrets: [ddSecret('dd', 'one')] } }), tempDir('saved-plan-ddb-')]);
  await writeProfiles(join(work, 'profiles'), { 'a.json': datadog('a'), 'b.json': datadog('b') });
}, 120_000);

afterAll(async () => {
  await Promise.all([ddb?.stop(), emu?.close(), work ? removeDir(work) : undefined]);
});

async function cli(...args: string[]): Promise<CliResult> {
  const result = await runBuiltCli([...args, '--profiles', 'profiles', '--state', 'dynamodb://saved-plans'], { cwd: work, env: { ...emu.env, ...ddb.env, HOME: work } });
  expect(result.stdout + result.stderr).not.toContain('SENTINEL');
  return result;
}

const writes = () => profileWrites(emu.emulator).map((w) => `${w.operation}:${w.profileName}`);

describe('saved plans on the shared state', () => {
  it('apply FILE applies the saved plan; after a rotation, the next saved plan refuses with no write', async () => {
    expect((await runBuiltCli(['state', 'init', '--state', 'dynamodb://saved-plans'], { cwd: work, env: { ...emu.env, ...ddb.env, HOME: work } })).code).toBe(0);
    const planFile = join(work, 'first.plan');
    expect((await cli('plan', '--out', planFile)).code).toBe(0);
    expect(await readFile(planFile, 'utf8')).not.toContain('SENTINEL');
    const apply = await cli('apply', planFile);
    expect(apply.code, apply.stderr).toBe(0);
    expect(writes().sort()).toEqual(['CreateConnectorProfile:a', 'CreateConnectorProfile:b']);

    await writeProfiles(join(work, 'profiles'), { 'b.json': datadog('b', 'dd', 'https://api.datadoghq.eu') });
    const second = join(work, 'second.plan');
    expect((await cli('plan', '--out', second)).code).toBe(0);
    await emu.sdk.secrets.send(new PutSecretValueCommand({ SecretId: 'dd', SecretString: ddSecret('dd', 'two').secretString }));
    const refused = await cli('apply', second);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: saved plan .*second\.plan is stale: a secret has a new version \(rotated\) for profile a \(target default\); nothing was written/);
    expect(refused.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(writes()).toHaveLength(2);
  }, 120_000);
});
