// End to end: the built CLI (`node bin/appflow-gitops.js plan ...`) against an emulator started
// in this process, configured only through the standard AWS environment variables.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTarget } from '../../src/aws/target.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { loadProfiles } from '../../src/desired/load-profiles.js';
import { preparePlan } from '../../src/reconcile/prepare-plan.js';
import { createFileStateStore, emptySnapshot } from '../../src/state/file-state-store.js';
import { ensureBuilt, runBuiltCli, type CliResult } from '../support/cli.js';
import { emulatorEnv } from '../support/emulator-harness.js';
import { adaptersFor, applyCreates, datadog, ddSecret, emptyState, mutatingCalls, removeDir, tempDir, writeProfiles } from '../integration/plan-helpers.js';

/** The sources this test exercises: rebuilt once when dist/ is missing or older. */
const SOURCES = ['cli/commands/plan.ts', 'reconcile/prepare-plan.ts', 'planner/plan-changes.ts', 'render/plan-text.ts', 'render/plan-json.ts', 'render/plan-markdown.ts'];

function plan(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  return runBuiltCli(['plan', ...args], { cwd, env: { ...emulatorEnv(emu.endpoint), HOME: cwd, AWS_MAX_ATTEMPTS: '1', ...env } });
}

function expectClean(result: CliResult): void {
  expect(result.stdout + result.stderr).not.toContain('SENTINEL');
  expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
}

let emu: RunningEmulator;
let work: string;

beforeAll(async () => {
  ensureBuilt(SOURCES);
  emu = await startEmulator({ seed: { secrets: [ddSecret('dd', 'one')] } });
  work = await tempDir('plan-e2e-');
}, 180_000);

afterAll(async () => {
  await emu?.close();
  await removeDir(work);
});

describe('appflow-gitops plan', () => {
  it('empty account: exit 0, or 2 with --detailed-exitcode; text, json and markdown; no writes anywhere', async () => {
    const profiles = join(work, 'fresh');
    const state = join(work, 'fresh-state');
    await writeProfiles(profiles, { 'a.json': datadog('a'), 'nested/b.json': datadog('b') });
    emu.clearRequestLog();

    const text = await plan(['--profiles', profiles, '--state', state], work);
    expectClean(text);
    expect(text.code, `stdout:\n${text.stdout}\nstderr:\n${text.stderr}`).toBe(0);
    expect(text.stdout).toContain('# a (a.json:1) will be created');
    expect(text.stdout).toContain('+ connectorProfileCredentials');
    expect(text.stdout).toContain('(sensitive value)');
    expect(text.stdout).toMatch(/Plan: 2 to add, 0 to change, 0 to destroy\.\n$/);
    expect(text.stdout).not.toContain('\u001b['); // not a TTY: no colour

    const detailed = await plan(['--profiles', profiles, '--state', state, '--detailed-exitcode'], work);
    expect(detailed.code, `stdout:\n${detailed.stdout}\nstderr:\n${detailed.stderr}`).toBe(2);

    const json = await plan(['--profiles', profiles, '--state', state, '--json'], work);
    expectClean(json);
    const parsed = JSON.parse(json.stdout);
    expect(parsed).toMatchObject({ formatVersion: '1', target: 'us-east-1/default@local', summary: { create: 2, error: 0 } });
    expect(parsed.changes.map((c: { name: string; file: string }) => [c.name, c.file])).toEqual([
      ['a', 'a.json'],
      ['b', 'nested/b.json'],
    ]);

    const markdown = await plan(['--profiles', profiles, '--state', state, '--format', 'markdown'], work);
    expect(markdown.code, `stdout:\n${markdown.stdout}\nstderr:\n${markdown.stderr}`).toBe(0);
    expect(markdown.stdout).toContain('| Create | 2 |');
    expect(markdown.stdout).toContain('<details>');

    expect(mutatingCalls(emu)).toEqual([]);
    expect(existsSync(state)).toBe(false); // plan never creates the state directory
  });

  it('in sync: --detailed-exitcode exits 0 with "No changes", leaving the state file untouched', async () => {
    const profiles = join(work, 'synced');
    const stateDir = join(work, 'synced-state');
    await writeProfiles(profiles, { 'c.json': datadog('c'), 'd.json': datadog('d') });
    // Reach "applied" in-process: the real state store and key, the emulator seeded with what apply sends.
    const store = createFileStateStore(stateDir);
    const hmacKey = await store.hmacKey();
    const adapters = adaptersFor(emu);
    const target = resolveTarget({ region: 'us-east-1', endpoints: { appflow: emu.endpoint } }, {});
    const targetState = emptyState();
    const first = await preparePlan({ target, appflow: adapters.appflow, secrets: adapters.secrets, state: targetState, hmacKey }, await loadProfiles(profiles), {
      prune: false,
      allowEmpty: false,
      maxDeletes: 5,
    });
    adapters.destroy();
    applyCreates(emu, first, targetState);
    const snapshot = emptySnapshot();
    snapshot.targets[target.key] = targetState;
    await store.save(snapshot);
    const before = readFileSync(join(stateDir, 'state.json'), 'utf8');
    emu.clearRequestLog();

    const result = await plan(['--profiles', profiles, '--state', stateDir, '--detailed-exitcode'], work);
    expectClean(result);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('No changes. Your connector profiles match the configuration.\n');
    expect(result.code, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`).toBe(0);
    expect(readFileSync(join(stateDir, 'state.json'), 'utf8')).toBe(before);
    expect(mutatingCalls(emu)).toEqual([]);
  });

  it('an invalid file and a missing secret: exit 1 (also with --detailed-exitcode), valid files still planned', async () => {
    const profiles = join(work, 'broken');
    await writeProfiles(profiles, {
      'good.json': datadog('good'),
      'no-secret.json': datadog('no-secret', 'missing-secret'),
      'bad.yaml': 'connectorProfileName: bad\nconnectorType: Datadog\nconectionMode: Public\n',
    });
    for (const extra of [[], ['--detailed-exitcode']]) {
      const result = await plan(['--profiles', profiles, '--state', join(work, 'broken-state'), ...extra], work);
      expectClean(result);
      expect(result.code, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`).toBe(1);
      expect(result.stdout).toContain('# good (good.json:1) will be created');
      // One line per secret (not one per member), pointing at the first member's line as validate does.
      expect(result.stdout).toMatch(
        /x no-secret \(no-secret\.json:1\): credentials cannot be resolved \(1 secret\):\n {6}no-secret\.json:13:19: connectorProfileCredentials\.Datadog\.apiKey: secret "missing-secret" not found \(ResourceNotFoundException\) \(used by Datadog\.apiKey, Datadog\.applicationKey\)\n/,
      );
      expect(result.stdout.match(/missing-secret/g)).toHaveLength(1);
      expect(result.stdout).toMatch(/x bad \(bad\.yaml:1\): invalid document \(\d errors?\)/);
      expect(result.stdout).toMatch(/Plan: 1 to add, 0 to change, 0 to destroy\. 2 profiles could not be planned/);
      expect(result.stdout).toContain('bad.yaml:3:1: ');
    }
  });

  it('a misspelt JSON key gets a did-you-mean from the secret\'s key names, never a value', async () => {
    const profiles = join(work, 'typo');
    const document = datadog('typo');
    const credentials = (document.connectorProfileConfig as { connectorProfileCredentials: { Datadog: Record<string, string> } }).connectorProfileCredentials;
    credentials.Datadog.apiKey = '{{resolve:secretsmanager:dd:SecretString:apikey}}';
    credentials.Datadog.applicationKey = '{{resolve:secretsmanager:dd:SecretString:token}}';
    await writeProfiles(profiles, { 'typo.json': document });
    const result = await plan(['--profiles', profiles, '--state', join(work, 'typo-state')], work);
    expectClean(result);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'typo.json:13:19: connectorProfileCredentials.Datadog.apiKey: secret "dd" has no key "apikey" (did you mean "apiKey"?) (used by Datadog.apiKey); has no key "token" (used by Datadog.applicationKey)\n',
    );
  });

  it('--allow-plaintext-credentials: planned with a warning, and the plaintext value is printed nowhere', async () => {
    const profiles = join(work, 'plaintext');
    const document = datadog('plain');
    (document.connectorProfileConfig as { connectorProfileCredentials: unknown }).connectorProfileCredentials = {
      Datadog: { apiKey: 'SENTINEL-SECRET-plain-api', applicationKey: 'SENTINEL-SECRET-plain-app' },
    };
    await writeProfiles(profiles, { 'plain.json': document });
    const refused = await plan(['--profiles', profiles, '--state', join(work, 'p-state')], work);
    expectClean(refused);
    expect(refused.code, refused.stdout + refused.stderr).toBe(1);
    const allowed = await plan(['--profiles', profiles, '--state', join(work, 'p-state'), '--allow-plaintext-credentials', '--detailed-exitcode'], work);
    expectClean(allowed);
    expect(allowed.code, allowed.stdout + allowed.stderr).toBe(2);
    expect(allowed.stderr).toMatch(/warning: /);
    expect(allowed.stdout).toContain('+ connectorProfileCredentials');
  });

  it('a missing profiles directory is a one-line error, exit 1', async () => {
    const result = await plan(['--profiles', join(work, 'nope'), '--state', join(work, 'nope-state')], work);
    expect(result.code, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: profiles directory '.*nope' does not exist/);
    expectClean(result);
  });

  it('an unreachable AWS endpoint is a one-line error, exit 1', async () => {
    const profiles = join(work, 'unreachable');
    await writeProfiles(profiles, { 'a.json': datadog('a') });
    const result = await plan(['--profiles', profiles, '--state', join(work, 'u-state')], work, {
      AWS_ENDPOINT_URL_APPFLOW: 'http://127.0.0.1:9',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:9',
    });
    expect(result.code, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`).toBe(1);
    expect(result.stderr).toMatch(/^error: could not read the current state from AWS/);
    expectClean(result);
  });
});
