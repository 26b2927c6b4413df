// Each fault, driven in-process and over the admin HTTP path, observed through the real SDK.
import {
  AppflowServiceException,
  CreateConnectorProfileCommand,
  DescribeConnectorProfilesCommand,
  UpdateConnectorProfileCommand,
} from '@aws-sdk/client-appflow';
import { GetSecretValueCommand, SecretsManagerServiceException } from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { Faults } from '../../src/emulator/faults.js';
import { clientsFor, rejection, salesforceProfile } from './helpers.js';

let emulator: RunningEmulator;
let clients: ReturnType<typeof clientsFor>;

beforeAll(async () => {
  emulator = await startEmulator({ seed: { secrets: [{ name: 'db', secretString: '{"password":"SENTINEL-SECRET-db"}' }] } });
  clients = clientsFor(emulator);
});
afterEach(() => {
  emulator.faults.reset();
  emulator.clearRequestLog();
});
afterAll(async () => {
  clients.appflow.destroy();
  clients.secrets.destroy();
  await emulator.close();
});

describe('failNext', () => {
  it('fails the next N calls of one operation with the given error, then recovers', async () => {
    emulator.faults.failNext('DescribeConnectorProfiles', 2, { status: 503, code: 'ServiceUnavailableException', message: 'try later' });
    for (let i = 0; i < 2; i++) {
      const err = await rejection(clients.appflow.send(new DescribeConnectorProfilesCommand({})));
      expect(err).toBeInstanceOf(AppflowServiceException);
      expect(err.name).toBe('ServiceUnavailableException');
      expect(err.$metadata?.httpStatusCode).toBe(503);
      expect(err.message).toBe('try later');
    }
    await clients.appflow.send(new DescribeConnectorProfilesCommand({}));
    // Other operations are unaffected.
    expect(emulator.requestLog().map((e) => e.status)).toEqual([503, 503, 200]);
  });

  it('applies nothing when a write fails, and works for Secrets Manager errors', async () => {
    emulator.faults.failNext('CreateConnectorProfile', 1, { status: 500, code: 'InternalServerException' });
    expect((await rejection(clients.appflow.send(new CreateConnectorProfileCommand(salesforceProfile('not-applied'))))).name).toBe('InternalServerException');
    const described = await clients.appflow.send(new DescribeConnectorProfilesCommand({ connectorProfileNames: ['not-applied'] }));
    expect(described.connectorProfileDetails).toEqual([]);
    emulator.faults.failNext('GetSecretValue', 1, { status: 400, code: 'DecryptionFailure', message: 'KMS says no' });
    const err = await rejection(clients.secrets.send(new GetSecretValueCommand({ SecretId: 'db' })));
    expect(err).toBeInstanceOf(SecretsManagerServiceException);
    expect(err.name).toBe('DecryptionFailure');
  });

  it('lets the SDK retry through a transient error (standard retry mode)', async () => {
    const retrying = clientsFor(emulator, 3);
    try {
      emulator.faults.failNext('DescribeConnectorProfiles', 1, { status: 500, code: 'InternalServerException' });
      const result = await retrying.appflow.send(new DescribeConnectorProfilesCommand({}));
      expect(result.$metadata.attempts).toBe(2);
    } finally {
      retrying.appflow.destroy();
      retrying.secrets.destroy();
    }
  });
});

describe('throttle', () => {
  it('answers 429 ThrottlingException above R requests per second (sliding one-second window)', async () => {
    emulator.faults.throttle('GetSecretValue', 3);
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) {
      try {
        await clients.secrets.send(new GetSecretValueCommand({ SecretId: 'db' }));
        outcomes.push('ok');
      } catch (err) {
        const e = err as SecretsManagerServiceException;
        expect(e.$metadata.httpStatusCode).toBe(429);
        outcomes.push(e.name);
      }
    }
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'ThrottlingException', 'ThrottlingException']);
    // A different operation is not throttled by a per-operation limit.
    await clients.appflow.send(new DescribeConnectorProfilesCommand({}));
    emulator.faults.throttle('GetSecretValue', undefined);
    await clients.secrets.send(new GetSecretValueCommand({ SecretId: 'db' }));
  });

  it('the window slides: capacity returns after one second', () => {
    let t = 0;
    const faults = new Faults(() => t);
    faults.throttle('*', 2);
    expect([faults.admit('A'), faults.admit('B'), faults.admit('A')]).toEqual([true, true, false]);
    t = 999;
    expect(faults.admit('A')).toBe(false);
    t = 1000;
    expect(faults.admit('A')).toBe(true);
    expect(faults.admit('A')).toBe(true);
    expect(faults.admit('A')).toBe(false);
  });

  it('is typed as throttling for AppFlow too', async () => {
    emulator.faults.throttle('*', 1);
    await clients.appflow.send(new DescribeConnectorProfilesCommand({}));
    const err = await rejection(clients.appflow.send(new DescribeConnectorProfilesCommand({})));
    expect(err.name).toBe('ThrottlingException');
    expect(err.$metadata?.httpStatusCode).toBe(429);
  });
});

describe('latency', () => {
  it('delays the operation it is set for', async () => {
    emulator.faults.latency('DescribeConnectorProfiles', 250);
    const started = performance.now();
    await clients.appflow.send(new DescribeConnectorProfilesCommand({}));
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
  });
});

describe('applyThenDrop', () => {
  it('applies the write but the SDK sees a network error; a retry with the same token is replayed', async () => {
    emulator.faults.applyThenDrop('CreateConnectorProfile', 1);
    const request = salesforceProfile('dropped', { clientToken: 'drop-token' });
    const err = await rejection(clients.appflow.send(new CreateConnectorProfileCommand(request)));
    expect(err).not.toBeInstanceOf(AppflowServiceException);
    expect(err.$metadata?.httpStatusCode).toBeUndefined();
    const described = await clients.appflow.send(new DescribeConnectorProfilesCommand({ connectorProfileNames: ['dropped'] }));
    expect(described.connectorProfileDetails).toHaveLength(1);
    // The retry the token exists for: same token + parameters → the first response, not a ConflictException.
    const retry = await clients.appflow.send(new CreateConnectorProfileCommand(request));
    expect(retry.connectorProfileArn).toContain('connectorprofile/dropped');
    const log = emulator.requestLog().filter((e) => e.operation === 'CreateConnectorProfile');
    expect(log.map((e) => [e.status, e.dropped ?? false, e.replayed ?? false])).toEqual([
      [200, true, false],
      [200, false, true],
    ]);
  });

  it('with the SDK retrying on its own, the replay makes the call succeed once applied', async () => {
    const retrying = clientsFor(emulator, 3);
    try {
      emulator.faults.applyThenDrop('UpdateConnectorProfile', 1);
      const result = await retrying.appflow.send(
        new UpdateConnectorProfileCommand({
          connectorProfileName: 'dropped',
          connectionMode: 'Private',
          connectorProfileConfig: { connectorProfileProperties: { Salesforce: { instanceUrl: 'https://x.my.salesforce.com' } } },
        }),
      );
      expect(result.$metadata.attempts).toBe(2);
      const log = emulator.requestLog().filter((e) => e.operation === 'UpdateConnectorProfile');
      expect(log).toHaveLength(2);
      expect(log[0]!.clientToken).toBe(log[1]!.clientToken);
      expect(log[1]!.replayed).toBe(true);
    } finally {
      retrying.appflow.destroy();
      retrying.secrets.destroy();
    }
  });
});

describe('admin HTTP API', () => {
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${emulator.endpoint}/__emulator/${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });

  it('injects faults, reads and clears the request log, seeds, configures and resets', async () => {
    expect((await admin('GET', 'health')).status).toBe(200);
    const injected = await admin('POST', 'faults', [
      { action: 'failNext', operation: 'DescribeConnectorProfiles', count: 1, error: { status: 500, code: 'InternalServerException' } },
      { action: 'latency', operation: '*', ms: 1 },
    ]);
    expect(injected.status).toBe(200);
    expect(((await injected.json()) as { failNext: Record<string, unknown> }).failNext).toHaveProperty('DescribeConnectorProfiles');
    expect((await rejection(clients.appflow.send(new DescribeConnectorProfilesCommand({})))).name).toBe('InternalServerException');

    const log = (await (await admin('GET', 'requests')).json()) as { requests: { operation: string; status: number }[] };
    expect(log.requests).toEqual([expect.objectContaining({ operation: 'DescribeConnectorProfiles', status: 500 })]);
    expect((await admin('DELETE', 'requests')).status).toBe(200);
    expect(emulator.requestLog()).toEqual([]);

    expect((await admin('POST', 'faults', { action: 'explode' })).status).toBe(400);
    expect((await admin('POST', 'faults', { action: 'failNext', operation: 'X', count: 1, error: { status: 200, code: 'X' } })).status).toBe(400);
    expect((await admin('DELETE', 'faults')).status).toBe(200);

    const seeded = await admin('POST', 'seed', { profiles: [salesforceProfile('from-admin')], secrets: [{ name: 'admin-secret', secretString: 'x' }] });
    expect(seeded.status).toBe(200);
    expect((await clients.secrets.send(new GetSecretValueCommand({ SecretId: 'admin-secret' }))).SecretString).toBe('x');
    const badSeed = await admin('POST', 'seed', { profiles: [{ connectorProfileName: 'bad name' }] });
    expect(badSeed.status).toBe(400);
    expect(((await badSeed.json()) as { error: string }).error).toMatch(/^seed profile #1 \(bad name\): ValidationException: /);

    expect((await admin('POST', 'config', { profileQuota: 1 })).status).toBe(200);
    const err = await rejection(clients.appflow.send(new CreateConnectorProfileCommand(salesforceProfile('over-quota'))));
    expect(err.name).toBe('ServiceQuotaExceededException');

    expect((await admin('POST', 'reset')).status).toBe(200);
    const after = await clients.appflow.send(new DescribeConnectorProfilesCommand({}));
    expect(after.connectorProfileDetails).toEqual([]);
    expect((await admin('GET', 'nothing-here')).status).toBe(404);
    await admin('POST', 'config', { profileQuota: 100 });
  });

  it('advances the clock so token expiry can be tested against a separate process', async () => {
    const request = salesforceProfile('clocked', { clientToken: 'clock-token' });
    await clients.appflow.send(new CreateConnectorProfileCommand(request));
    const conflict = await rejection(clients.appflow.send(new CreateConnectorProfileCommand({ ...request, connectionMode: 'Private' })));
    expect(conflict.name).toBe('ConflictException');
    await admin('POST', 'config', { advanceClockMs: 8 * 60 * 60 * 1000 });
    // Token expired: the different request is now a new call (and the name exists → plain ConflictException on the name).
    const nameConflict = await rejection(clients.appflow.send(new CreateConnectorProfileCommand({ ...request, connectionMode: 'Private' })));
    expect(nameConflict.message).toContain('already exists');
  });
});
