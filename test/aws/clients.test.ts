import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsAdapters, createAwsAdaptersAsync } from '../../src/aws/clients.js';
import { awsErrorCode, isRetryable, isTerminal, isUncertain } from '../../src/aws/error-codes.js';
import type { AwsCallObserver } from '../../src/aws/ports.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { resetEmulator } from '../support/emulator-harness.js';
import { adaptersFor, countCalls, datadogProfile } from './helpers.js';

type Call = Parameters<AwsCallObserver>[0];

let emu: RunningEmulator;

const SEED = {
  profiles: [datadogProfile('existing')],
  secrets: [{ name: 'db', secretString: JSON.stringify({ password: 'SENTINEL-SECRET-db' }) }],
};

beforeAll(async () => {
  emu = await startEmulator({ seed: SEED });
  // The emulator keeps each region apart, as AWS does: seed the regions these tests select.
  for (const region of ['eu-west-3', 'eu-central-1', 'ap-northeast-1']) emu.seed({ ...SEED, region });
});
afterAll(async () => {
  await emu?.close();
});
beforeEach(() => resetEmulator(emu));

describe('call observer', () => {
  it('reports every SDK call once with service, operation, error code, duration and attempts', async () => {
    const calls: Call[] = [];
    const aws = adaptersFor(emu, { observer: (call) => calls.push(call) });
    try {
      await aws.appflow.describeByNames(['existing']);
      await aws.secrets.resolve([{ raw: 'r', secretId: 'db', jsonKey: 'password' }]);
      emu.faults.failNext('DescribeConnectorProfiles', 1, { status: 500, code: 'InternalServerException' });
      await aws.appflow.describeAll();
      await aws.appflow.create({ ...datadogProfile('existing'), clientToken: 't1' }).catch(() => undefined);
    } finally {
      aws.destroy();
    }
    expect(calls.map(({ service, operation, errorCode, attempts }) => ({ service, operation, errorCode, attempts }))).toEqual([
      { service: 'appflow', operation: 'DescribeConnectorProfiles', errorCode: undefined, attempts: 1 },
      { service: 'secretsmanager', operation: 'BatchGetSecretValue', errorCode: undefined, attempts: 1 },
      // The SDK retried the 500 itself: one call, two HTTP attempts.
      { service: 'appflow', operation: 'DescribeConnectorProfiles', errorCode: undefined, attempts: 2 },
      { service: 'appflow', operation: 'CreateConnectorProfile', errorCode: 'ConflictException', attempts: 1 },
    ]);
    for (const call of calls) expect(call.durationMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(calls)).not.toContain('SENTINEL-SECRET');
  });

  it('never lets a throwing observer break a call', async () => {
    const aws = adaptersFor(emu, {
      observer: () => {
        throw new Error('metrics down');
      },
    });
    try {
      expect(await aws.appflow.describeByNames(['existing'])).toHaveLength(1);
    } finally {
      aws.destroy();
    }
  });
});

describe('configuration from the environment', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  function useEnvCredentials(): void {
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    process.env.AWS_REGION = 'eu-west-3';
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_ROLE_ARN;
  }

  it('routes calls with AWS_ENDPOINT_URL_APPFLOW and AWS_ENDPOINT_URL_SECRETS_MANAGER alone', async () => {
    useEnvCredentials();
    process.env.AWS_ENDPOINT_URL_APPFLOW = emu.endpoint;
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = emu.endpoint;
    const aws = createAwsAdapters();
    try {
      expect(aws.target).toEqual({ key: 'eu-west-3/default@local', region: 'eu-west-3', identity: 'default', endpoint: 'local' });
      expect((await aws.appflow.describeByNames(['existing'])).map((p) => p.name)).toEqual(['existing']);
      const resolved = await aws.secrets.resolve([{ raw: 'r', secretId: 'db', jsonKey: 'password' }]);
      expect(resolved.get('r')).toEqual({ ok: true, value: 'SENTINEL-SECRET-db', versionId: expect.any(String) });
    } finally {
      aws.destroy();
    }
    expect(countCalls(emu, 'DescribeConnectorProfiles')).toBe(1);
    expect(countCalls(emu, 'BatchGetSecretValue')).toBe(1);
  });

  it('routes calls with AWS_ENDPOINT_URL alone and keys the target by AWS_ROLE_ARN', async () => {
    useEnvCredentials();
    process.env.AWS_ENDPOINT_URL = emu.endpoint;
    process.env.AWS_ROLE_ARN = 'arn:aws:iam::111122223333:role/deployer';
    // Static env keys come first in the SDK chain (AWS_PROFILE would make it skip them).
    const aws = createAwsAdapters({ maxAttempts: 1 });
    try {
      expect(aws.target.key).toBe('eu-west-3/arn:aws:iam::111122223333:role/deployer@local');
      expect(await aws.appflow.describeByNames(['existing'])).toHaveLength(1);
    } finally {
      aws.destroy();
    }
    expect(countCalls(emu, 'DescribeConnectorProfiles')).toBe(1);
  });
});

describe('region from the shared config', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it('uses the active profile\'s region (sync and async), else us-east-1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'afg-config-'));
    try {
      await writeFile(join(dir, 'config'), '[default]\nregion = eu-central-1\n[profile other]\nregion = ap-northeast-1\n');
      delete process.env.AWS_REGION;
      delete process.env.AWS_DEFAULT_REGION;
      delete process.env.AWS_PROFILE;
      process.env.AWS_CONFIG_FILE = join(dir, 'config');
      process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
      const settings = { endpoints: { appflow: emu.endpoint }, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
      const sync = createAwsAdapters(settings);
      const async = await createAwsAdaptersAsync(settings);
      expect(sync.target.region).toBe('eu-central-1');
      expect(async.target.region).toBe('eu-central-1');
      // The clients are built with the resolved region and work.
      expect(await async.appflow.describeByNames(['existing'])).toHaveLength(1);
      sync.destroy();
      async.destroy();
      process.env.AWS_PROFILE = 'other';
      const other = await createAwsAdaptersAsync(settings);
      expect(other.target).toEqual({ key: 'ap-northeast-1/other@local', region: 'ap-northeast-1', identity: 'other', endpoint: 'local' });
      other.destroy();
      process.env.AWS_CONFIG_FILE = join(dir, 'missing');
      delete process.env.AWS_PROFILE;
      const none = await createAwsAdaptersAsync(settings);
      expect(none.target.region).toBe('us-east-1');
      none.destroy();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('retry budget', () => {
  it('bounds reads by maxAttempts and writes by writeMaxAttempts', async () => {
    const aws = adaptersFor(emu, { maxAttempts: 3, writeMaxAttempts: 1 });
    try {
      emu.faults.failNext('DescribeConnectorProfiles', 2, { status: 503, code: 'ServiceUnavailableException' });
      expect(await aws.appflow.describeByNames(['existing'])).toHaveLength(1);
      expect(countCalls(emu, 'DescribeConnectorProfiles')).toBe(3);
      emu.faults.failNext('UpdateConnectorProfile', 1, { status: 500, code: 'InternalServerException' });
      const err = await aws.appflow
        .update({ connectorProfileName: 'existing', connectionMode: 'Public', connectorProfileConfig: datadogProfile('existing').connectorProfileConfig, clientToken: 'u1' })
        .catch((e: unknown) => e);
      expect(awsErrorCode(err)).toBe('InternalServerException');
      expect(countCalls(emu, 'UpdateConnectorProfile')).toBe(1);
    } finally {
      aws.destroy();
    }
  });
});

describe('error classification on real SDK errors', () => {
  async function failWith(status: number, code: string): Promise<unknown> {
    const aws = adaptersFor(emu, { maxAttempts: 1 });
    try {
      emu.faults.failNext('DescribeConnectorProfiles', 1, { status, code, message: 'injected' });
      return await aws.appflow.describeAll().then(
        () => undefined,
        (e: unknown) => e,
      );
    } finally {
      aws.destroy();
    }
  }

  it.each([
    [500, 'InternalServerException', { retryable: true, terminal: false, uncertain: false }],
    [429, 'ThrottlingException', { retryable: true, terminal: false, uncertain: false }],
    [503, 'ServiceUnavailableException', { retryable: true, terminal: false, uncertain: false }],
    [400, 'ValidationException', { retryable: false, terminal: true, uncertain: false }],
    [401, 'ConnectorAuthenticationException', { retryable: false, terminal: true, uncertain: false }],
    [404, 'ResourceNotFoundException', { retryable: false, terminal: false, uncertain: false }],
  ])('HTTP %i %s', async (status, code, expected) => {
    const err = await failWith(status, code);
    expect(awsErrorCode(err)).toBe(code);
    expect({ retryable: isRetryable(err), terminal: isTerminal(err), uncertain: isUncertain(err) }).toEqual(expected);
  });

  it('classifies "applied, then the connection dropped" as uncertain and retryable', async () => {
    const aws = adaptersFor(emu, { maxAttempts: 1 });
    try {
      emu.faults.applyThenDrop('CreateConnectorProfile', 1);
      const err = await aws.appflow.create({ ...datadogProfile('dropped'), clientToken: 'drop-1' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(awsErrorCode(err)).toMatch(/^(ECONNRESET|EPIPE|TimeoutError)$/);
      expect(isUncertain(err)).toBe(true);
      expect(isRetryable(err)).toBe(true);
      expect(isTerminal(err)).toBe(false);
      // The write did happen.
      expect(await aws.appflow.describeByNames(['dropped'])).toHaveLength(1);
    } finally {
      aws.destroy();
    }
  });

  it('classifies a request timeout as uncertain', async () => {
    const aws = adaptersFor(emu, { maxAttempts: 1, requestTimeoutMs: 150 });
    try {
      emu.faults.latency('DescribeConnectorProfiles', 1_000);
      const err = await aws.appflow.describeAll().catch((e: unknown) => e);
      expect(awsErrorCode(err)).toBe('TimeoutError');
      expect(isUncertain(err)).toBe(true);
      expect(isRetryable(err)).toBe(true);
    } finally {
      emu.faults.latency('DescribeConnectorProfiles', 0);
      aws.destroy();
    }
  });

  it('classifies a refused connection as retryable but certain (nothing was sent)', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const aws = createAwsAdapters({
      region: 'us-east-1',
      endpoints: { appflow: `http://127.0.0.1:${port}` },
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    try {
      const err = await aws.appflow.describeAll().catch((e: unknown) => e);
      expect(awsErrorCode(err)).toBe('ECONNREFUSED');
      expect(isRetryable(err)).toBe(true);
      expect(isUncertain(err)).toBe(false);
    } finally {
      aws.destroy();
    }
  });
});
