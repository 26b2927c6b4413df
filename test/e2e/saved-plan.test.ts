// plan --out FILE and apply FILE (issue 15 item 3) through the built CLI against the emulator:
// apply FILE applies exactly the saved plan; an edited file, a state change, drift in the
// account, a rotated secret or another flag each make it refuse in one line with no write
// (counted from the emulator's request log); a corrupt or foreign file refuses clearly; sentinel
// secrets never reach the file.
import { AppflowClient, UpdateConnectorProfileCommand } from '@aws-sdk/client-appflow';
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureBuilt, runBuiltCli, type CliResult } from '../support/cli.js';
import { profileWrites, emptyEmulator, sdkConfigFor, startEmulatorHarness, type EmulatorHarness } from '../support/emulator-harness.js';
import { datadogDocument } from '../support/profile-documents.js';

const SENTINEL = 'SENTINEL-SECRET-saved-plan';
const SLOW = 60_000;

let harness: EmulatorHarness;
let root: string;
let profiles: string;
let planFile: string;
const outputs: string[] = [];

beforeAll(async () => {
  ensureBuilt();
  harness = await startEmulatorHarness();
});

afterAll(async () => {
  await harness.close();
  expect(outputs.join('\n')).not.toContain(SENTINEL);
});

beforeEach(async () => {
  await emptyEmulator(harness.emulator);
  harness.emulator.seed({ secrets: [{ name: 'sp/dd', secretString: secretString('v1') }] });
  root = await mkdtemp(join(tmpdir(), 'saved-plan-'));
  profiles = join(root, 'profiles');
  planFile = join(root, 'reviewed.plan');
  await mkdir(profiles);
  for (const name of ['a', 'b']) await writeProfile(name);
  return () => rm(root, { recursive: true, force: true });
});

function secretString(tag: string): string {
  return JSON.stringify({ apiKey: `${SENTINEL}-api-${tag}`, applicationKey: `${SENTINEL}-app-${tag}` });
}

async function writeProfile(name: string, instanceUrl?: string): Promise<void> {
  await writeFile(join(profiles, `${name}.json`), JSON.stringify(datadogDocument(name, { secret: 'sp/dd', ...(instanceUrl ? { instanceUrl } : {}) })));
}

async function cli(...args: string[]): Promise<CliResult> {
  const result = await runBuiltCli([...args, '--profiles', profiles, '--state', join(root, 'state')], {
    cwd: root,
    env: { ...harness.env, HOME: root, NO_COLOR: '1' },
  });
  outputs.push(result.stdout, result.stderr);
  return result;
}

const writes = () => profileWrites(harness.emulator).map((w) => `${w.operation}:${w.profileName}`);

/** apply FILE refused: exit 1, exactly one line on stderr, and no AppFlow write at all. */
async function expectRefusal(args: string[], message: RegExp): Promise<void> {
  const before = writes().length;
  const apply = await cli('apply', planFile, ...args);
  expect(apply.code).toBe(1);
  expect(apply.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(apply.stderr.trimEnd()).toMatch(message);
  expect(writes().length - before).toBe(0);
}

/** Both profiles created (a plain apply), then b's file edited: the plan to save is one update. */
async function convergeThenEditB(): Promise<void> {
  expect((await cli('apply')).code).toBe(0);
  await writeProfile('b', 'https://api.datadoghq.eu');
}

describe('plan --out FILE and apply FILE', () => {
  it('apply FILE applies exactly the saved plan, without asking; the file is 0600, versioned and holds no secret', async () => {
    const plan = await cli('plan', '--out', planFile);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('Plan: 2 to add');
    expect(plan.stderr).toContain(`Saved the plan to ${planFile}`);
    expect((await stat(planFile)).mode & 0o777).toBe(0o600);
    const text = await readFile(planFile, 'utf8');
    expect(text).not.toContain(SENTINEL);
    const saved = JSON.parse(text) as { kind: string; formatVersion: number; tool: { version: string }; targets: { name: string; plan: { changes: { name: string; action: string }[] } }[] };
    expect(saved.kind).toBe('appflow-gitops/saved-plan');
    expect(saved.formatVersion).toBe(1);
    expect(saved.tool.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(saved.targets.map((t) => [t.name, t.plan.changes.map((c) => `${c.action}:${c.name}`)])).toEqual([['default', ['create:a', 'create:b']]]);
    expect(writes()).toEqual([]);

    const apply = await cli('apply', planFile);
    expect(apply.code).toBe(0);
    expect(apply.stderr).toBe('');
    expect(writes().sort()).toEqual(['CreateConnectorProfile:a', 'CreateConnectorProfile:b']);

    // Applied once, the same file is stale: what it planned against (the account, the state) moved on.
    await expectRefusal([], /^error: saved plan .*reviewed\.plan is stale: the state's record of profile a was added \(target default\); nothing was written \(run plan --out again\)$/);
  }, SLOW);

  it('an edited profile file refuses', async () => {
    expect((await cli('plan', '--out', planFile)).code).toBe(0);
    await writeProfile('a', 'https://api.datadoghq.eu');
    await expectRefusal([], /is stale: profile file a\.json changed; nothing was written/);
    await writeFile(join(profiles, 'c.json'), JSON.stringify(datadogDocument('c', { secret: 'sp/dd' })));
    await writeProfile('a');
    await expectRefusal([], /is stale: profile file c\.json was added;/);
  }, SLOW);

  it('a state change (another apply) refuses', async () => {
    expect((await cli('plan', '--out', planFile)).code).toBe(0);
    expect((await cli('apply', '--names', 'a')).code).toBe(0);
    await expectRefusal([], /is stale: the state's record of profile a was added \(target default\);/);
    expect(writes()).toEqual(['CreateConnectorProfile:a']);
  }, SLOW);

  it('drift in the account refuses', async () => {
    await convergeThenEditB();
    expect((await cli('plan', '--out', planFile)).code).toBe(0);
    await harness.sdk.appflow.send(
      new UpdateConnectorProfileCommand({
        connectorProfileName: 'a',
        connectionMode: 'Public',
        connectorProfileConfig: { connectorProfileProperties: { Datadog: { instanceUrl: 'https://changed-by-hand.example' } }, connectorProfileCredentials: { Datadog: { apiKey: 'x', applicationKey: 'y' } } },
      }),
    );
    await expectRefusal([], /is stale: profile a changed in the account \(target default\);/);
  }, SLOW);

  it('a rotated secret refuses (by its version id: the file holds no value)', async () => {
    await convergeThenEditB();
    expect((await cli('plan', '--out', planFile)).code).toBe(0);
    await harness.sdk.secrets.send(new PutSecretValueCommand({ SecretId: 'sp/dd', SecretString: secretString('v2') }));
    await expectRefusal([], /is stale: a secret has a new version \(rotated\) for profile a \(target default\);/);
  }, SLOW);

  it('another planning flag refuses before reading AWS', async () => {
    await convergeThenEditB();
    expect((await cli('plan', '--out', planFile, '--names', 'b')).code).toBe(0);
    await expectRefusal(['--names', 'b', '--prune'], /^error: saved plan .* cannot be applied: --prune was false when planned and is true now \(give apply the flags plan was given\); nothing was written$/);
    await expectRefusal([], /cannot be applied: --names was \["b"\] when planned and is null now/);
    const apply = await cli('apply', planFile, '--names', 'b');
    expect(apply.code).toBe(0);
    expect(writes().slice(-1)).toEqual(['UpdateConnectorProfile:b']);
  }, SLOW);

  it('a corrupt, foreign-version or other-tool-version file refuses clearly', async () => {
    await writeFile(planFile, '{"kind": "appflow-gitops/saved-pl');
    await expectRefusal([], /^error: saved plan .* is not a saved plan \(not JSON: truncated or corrupt\?\); nothing was written$/);
    await writeFile(planFile, JSON.stringify({ format_version: '1.2', terraform_version: '1.9.0' }));
    await expectRefusal([], /is not a saved plan \(no "kind": "appflow-gitops\/saved-plan"/);

    expect((await cli('plan', '--out', planFile)).code).toBe(0);
    const saved = JSON.parse(await readFile(planFile, 'utf8')) as Record<string, unknown>;
    await writeFile(planFile, JSON.stringify({ ...saved, formatVersion: 2 }));
    await expectRefusal([], /has saved-plan format 2; this version reads format 1/);
    await writeFile(planFile, JSON.stringify({ ...saved, tool: { name: 'appflow-gitops', version: '0.0.1' } }));
    await expectRefusal([], /was made by appflow-gitops "0\.0\.1"; this is /);
    await writeFile(planFile, JSON.stringify({ ...saved, targets: 'none' }));
    await expectRefusal([], /is not a complete saved plan/);
  }, SLOW);

  it('--out with --skip-credentials is refused: such a plan cannot be applied', async () => {
    const plan = await cli('plan', '--out', planFile, '--skip-credentials');
    expect(plan.code).toBe(1);
    expect(plan.stderr).toMatch(/^error: --out cannot be used with --skip-credentials/);
  });

  it('--out with --allow-plaintext-credentials is refused: a digest of a plaintext secret could be brute-forced', async () => {
    const plan = await cli('plan', '--out', planFile, '--allow-plaintext-credentials');
    expect(plan.code).toBe(1);
    expect(plan.stderr).toMatch(/^error: --out cannot be used with --allow-plaintext-credentials: the plan file would hold a digest of plaintext secrets\n$/);
    await expect(stat(planFile)).rejects.toThrow(/ENOENT/);
  });

  it('--out into the profiles directory as a .json or .yaml is refused: it would be read as a profile', async () => {
    const plan = await cli('plan', '--out', join(profiles, 'plan.json'));
    expect(plan.code).toBe(1);
    expect(plan.stderr).toMatch(/^error: --out .*plan\.json is inside the profiles directory and would be read as a profile file; write the plan elsewhere\n$/);
    expect(harness.emulator.requestLog()).toEqual([]);
  });
});

describe('saved plans with declared targets and policies', () => {
  const targetsConfig = 'targets:\n  - name: dev-us\n    region: us-east-1\n    paths: [dev/]\n  - name: dev-eu\n    region: eu-west-1\n    paths: [dev/]\n';

  beforeEach(async () => {
    harness.emulator.seed({ region: 'eu-west-1', secrets: [{ name: 'sp/dd', secretString: secretString('v1') }] });
    await rm(join(profiles, 'a.json'));
    await rm(join(profiles, 'b.json'));
    await mkdir(join(profiles, 'dev'));
    await writeFile(join(profiles, 'appflow-gitops.yaml'), targetsConfig);
    await writeFile(join(profiles, 'dev', 'app.json'), JSON.stringify(datadogDocument('app', { secret: 'sp/dd' })));
  });

  it('one file with a section per target; a change in one target refuses every target, with no write in any', async () => {
    expect((await cli('plan', '--out', planFile)).code).toBe(0);
    const saved = JSON.parse(await readFile(planFile, 'utf8')) as { flags: { targets: string[] }; targets: { name: string; key: string; plan: { changes: { name: string; action: string }[] } }[] };
    expect(saved.flags.targets).toEqual(['dev-us', 'dev-eu']);
    expect(saved.targets.map((t) => [t.name, t.key, t.plan.changes.map((c) => `${c.action}:${c.name}`)])).toEqual([
      ['dev-us', '123456789012/us-east-1@local', ['create:app']],
      ['dev-eu', '123456789012/eu-west-1@local', ['create:app']],
    ]);
    const apply = await cli('apply', planFile);
    expect(apply.code).toBe(0);
    expect(harness.emulator.requestLog().filter((e) => e.operation === 'CreateConnectorProfile').map((e) => e.region).sort()).toEqual(['eu-west-1', 'us-east-1']);

    // Both targets plan an update; then the profile changes by hand in eu-west-1 only.
    await writeFile(join(profiles, 'dev', 'app.json'), JSON.stringify(datadogDocument('app', { secret: 'sp/dd', instanceUrl: 'https://api.datadoghq.eu' })));
    expect((await cli('plan', '--out', planFile)).code).toBe(0);
    const eu = new AppflowClient({ ...sdkConfigFor(harness.emulator), region: 'eu-west-1' });
    try {
      await eu.send(new UpdateConnectorProfileCommand({ connectorProfileName: 'app', connectionMode: 'Public', connectorProfileConfig: { connectorProfileProperties: { Datadog: { instanceUrl: 'https://by-hand.example' } }, connectorProfileCredentials: { Datadog: { apiKey: 'x', applicationKey: 'y' } } } }));
    } finally {
      eu.destroy();
    }
    await expectRefusal([], /is stale: profile app changed in the account \(target dev-eu\);/);
    await expectRefusal(['--target', 'dev-us'], /cannot be applied: --target was \["dev-us","dev-eu"\] when planned and is \["dev-us"\] now/);
  }, SLOW);

  it('a target that cannot plan (its role denied) leaves no plan file, after the report', async () => {
    const role = 'arn:aws:iam::222222222222:role/appflow-gitops';
    await writeFile(join(profiles, 'appflow-gitops.yaml'), `${targetsConfig}  - name: prod\n    region: us-east-1\n    accountId: '222222222222'\n    roleArn: ${role}\n    paths: [dev/]\n`);
    harness.emulator.faults.denyRole!(role);
    const plan = await cli('plan', '--out', planFile);
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain('=== target prod');
    expect(plan.stderr).toMatch(/error: plan --out .*reviewed\.plan: target prod could not be planned \(.*\), so there is no plan to save; no plan file written\n$/);
    await expect(stat(planFile)).rejects.toThrow(/ENOENT/);
  }, SLOW);

  it('a write a deny policy rejects keeps the saved plan from being applied', async () => {
    await writeFile(join(profiles, 'appflow-gitops.yaml'), 'policies:\n  - name: private-only\n    expression: "profile.connectionMode == \'Private\'"\n    message: profiles must use a Private connection\n');
    const plan = await cli('plan', '--out', planFile);
    expect(plan.code).toBe(1);
    await expectRefusal([], /cannot be applied: the plan has a write a deny policy rejects \(profile app, policy private-only, target default\); fix it and plan again; nothing was written$/);
  }, SLOW);
});
