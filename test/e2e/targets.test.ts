// Targets end to end: the built CLI against the emulator with two accounts x two regions
// (the default account's keys, and a role in account 222222222222 assumed through STS), real SDK
// clients inside. Placement of every profile, one file in two targets, --target, a denied role
// failing only its targets, an account mismatch, prune confined to its target, state keys per
// account and endpoint, and sentinel secrets absent from every output.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runBuiltCli, type CliResult } from '../support/cli.js';
import { emulatorEnv, startEmulatorHarness, type EmulatorHarness } from '../support/emulator-harness.js';
import { FOUR_PLACES, fourTargetsConfig, freshFourTargets, SPOKE_ROLE } from '../support/four-targets.js';
import { datadogCreateRequest, datadogDocument } from '../support/profile-documents.js';

const SLOW = 120_000;
const ROLE = SPOKE_ROLE;
const SENTINEL = 'SENTINEL-SECRET-targets';
const PLACES = Object.values(FOUR_PLACES);
const config = fourTargetsConfig;

let harness: EmulatorHarness;
let dir: string;
let state: string;
const outputs: string[] = [];

beforeAll(async () => {
  harness = await startEmulatorHarness();
});
afterAll(async () => {
  await harness.close();
  // Nothing any command printed may hold a secret value.
  expect(outputs.join('\n')).not.toContain(SENTINEL);
});
beforeEach(async () => {
  ({ dir, state } = await freshFourTargets(harness.emulator, SENTINEL));
});

async function cli(...args: string[]): Promise<CliResult> {
  const result = await runBuiltCli([...args, '--profiles', dir, '--state', state], { cwd: dir, env: { ...emulatorEnv(harness.emulator.endpoint), NO_COLOR: '1' } });
  outputs.push(result.stdout, result.stderr);
  return result;
}

const names = (place: { accountId: string; region: string }) => harness.emulator.profileNames!(place);
const appflowCalls = () => harness.emulator.requestLog().filter((e) => e.service === 'appflow');

describe('targets (built CLI, emulator with STS)', () => {
  it('places every profile in its targets: two accounts x two regions, a shared file in two targets', async () => {
    const apply = await cli('apply');
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect(names(PLACES[0]!)).toEqual(['common', 'dev-app']);
    expect(names(PLACES[1]!)).toEqual(['dev-app']);
    expect(names(PLACES[2]!)).toEqual(['common', 'prod-app']);
    expect(names(PLACES[3]!)).toEqual(['prod-app']);
    expect(apply.stdout).toContain('=== target dev-us · account 123456789012 · us-east-1 *** EMULATOR (local endpoint, not AWS) *** ===');
    expect(apply.stdout).toContain(`=== target prod-eu · account 222222222222 · eu-west-1 · role ${ROLE} *** EMULATOR (local endpoint, not AWS) *** ===`);
    expect(apply.stdout.trim().split('\n').at(-1)).toBe('Apply complete across 4 targets: 6 added, 0 changed, 0 destroyed.');

    // State: one entry per account, region and endpoint.
    const saved = JSON.parse(readFileSync(join(state, 'state.json'), 'utf8')) as { targets: Record<string, { profiles: Record<string, unknown> }> };
    expect(Object.keys(saved.targets).sort()).toEqual(['123456789012/eu-west-1@local', '123456789012/us-east-1@local', '222222222222/eu-west-1@local', '222222222222/us-east-1@local']);
    expect(Object.keys(saved.targets['222222222222/us-east-1@local']!.profiles).sort()).toEqual(['common', 'prod-app']);

    // A second pass: every target gets its header and says it has no changes.
    const plan = await cli('plan');
    expect(plan.code).toBe(0);
    expect(plan.stdout.match(/No changes for this target\./g)).toHaveLength(4);
    expect(plan.stdout.trim().split('\n').at(-1)).toBe('No changes. Your connector profiles match the configuration. (4 targets)');
  }, SLOW);

  it('plan --format json: targets[] and changes[].target beside the version-1 fields', async () => {
    const plan = await cli('plan', '--format', 'json');
    expect(plan.code).toBe(0);
    const json = JSON.parse(plan.stdout) as { formatVersion: string; summary: { create: number }; changes: { name: string; target: string; action: string }[]; targets: { name: string; accountId: string; emulator: boolean; summary: { create: number } }[] };
    expect(json.formatVersion).toBe('1');
    expect(json.summary.create).toBe(6);
    expect(json.changes.map((c) => `${c.target}:${c.name}:${c.action}`)).toEqual([
      'dev-us:common:create', 'dev-us:dev-app:create', 'dev-eu:dev-app:create', 'prod-us:common:create', 'prod-us:prod-app:create', 'prod-eu:prod-app:create',
    ]);
    expect(json.targets.map((t) => [t.name, t.accountId, t.emulator, t.summary.create])).toEqual([
      ['dev-us', '123456789012', true, 2], ['dev-eu', '123456789012', true, 1], ['prod-us', '222222222222', true, 2], ['prod-eu', '222222222222', true, 1],
    ]);
    const markdown = await cli('plan', '--format', 'markdown');
    expect(markdown.stdout.match(/^## /gm)).toHaveLength(4);
  }, SLOW);

  it('--target limits the work to the named targets', async () => {
    const apply = await cli('apply', '--target', 'dev-eu', '--target', 'prod-eu');
    expect(apply.code).toBe(0);
    expect(names(PLACES[0]!)).toEqual([]);
    expect(names(PLACES[1]!)).toEqual(['dev-app']);
    expect(names(PLACES[3]!)).toEqual(['prod-app']);
    expect(apply.stdout).not.toContain('target dev-us');
    const typo = await cli('plan', '--target', 'prod-useast');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/^error: unknown target 'prod-useast'/);
  }, SLOW);

  it('a denied role fails only its targets; the others converge; exit 1', async () => {
    harness.emulator.faults.denyRole!(ROLE);
    const apply = await cli('apply');
    expect(apply.code).toBe(1);
    expect(names(PLACES[0]!)).toEqual(['common', 'dev-app']);
    expect(names(PLACES[1]!)).toEqual(['dev-app']);
    expect(names(PLACES[2]!)).toEqual([]);
    expect(apply.stdout).toContain(`Target failed: AccessDenied: target prod-us: could not assume ${ROLE}`);
    expect(apply.stdout).toContain('target prod-eu');
    expect(appflowCalls().every((e) => e.accountId === '123456789012')).toBe(true);
  }, SLOW);

  it('an account mismatch makes no AppFlow call for that target', async () => {
    writeFileSync(join(dir, 'appflow-gitops.yaml'), config({ 'dev-us': { accountId: '999999999999' } }));
    const apply = await cli('apply');
    expect(apply.code).toBe(1);
    expect(apply.stdout).toContain('Target failed: target.account-mismatch: target dev-us: the credentials belong to account 123456789012, not 999999999999 (accountId); nothing was read or written');
    expect(appflowCalls().filter((e) => e.accountId === '123456789012' && e.region === 'us-east-1')).toEqual([]);
    expect(names(PLACES[1]!)).toEqual(['dev-app']);
  }, SLOW);

  it('a file in no target is an error that names it, and the targets still converge', async () => {
    mkdirSync(join(dir, 'stray'));
    writeFileSync(join(dir, 'stray', 'lost.yaml'), stringify(datadogDocument('lost')));
    const apply = await cli('apply');
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain(`error: ${dir}/stray/lost.yaml:1:1: no target takes this file (targets: dev-us, dev-eu, prod-us, prod-eu)`);
    expect(names(PLACES[0]!)).toEqual(['common', 'dev-app']);
    for (const place of PLACES) expect(names(place)).not.toContain('lost');
  }, SLOW);

  it('prune stays inside its target', async () => {
    expect((await cli('apply')).code).toBe(0);
    rmSync(join(dir, 'prod', 'app.yaml'));
    // prod-eu's only file goes: that target takes no file now, so its deletes need --allow-empty.
    const prune = await cli('apply', '--prune', '--allow-empty');
    expect(prune.code).toBe(0);
    expect(names(PLACES[2]!)).toEqual(['common']);
    expect(names(PLACES[3]!)).toEqual([]);
    expect(names(PLACES[0]!)).toEqual(['common', 'dev-app']);
    expect(names(PLACES[1]!)).toEqual(['dev-app']);
    const deletes = harness.emulator.requestLog().filter((e) => e.operation === 'DeleteConnectorProfile');
    expect(deletes.map((e) => `${e.accountId}/${e.region}:${e.profileName}`).sort()).toEqual(['222222222222/eu-west-1:prod-app', '222222222222/us-east-1:prod-app']);
  }, SLOW);

  it('a target whose paths match no file prunes nothing (one line names it and its paths); the others prune; --allow-empty deletes on purpose', async () => {
    expect((await cli('apply')).code).toBe(0);
    // prod/ was renamed to production/ in prod-eu's paths: that target now takes no file at all,
    // and every profile it manages would otherwise be a prune candidate (max-deletes set high).
    writeFileSync(join(dir, 'appflow-gitops.yaml'), config({ 'prod-eu': { paths: ['production/'] } }));
    rmSync(join(dir, 'shared', 'common.yaml'));
    const line = "prune skipped: target prod-eu's paths (production/) match no profile file; pass --allow-empty to delete every profile it manages";
    const prune = await cli('apply', '--prune', '--max-deletes', '100');
    expect(prune.code, prune.stderr).toBe(0);
    expect(prune.stdout).toContain(line);
    expect(names(PLACES[3]!)).toEqual(['prod-app']);
    // The other targets are unaffected: the removed shared file is pruned where it was applied.
    expect(names(PLACES[0]!)).toEqual(['dev-app']);
    expect(names(PLACES[2]!)).toEqual(['prod-app']);
    const deletes = () => harness.emulator.requestLog().filter((e) => e.operation === 'DeleteConnectorProfile').map((e) => `${e.accountId}/${e.region}:${e.profileName}`).sort();
    expect(deletes()).toEqual(['123456789012/us-east-1:common', '222222222222/us-east-1:common']);
    const plan = await cli('plan', '--prune', '--max-deletes', '100', '--format', 'json');
    expect((JSON.parse(plan.stdout) as { warnings: string[] }).warnings).toContain(`prod-eu: ${line}`);

    const deliberate = await cli('apply', '--prune', '--max-deletes', '100', '--allow-empty');
    expect(deliberate.code, deliberate.stderr).toBe(0);
    expect(deliberate.stdout).not.toContain('prune skipped');
    expect(names(PLACES[3]!)).toEqual([]);
    expect(deletes()).toContain('222222222222/eu-west-1:prod-app');
  }, SLOW);

  it('import --target NAME reads that target\'s account and region and writes into its first path', async () => {
    harness.emulator.seed({ accountId: '222222222222', region: 'eu-west-1', profiles: [datadogCreateRequest('legacy-eu', { apiKey: `${SENTINEL}-x`, applicationKey: `${SENTINEL}-y` }, 'https://api.datadoghq.eu')] });
    const env = { ...emulatorEnv(harness.emulator.endpoint), NO_COLOR: '1' };
    const imported = await runBuiltCli(['import', '--out', dir, '--state', state, '--target', 'prod-eu'], { cwd: dir, env });
    outputs.push(imported.stdout, imported.stderr);
    expect(imported.code, imported.stderr).toBe(0);
    expect(readFileSync(join(dir, 'prod', 'legacy-eu.yaml'), 'utf8')).toContain('connectorProfileName: legacy-eu');
    const saved = JSON.parse(readFileSync(join(state, 'state.json'), 'utf8')) as { targets: Record<string, { profiles: Record<string, unknown> }> };
    expect(Object.keys(saved.targets['222222222222/eu-west-1@local']!.profiles)).toEqual(['legacy-eu']);
    const ambiguous = await runBuiltCli(['import', '--out', dir, '--state', state], { cwd: dir, env });
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toBe('error: import writes for one target: pass --target NAME (targets: dev-us, dev-eu, prod-us, prod-eu)\n');
  }, SLOW);
});
