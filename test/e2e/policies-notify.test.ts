// Policies, the revision and notifications through the built CLI, against the emulator over HTTP:
// profiles in a real git checkout, appflow-gitops.yaml with a deny policy and a signed webhook to
// a receiver on loopback. plan shows the violation and exits 1; apply makes every other write,
// never the denied one, exits 1, and notifies with the revision.
import { createHmac } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeConnectorProfilesCommand } from '@aws-sdk/client-appflow';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { NotificationEvent } from '../../src/notify/types.js';
import { ensureBuilt, runBuiltCli } from '../support/cli.js';
import { emulatorEnv, sdkClientsFor } from '../support/emulator-harness.js';
import { startReceiver, type HttpReceiver } from '../support/http-receiver.js';
import { datadogDocument } from '../support/profile-documents.js';
import { repositoryWithCommits } from '../revision/git-fixtures.js';

const SECRET = { apiKey: 'SENTINEL-SECRET-policy-api', applicationKey: 'SENTINEL-SECRET-policy-app' };
const HMAC_KEY = 'SENTINEL-HOOK-KEY-policy-e2e';

let emulator: RunningEmulator;
let hook: HttpReceiver;
let root: string;
let repo: string;
let profilesDir: string;
let revision: string;

beforeAll(() => ensureBuilt(['cli/commands/plan.ts', 'cli/commands/apply.ts', 'cli/config-features.ts', 'reconcile/executor.ts', 'notify/notifier.ts']), 180_000);

beforeEach(async () => {
  emulator = await startEmulator({ port: 0, seed: { secrets: [{ name: 'e2e/dd', secretString: JSON.stringify(SECRET) }] } });
  hook = await startReceiver();
  root = await mkdtemp(join(tmpdir(), 'policy-e2e-'));
  repo = join(root, 'repo');
  profilesDir = join(repo, 'profiles');
  await mkdir(profilesDir, { recursive: true });
  const doc = (name: string, mode: 'Public' | 'Private') => JSON.stringify({ ...datadogDocument(name, { secret: 'e2e/dd' }), connectionMode: mode });
  [revision] = repositoryWithCommits(repo, [
    {
      'profiles/appflow-gitops.yaml': `policies:
  - name: private-in-prod
    expression: "!profile.connectorProfileName.startsWith('prod-') || profile.connectionMode == 'Private'"
    message: production profiles must use a Private connection
notifications:
  - type: webhook
    url: ${hook.url}/appflow
    secretEnv: HOOK_HMAC_KEY
`,
      'profiles/prod-orders.json': doc('prod-orders', 'Public'),
      'profiles/prod-billing.json': doc('prod-billing', 'Private'),
      'profiles/dev-orders.json': doc('dev-orders', 'Public'),
    },
  ]) as [string];
});

afterEach(async () => {
  await hook.close();
  await emulator.close();
  await rm(root, { recursive: true, force: true });
});

const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
  runBuiltCli(args, {
    cwd: root,
    env: { ...emulatorEnv(emulator.endpoint), HOME: root, AWS_CONFIG_FILE: join(root, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(root, 'none'), NO_COLOR: '1', HOOK_HMAC_KEY: HMAC_KEY, ...extra },
  });

describe('policies and the revision in plan', () => {
  it('shows the violation in every format, carries the revision, and exits 1 for a deny', async () => {
    const json = await cli(['plan', '--profiles', profilesDir, '--state', join(root, 'state'), '--json']);
    expect(json.code).toBe(1);
    const plan = JSON.parse(json.stdout) as { revision: string; policies: unknown; changes: Array<{ name: string; action: string; policyViolations: unknown[] }> };
    expect(plan.revision).toBe(revision);
    expect(plan.policies).toEqual({ denied: 1, warned: 0 });
    expect(plan.changes.map((c) => [c.name, c.action, c.policyViolations])).toEqual([
      ['dev-orders', 'create', []],
      ['prod-billing', 'create', []],
      ['prod-orders', 'create', [{ policy: 'private-in-prod', severity: 'deny', message: 'production profiles must use a Private connection', evaluationError: null }]],
    ]);

    const text = await cli(['plan', '--profiles', profilesDir, '--state', join(root, 'state')]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('! policy private-in-prod (deny): production profiles must use a Private connection');
    expect(text.stdout).toContain('Policies: 1 write denied (not made by apply).');

    const markdown = await cli(['plan', '--profiles', profilesDir, '--state', join(root, 'state'), '--format', 'markdown', '--revision', 'ci-build-42']);
    expect(markdown.stdout).toContain('Revision: `ci-build-42`');
    expect(markdown.stdout).toContain('! policy private-in-prod (deny)');
    for (const run of [json, text, markdown]) expect(run.stdout + run.stderr).not.toContain('SENTINEL-SECRET');
  }, 120_000);
});

describe('policies and notifications in apply', () => {
  it('makes every write but the denied one, exits 1, and notifies each with the revision, signed', async () => {
    const run = await cli(['apply', '--profiles', profilesDir, '--state', join(root, 'state')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('prod-orders (prod-orders.json:1): create not made: PolicyViolation: policy private-in-prod (deny): production profiles must use a Private connection');
    expect(run.stdout).toContain('Apply finished with errors: 2 added, 0 changed, 0 destroyed, 1 denied by policy.');

    const { appflow } = sdkClientsFor(emulator);
    const listed = await appflow.send(new DescribeConnectorProfilesCommand({ maxResults: 100 }));
    appflow.destroy();
    expect((listed.connectorProfileDetails ?? []).map((p) => p.connectorProfileName).sort()).toEqual(['dev-orders', 'prod-billing']);

    // apply waits for its notifications before it exits: they are all there now.
    const events = hook.received.map((r) => JSON.parse(r.body) as NotificationEvent);
    expect(events.map((e) => [e.type, e.profile?.name ?? null, e.reason])).toEqual([
      ['applied', 'dev-orders', 'Applied'],
      ['applied', 'prod-billing', 'Applied'],
      ['policy-violation', 'prod-orders', 'PolicyViolation'],
      ['summary', null, 'ReconciliationFailed'],
    ]);
    expect(events.every((e) => e.revision === revision && e.target === 'default')).toBe(true);
    for (const request of hook.received) {
      expect(request.headers['x-signature']).toBe(`sha256=${createHmac('sha256', HMAC_KEY).update(request.body).digest('hex')}`);
      expect(request.body).not.toContain('SENTINEL');
    }
  }, 120_000);

  it('refuses to start when a notification secret variable is unset, before any write', async () => {
    const run = await cli(['apply', '--profiles', profilesDir, '--state', join(root, 'state')], { HOOK_HMAC_KEY: '' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('notifications[0] (webhook): secretEnv names HOOK_HMAC_KEY, which is not set');
    const { appflow } = sdkClientsFor(emulator);
    const listed = await appflow.send(new DescribeConnectorProfilesCommand({ maxResults: 100 }));
    appflow.destroy();
    expect(listed.connectorProfileDetails ?? []).toEqual([]);
  }, 120_000);
});
