// Policies, the revision and notifications with declared targets, through the built CLI against
// the emulator over HTTP: two targets (dev in us-east-1, prod in eu-west-1), profiles in a real
// git checkout (or a git-sync layout), a deny policy scoped to prod, a signed webhook and a fake
// GitHub API on loopback. plan shows the violation under prod only and exits 1; apply writes every
// profile but the denied one, in both targets, and tells each target's pass under its name.
import { createHmac } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { NotificationEvent } from '../../src/notify/types.js';
import { ensureBuilt, runBuiltCli, type CliResult } from '../support/cli.js';
import { emulatorEnv } from '../support/emulator-harness.js';
import { startReceiver, type HttpReceiver } from '../support/http-receiver.js';
import { datadogDocument } from '../support/profile-documents.js';
import { gitSyncPublish, repositoryWithCommits } from '../revision/git-fixtures.js';

const SLOW = 120_000;
const SENTINEL = 'SENTINEL-SECRET-targets-hooks';
const HMAC_KEY = 'SENTINEL-HOOK-KEY-targets-hooks';
const GITHUB_TOKEN = 'SENTINEL-GITHUB-TOKEN-targets-hooks';
const ACCOUNT = '123456789012';
const DEV = { accountId: ACCOUNT, region: 'us-east-1' };
const PROD = { accountId: ACCOUNT, region: 'eu-west-1' };
const DENIAL = { policy: 'private-in-prod', severity: 'deny', message: 'production profiles must use a Private connection', evaluationError: null };

let emulator: RunningEmulator;
let hook: HttpReceiver;
let github: HttpReceiver;
let root: string;
let repo: string;
const outputs: string[] = [];

beforeAll(() => ensureBuilt(['cli/commands/plan.ts', 'cli/commands/apply.ts', 'cli/targets-pass.ts', 'reconcile/reconcile-targets.ts', 'render/plan-targets.ts']), 180_000);

beforeEach(async () => {
  emulator = await startEmulator({ port: 0 });
  for (const place of [DEV, PROD]) {
    emulator.seed({ ...place, secrets: [{ name: 'dd', secretString: JSON.stringify({ apiKey: `${SENTINEL}-a`, applicationKey: `${SENTINEL}-b` }) }] });
  }
  hook = await startReceiver();
  github = await startReceiver(() => ({ status: 201 }));
  root = await mkdtemp(join(tmpdir(), 'targets-hooks-e2e-'));
  repo = join(root, 'repo');
  await mkdir(repo);
});

afterEach(async () => {
  // Nothing any command printed, and nothing any receiver got, may hold a secret value.
  const payloads = [...hook.received, ...github.received].map((r) => r.body);
  expect([...outputs, ...payloads].join('\n')).not.toContain('SENTINEL-SECRET');
  for (const body of payloads) expect(body).not.toContain('SENTINEL');
  outputs.length = 0;
  await hook.close();
  await github.close();
  await emulator.close();
  await rm(root, { recursive: true, force: true });
});

const config = () =>
  stringify({
    targets: [
      { name: 'dev', region: DEV.region, paths: ['dev/'] },
      { name: 'prod', region: PROD.region, paths: ['prod/'] },
    ],
    policies: [{ name: 'private-in-prod', expression: "profile.connectionMode == 'Private'", message: DENIAL.message, targets: ['prod'] }],
    notifications: [
      { type: 'webhook', url: `${hook.url}/appflow`, secretEnv: 'HOOK_HMAC_KEY' },
      { type: 'github', repository: 'acme/data-config', tokenEnv: 'GITHUB_TOKEN', apiUrl: `${github.url}/api/v3` },
    ],
  });

const doc = (name: string, mode: 'Public' | 'Private') => JSON.stringify({ ...datadogDocument(name), connectionMode: mode });

/** The profiles of the first commit: a Public profile in each target (denied only in prod) and a Private one in prod. */
const firstCommit = () => ({
  'profiles/appflow-gitops.yaml': config(),
  'profiles/dev/orders.json': doc('dev-orders', 'Public'),
  'profiles/prod/orders.json': doc('prod-orders', 'Public'),
  'profiles/prod/billing.json': doc('prod-billing', 'Private'),
});

async function cli(profilesDir: string, ...args: string[]): Promise<CliResult> {
  const env = { ...emulatorEnv(emulator.endpoint), HOME: root, NO_COLOR: '1', HOOK_HMAC_KEY: HMAC_KEY, GITHUB_TOKEN };
  const result = await runBuiltCli([...args, '--profiles', profilesDir, '--state', join(root, 'state')], { cwd: root, env });
  outputs.push(result.stdout, result.stderr);
  return result;
}

interface PlanJson {
  revision: string | null;
  policies: { denied: number; warned: number };
  changes: { target: string; name: string; action: string; policyViolations: unknown[] }[];
  targets: { name: string; revision: string | null; policies: { denied: number; warned: number } }[];
}

describe('targets: policies and the revision in plan', () => {
  it('a deny policy scoped to prod shows under prod only, in every format; plan exits 1; the revision is on every target', async () => {
    const [revision] = repositoryWithCommits(repo, [firstCommit()]) as [string];
    const profiles = join(repo, 'profiles');

    const json = await cli(profiles, 'plan', '--format', 'json');
    expect(json.code, json.stderr).toBe(1);
    const plan = JSON.parse(json.stdout) as PlanJson;
    expect(plan.revision).toBe(revision);
    expect(plan.policies).toEqual({ denied: 1, warned: 0 });
    expect(plan.changes.map((c) => [c.target, c.name, c.action, c.policyViolations])).toEqual([
      ['dev', 'dev-orders', 'create', []],
      ['prod', 'prod-billing', 'create', []],
      ['prod', 'prod-orders', 'create', [DENIAL]],
    ]);
    expect(plan.targets.map((t) => [t.name, t.revision, t.policies])).toEqual([
      ['dev', revision, { denied: 0, warned: 0 }],
      ['prod', revision, { denied: 1, warned: 0 }],
    ]);

    const text = await cli(profiles, 'plan');
    expect(text.code).toBe(1);
    expect(text.stdout.startsWith(`Profiles at revision ${revision}\n`)).toBe(true);
    const [devText, prodText] = text.stdout.split('=== target prod') as [string, string];
    expect(devText).not.toContain('policy private-in-prod');
    expect(prodText).toContain(`! policy private-in-prod (deny): ${DENIAL.message}`);
    expect(text.stdout.trim().split('\n').at(-1)).toBe('Policies: 1 write denied (not made by apply).');

    const markdown = await cli(profiles, 'plan', '--format', 'markdown', '--revision', 'ci-build-7');
    expect(markdown.code).toBe(1);
    const sections = markdown.stdout.split(/^## /m).slice(1);
    expect(sections.map((s) => s.split(' ')[0])).toEqual(['dev', 'prod']);
    for (const section of sections) expect(section).toContain('Revision: `ci-build-7`');
    expect(sections[0]).not.toContain('policy private-in-prod');
    expect(sections[1]).toContain('! policy private-in-prod (deny)');

    // plan tells nobody anything and writes nothing.
    expect(hook.received).toEqual([]);
    expect(github.received).toEqual([]);
    expect(emulator.profileNames!(DEV)).toEqual([]);
    expect(emulator.profileNames!(PROD)).toEqual([]);
  }, SLOW);

  it('reads the revision and the files of a git-sync layout through the link as resolved', async () => {
    const [first, second] = repositoryWithCommits(repo, [firstCommit(), { 'profiles/dev/extra.json': doc('dev-extra', 'Public') }]) as [string, string];
    const link = join(root, 'sync');
    await mkdir(link);
    gitSyncPublish(link, repo, first);
    const profiles = join(link, 'current', 'profiles');

    const before = JSON.parse((await cli(profiles, 'plan', '--format', 'json')).stdout) as PlanJson;
    expect(before.targets.map((t) => t.revision)).toEqual([first, first]);
    expect(before.changes.map((c) => c.name)).not.toContain('dev-extra');

    // git-sync publishes the next commit: the next plan reads its files and names its revision.
    gitSyncPublish(link, repo, second);
    const after = JSON.parse((await cli(profiles, 'plan', '--format', 'json')).stdout) as PlanJson;
    expect(after.revision).toBe(second);
    expect(after.targets.map((t) => t.revision)).toEqual([second, second]);
    expect(after.changes.filter((c) => c.target === 'dev').map((c) => c.name)).toEqual(['dev-extra', 'dev-orders']);
  }, SLOW);
});

describe('targets: policies and notifications in apply', () => {
  it('writes every profile but the denied one, exits 1, and notifies each target under its name, signed', async () => {
    const [revision] = repositoryWithCommits(repo, [firstCommit()]) as [string];
    const run = await cli(join(repo, 'profiles'), 'apply');
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain(`prod-orders (prod/orders.json:1): create not made: PolicyViolation: policy private-in-prod (deny): ${DENIAL.message}`);
    expect(run.stdout.trim().split('\n').at(-1)).toBe('Apply finished with errors across 2 targets: 2 added, 0 changed, 0 destroyed, 1 denied by policy.');
    expect(emulator.profileNames!(DEV)).toEqual(['dev-orders']);
    expect(emulator.profileNames!(PROD)).toEqual(['prod-billing']);

    // apply waits for its notifications before it exits: they are all there now.
    const events = hook.received.map((r) => JSON.parse(r.body) as NotificationEvent);
    const byTarget = (target: string) => events.filter((e) => e.target === target).map((e) => [e.type, e.profile?.name ?? null, e.reason]);
    expect(byTarget('dev')).toEqual([
      ['applied', 'dev-orders', 'Applied'],
      ['summary', null, 'ReconciliationSucceeded'],
    ]);
    expect(byTarget('prod')).toEqual([
      ['applied', 'prod-billing', 'Applied'],
      ['policy-violation', 'prod-orders', 'PolicyViolation'],
      ['summary', null, 'ReconciliationFailed'],
    ]);
    expect(events).toHaveLength(5);
    expect(events.every((e) => e.revision === revision)).toBe(true);
    for (const request of hook.received) {
      expect(request.headers['x-signature']).toBe(`sha256=${createHmac('sha256', HMAC_KEY).update(request.body).digest('hex')}`);
    }

    // One commit status context per target: pending, then what the target's pass came to.
    const statuses = github.received.map((r) => [r.path, JSON.parse(r.body) as { state: string; context: string }] as const);
    const contextStates = (context: string) => statuses.filter(([, s]) => s.context === context).map(([path, s]) => [path, s.state]);
    expect(contextStates('appflow-gitops/dev')).toEqual([
      [`/api/v3/repos/acme/data-config/statuses/${revision}`, 'pending'],
      [`/api/v3/repos/acme/data-config/statuses/${revision}`, 'success'],
    ]);
    expect(contextStates('appflow-gitops/prod')).toEqual([
      [`/api/v3/repos/acme/data-config/statuses/${revision}`, 'pending'],
      [`/api/v3/repos/acme/data-config/statuses/${revision}`, 'failure'],
    ]);
    expect(statuses).toHaveLength(4);
  }, SLOW);

  it('refuses to start when a notification secret variable is unset, before any AWS call', async () => {
    repositoryWithCommits(repo, [firstCommit()]);
    const env = { ...emulatorEnv(emulator.endpoint), HOME: root, NO_COLOR: '1', HOOK_HMAC_KEY: '', GITHUB_TOKEN };
    const run = await runBuiltCli(['apply', '--profiles', join(repo, 'profiles'), '--state', join(root, 'state')], { cwd: root, env });
    outputs.push(run.stdout, run.stderr);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('notifications[0] (webhook): secretEnv names HOOK_HMAC_KEY, which is not set');
    expect(emulator.requestLog()).toEqual([]);
  }, SLOW);
});
