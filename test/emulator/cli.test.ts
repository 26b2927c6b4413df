// End to end: the built CLI's `emulator` command (spawned), and an independent client, the AWS CLI v2.
import { CreateConnectorProfileCommand, DescribeConnectorProfilesCommand } from '@aws-sdk/client-appflow';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSeedFile } from '../../src/cli/commands/emulator.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { findAwsCliV2 } from '../support/aws-cli.js';
import { BIN, ROOT } from '../support/cli.js';
import { waitFor } from '../support/wait-for.js';
import { clientsFor, salesforceProfile } from './helpers.js';


interface Spawned {
  child: ChildProcess;
  endpoint: string;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** Starts `appflow-gitops emulator ARGS` and resolves once it prints its endpoint. */
function spawnEmulator(args: string[]): Promise<Spawned> {
  const child = spawn(process.execPath, [BIN, 'emulator', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${out}${err}`)), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /emulator listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolvePromise({ child, endpoint: match[1]!, stdout: () => out, stderr: () => err, exit });
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited with ${code} before listening: ${out}${err}`));
    });
  });
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'emulator-cli-'));

describe('appflow-gitops emulator (spawned)', () => {
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) {
      throw new Error('dist/ is missing: run `npx tsc -p tsconfig.build.json` (npm test does it in pretest)');
    }
  });

  it('without --seed, tells how to seed the demo secrets; with one, says nothing about it', async () => {
    const bare = await spawnEmulator(['--port', '0']);
    await waitFor(() => bare.stdout().includes('admin:') || undefined, 10_000);
    bare.child.kill('SIGTERM');
    expect(await bare.exit).toBe(0);
    expect(bare.stdout()).toContain('secrets: none seeded; for the demo profiles in profiles/, start with --seed demo/seed.json');

    const dir = tempDir();
    const seedFile = join(dir, 'seed.yaml');
    writeFileSync(seedFile, 'secrets: []\n');
    const seeded = await spawnEmulator(['--port', '0', '--seed', seedFile]);
    await waitFor(() => seeded.stdout().includes('admin:') || undefined, 10_000);
    seeded.child.kill('SIGTERM');
    expect(await seeded.exit).toBe(0);
    expect(seeded.stdout()).not.toContain('none seeded');
  });

  it('serves on a free port with --port 0, seeds, persists, and exits 0 on SIGTERM', async () => {
    const dir = tempDir();
    const stateFile = join(dir, 'state.json');
    const seedFile = join(dir, 'seed.yaml');
    writeFileSync(seedFile, 'secrets:\n  - name: cli/secret\n    secretString: "{\\"token\\":\\"SENTINEL-SECRET-cli\\"}"\n');
    const first = await spawnEmulator(['--port', '0', '--state', stateFile, '--seed', seedFile, '--quota', '5', '--log-requests']);
    expect(first.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.endpoint).not.toMatch(/:0$/);
    const fake = { endpoint: first.endpoint } as RunningEmulator;
    let clients = clientsFor(fake);
    await clients.appflow.send(new CreateConnectorProfileCommand(salesforceProfile('from-cli')));
    expect((await clients.secrets.send(new GetSecretValueCommand({ SecretId: 'cli/secret' }))).SecretString).toContain('SENTINEL-SECRET-cli');
    clients.appflow.destroy();
    clients.secrets.destroy();
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);
    expect(first.stdout()).toContain('emulator stopped');
    expect(first.stderr()).toMatch(/appflow CreateConnectorProfile from-cli -> 200/);
    expect(first.stderr()).not.toContain('SENTINEL');

    const second = await spawnEmulator(['--port', '0', '--state', stateFile]);
    clients = clientsFor({ endpoint: second.endpoint } as RunningEmulator);
    const described = await clients.appflow.send(new DescribeConnectorProfilesCommand({}));
    expect(described.connectorProfileDetails!.map((p) => p.connectorProfileName)).toEqual(['from-cli']);
    clients.appflow.destroy();
    clients.secrets.destroy();
    second.child.kill('SIGINT');
    expect(await second.exit).toBe(0);
  }, 60_000);

  it('reports bad flags and unreadable seed files in one line, without a stack trace', () => {
    const badPort = spawnSync(process.execPath, [BIN, 'emulator', '--port', 'abc'], { cwd: ROOT, encoding: 'utf8' });
    expect(badPort.status).toBe(1);
    expect(badPort.stderr.trim()).toBe('error: --port must be an integer from 0 to 65535, got "abc"');
    const missingSeed = spawnSync(process.execPath, [BIN, 'emulator', '--port', '0', '--seed', '/nonexistent/seed.json'], { cwd: ROOT, encoding: 'utf8' });
    expect(missingSeed.status).toBe(1);
    expect(missingSeed.stderr).toContain('cannot read seed file /nonexistent/seed.json');
    expect(missingSeed.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects a seed file with unknown top-level keys (a typo would otherwise seed nothing) and non-list values', () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-seed-'));
    const typo = join(dir, 'typo.yaml');
    writeFileSync(typo, 'secret:\n  - name: a\n    secretString: x\nProfiles: []\n');
    expect(() => readSeedFile(typo)).toThrow(`seed file ${typo} has unknown top-level keys "secret", "Profiles"; expected only "secrets" and "profiles"`);
    const notList = join(dir, 'not-list.json');
    writeFileSync(notList, '{"secrets": {"name": "a"}}');
    expect(() => readSeedFile(notList)).toThrow(`seed file ${notList}: "secrets" must be a list`);
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'secrets:\n  - name: a\n    secretString: x\n');
    expect(readSeedFile(good)).toEqual({ secrets: [{ name: 'a', secretString: 'x' }] });
  });
});

const awsCli = findAwsCliV2();
if (!awsCli.path) console.warn(`skipping the AWS CLI smoke test: ${awsCli.reason}`);

describe.skipIf(!awsCli.path)('AWS CLI v2 smoke test', () => {
  let emulator: RunningEmulator;
  let env: NodeJS.ProcessEnv;
  let dir: string;

  beforeAll(async () => {
    emulator = await startEmulator({ seed: { secrets: [{ name: 'cli/db', secretString: '{"password":"SENTINEL-SECRET-awscli"}' }] } });
    dir = tempDir();
    writeFileSync(join(dir, 'config'), '');
    writeFileSync(join(dir, 'credentials'), '');
    env = {
      PATH: process.env.PATH,
      HOME: dir,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_PAGER: '',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
  });
  afterAll(async () => {
    await emulator.close();
  });

  // Asynchronous on purpose: the emulator runs in this process, so a synchronous spawn would block it.
  const aws = (...args: string[]) => awsWith({}, ...args);
  const awsWith = (extraEnv: NodeJS.ProcessEnv, ...args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn(awsCli.path!, [...args, '--endpoint-url', emulator.endpoint, '--output', 'json'], { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (status) => done({ status, stdout, stderr }));
    });

  it('creates and describes a connector profile (the CLI model has no clientToken)', async () => {
    const config = join(dir, 'profile-config.json');
    writeFileSync(
      config,
      JSON.stringify({
        connectorProfileProperties: {
          SAPOData: { applicationHostUrl: 'https://example.connection.url', applicationServicePath: '/sap/opu/odata/example/path;v=2', portNumber: 443, clientNumber: '100', logonLanguage: 'EN' },
        },
        connectorProfileCredentials: { SAPOData: { basicAuthCredentials: { username: 'u', password: 'SENTINEL-SECRET-sap' } } },
      }),
    );
    const created = await aws('appflow', 'create-connector-profile', '--connector-profile-name', 'sap-odata-connection', '--connector-type', 'SAPOData', '--connection-mode', 'Public', '--connector-profile-config', `file://${config}`);
    expect(created.stderr).toBe('');
    expect(created.status).toBe(0);
    expect(JSON.parse(created.stdout)).toEqual({ connectorProfileArn: 'arn:aws:appflow:us-east-1:123456789012:connectorprofile/sap-odata-connection' });

    const described = await aws('appflow', 'describe-connector-profiles', '--connector-profile-names', 'sap-odata-connection');
    expect(described.status).toBe(0);
    const detail = (JSON.parse(described.stdout) as { connectorProfileDetails: Record<string, unknown>[] }).connectorProfileDetails[0]!;
    expect(detail).toMatchObject({
      connectorProfileName: 'sap-odata-connection',
      connectorType: 'SAPOData',
      credentialsArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:appflow!123456789012-sap-odata-connection',
      connectorProfileProperties: { SAPOData: { portNumber: 443, logonLanguage: 'EN' } },
    });
    expect(described.stdout).not.toContain('SENTINEL');
    expect(emulator.requestLog().find((e) => e.operation === 'CreateConnectorProfile')?.clientToken).toBeUndefined();

    const duplicate = await aws('appflow', 'create-connector-profile', '--connector-profile-name', 'sap-odata-connection', '--connector-type', 'SAPOData', '--connection-mode', 'Public', '--connector-profile-config', `file://${config}`);
    expect(duplicate.status).not.toBe(0);
    expect(duplicate.stderr).toContain('An error occurred (ConflictException) when calling the CreateConnectorProfile operation');
  }, 180_000); // the AWS CLI takes seconds per start on a busy 2-core machine

  it('reads a secret and gets typed errors', async () => {
    const value = await aws('secretsmanager', 'get-secret-value', '--secret-id', 'cli/db');
    expect(value.status).toBe(0);
    expect(JSON.parse(value.stdout)).toMatchObject({ Name: 'cli/db', SecretString: '{"password":"SENTINEL-SECRET-awscli"}', VersionStages: ['AWSCURRENT'] });
    const missing = await aws('secretsmanager', 'get-secret-value', '--secret-id', 'cli/missing');
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain("An error occurred (ResourceNotFoundException) when calling the GetSecretValue operation: Secrets Manager can't find the specified secret.");
  }, 120_000);

  it('assumes a role with `aws sts assume-role`, then works in that account and region with the returned keys', async () => {
    const assumed = await aws('sts', 'assume-role', '--role-arn', 'arn:aws:iam::222222222222:role/appflow-gitops', '--role-session-name', 'cli-test');
    expect(assumed.stderr).toBe('');
    expect(assumed.status).toBe(0);
    const answer = JSON.parse(assumed.stdout) as { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string }; AssumedRoleUser: { Arn: string } };
    expect(answer.AssumedRoleUser.Arn).toBe('arn:aws:sts::222222222222:assumed-role/appflow-gitops/cli-test');
    const roleEnv = {
      AWS_ACCESS_KEY_ID: answer.Credentials.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: answer.Credentials.SecretAccessKey,
      AWS_SESSION_TOKEN: answer.Credentials.SessionToken,
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
    };
    const identity = await awsWith(roleEnv, 'sts', 'get-caller-identity');
    expect(JSON.parse(identity.stdout)).toMatchObject({ Account: '222222222222' });
    const config = join(dir, 'datadog-config.json');
    writeFileSync(config, JSON.stringify({ connectorProfileProperties: { Datadog: { instanceUrl: 'https://api.datadoghq.com' } }, connectorProfileCredentials: { Datadog: { apiKey: 'SENTINEL-SECRET-a', applicationKey: 'SENTINEL-SECRET-b' } } }));
    const created = await awsWith(roleEnv, 'appflow', 'create-connector-profile', '--connector-profile-name', 'in-prod-eu', '--connector-type', 'Datadog', '--connection-mode', 'Public', '--connector-profile-config', `file://${config}`);
    expect(created.status).toBe(0);
    expect(JSON.parse(created.stdout)).toEqual({ connectorProfileArn: 'arn:aws:appflow:eu-west-1:222222222222:connectorprofile/in-prod-eu' });
    const inDefault = await aws('appflow', 'describe-connector-profiles', '--connector-profile-names', 'in-prod-eu');
    expect(JSON.parse(inDefault.stdout)).toEqual({ connectorProfileDetails: [] });

    emulator.faults.denyRole!('arn:aws:iam::222222222222:role/appflow-gitops');
    const denied = await aws('sts', 'assume-role', '--role-arn', 'arn:aws:iam::222222222222:role/appflow-gitops', '--role-session-name', 'cli-test');
    expect(denied.status).not.toBe(0);
    expect(denied.stderr).toContain('An error occurred (AccessDenied) when calling the AssumeRole operation: User: arn:aws:iam::123456789012:user/emulator is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/appflow-gitops');
  }, 180_000);
});
