// Contract suite, writes: the real @aws-sdk/client-appflow against the emulator over HTTP (create,
// quota, update, delete, clientToken idempotency, wire details). Reads: appflow-describe.test.ts.
import {
  AppflowServiceException,
  ConflictException,
  CreateConnectorProfileCommand,
  DeleteConnectorProfileCommand,
  DescribeConnectorProfilesCommand,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  UpdateConnectorProfileCommand,
  ValidationException,
} from '@aws-sdk/client-appflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { clientsFor, rejection, salesforceProfile } from './helpers.js';

let emulator: RunningEmulator;
let appflow: ReturnType<typeof clientsFor>['appflow'];
let clock = Date.UTC(2026, 0, 1);

beforeAll(async () => {
  emulator = await startEmulator({ now: () => clock });
  ({ appflow } = clientsFor(emulator));
});
afterAll(async () => {
  appflow.destroy();
  await emulator.close();
});

let counter = 0;
const uniqueName = (prefix: string) => `${prefix}-${++counter}`;

describe('CreateConnectorProfile', () => {
  it('returns the profile ARN and makes the profile describable without credentials or kmsArn', async () => {
    const name = uniqueName('create');
    const created = await appflow.send(
      new CreateConnectorProfileCommand(salesforceProfile(name, { kmsArn: 'arn:aws:kms:us-east-1:123456789012:key/k1' })),
    );
    expect(created.connectorProfileArn).toBe(`arn:aws:appflow:us-east-1:123456789012:connectorprofile/${name}`);
    const described = await appflow.send(new DescribeConnectorProfilesCommand({ connectorProfileNames: [name] }));
    expect(described.connectorProfileDetails).toHaveLength(1);
    const profile = described.connectorProfileDetails![0]!;
    expect(profile).toMatchObject({
      connectorProfileName: name,
      connectorType: 'Salesforce',
      connectionMode: 'Public',
      credentialsArn: `arn:aws:secretsmanager:us-east-1:123456789012:secret:appflow!123456789012-${name}`,
      connectorProfileProperties: { Salesforce: { instanceUrl: 'https://example.my.salesforce.com', isSandboxEnvironment: false } },
    });
    expect(profile.createdAt).toEqual(new Date(clock));
    expect(profile.lastUpdatedAt).toEqual(new Date(clock));
    const raw = JSON.stringify(described);
    expect(raw).not.toContain('SENTINEL');
    expect(raw).not.toContain('kms');
    expect(emulator.storedCredentials?.(name)).toMatchObject({ Salesforce: { accessToken: 'SENTINEL-SECRET-access-token' } });
  });

  it('answers ConflictException (409) when the name exists', async () => {
    const name = uniqueName('dup');
    await appflow.send(new CreateConnectorProfileCommand(salesforceProfile(name)));
    const err = await rejection(appflow.send(new CreateConnectorProfileCommand(salesforceProfile(name))));
    expect(err).toBeInstanceOf(ConflictException);
    expect(err.$metadata?.httpStatusCode).toBe(409);
    expect(err.message).toContain(name);
  });

  it('validates against the model with AWS wording and never echoes credentials', async () => {
    const err = await rejection(
      appflow.send(
        new CreateConnectorProfileCommand({
          ...salesforceProfile('x y'),
          connectorProfileConfig: {
            connectorProfileProperties: { Salesforce: {} },
            connectorProfileCredentials: { Salesforce: { jwtToken: 'SENTINEL-SECRET-bad-jwt' } },
          },
        }),
      ),
    );
    expect(err).toBeInstanceOf(ValidationException);
    expect(err.$metadata?.httpStatusCode).toBe(400);
    expect(err.message).toMatch(/^2 validation errors detected: /);
    expect(err.message).toContain("Value 'x y' at 'connectorProfileName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w/!@#+=.-]+");
    expect(err.message).toContain("Value at 'connectorProfileConfig.connectorProfileCredentials.Salesforce.jwtToken' failed to satisfy constraint");
    expect(err.message).not.toContain('SENTINEL');
  });

  it('rejects an unknown connectorType enum value', async () => {
    const err = await rejection(appflow.send(new CreateConnectorProfileCommand(salesforceProfile('ok', { connectorType: 'Hubspot' as never }))));
    expect(err).toBeInstanceOf(ValidationException);
    expect(err.message).toContain("Value 'Hubspot' at 'connectorType' failed to satisfy constraint: Member must satisfy enum value set: [Amplitude, CustomConnector");
  });
});

describe('quota', () => {
  it('answers ServiceQuotaExceededException (402) beyond the quota, and a raised quota allows more', async () => {
    const quotaEmulator = await startEmulator({ profileQuota: 2 });
    const { appflow: client } = clientsFor(quotaEmulator);
    try {
      await client.send(new CreateConnectorProfileCommand(salesforceProfile('q1')));
      await client.send(new CreateConnectorProfileCommand(salesforceProfile('q2')));
      const err = await rejection(client.send(new CreateConnectorProfileCommand(salesforceProfile('q3'))));
      expect(err).toBeInstanceOf(ServiceQuotaExceededException);
      expect(err.$metadata?.httpStatusCode).toBe(402);
      quotaEmulator.setProfileQuota(3);
      await client.send(new CreateConnectorProfileCommand(salesforceProfile('q3')));
      await client.send(new DeleteConnectorProfileCommand({ connectorProfileName: 'q1' }));
      await client.send(new CreateConnectorProfileCommand(salesforceProfile('q4')));
    } finally {
      client.destroy();
      await quotaEmulator.close();
    }
  });

  it('defaults to AWS quota of 100', async () => {
    const fresh = await startEmulator();
    const { appflow: client } = clientsFor(fresh);
    try {
      fresh.seed({ profiles: Array.from({ length: 100 }, (_, i) => salesforceProfile(`p${String(i).padStart(3, '0')}`)) });
      const err = await rejection(client.send(new CreateConnectorProfileCommand(salesforceProfile('one-too-many'))));
      expect(err).toBeInstanceOf(ServiceQuotaExceededException);
    } finally {
      client.destroy();
      await fresh.close();
    }
  });
});

describe('UpdateConnectorProfile', () => {
  it('changes only connectionMode and connectorProfileConfig, keeps omitted credentials, moves lastUpdatedAt forward', async () => {
    const name = uniqueName('update');
    await appflow.send(new CreateConnectorProfileCommand(salesforceProfile(name, { connectorLabel: undefined })));
    const before = (await appflow.send(new DescribeConnectorProfilesCommand({ connectorProfileNames: [name] }))).connectorProfileDetails![0]!;
    const updated = await appflow.send(
      new UpdateConnectorProfileCommand({
        connectorProfileName: name,
        connectionMode: 'Private',
        connectorProfileConfig: { connectorProfileProperties: { Salesforce: { instanceUrl: 'https://other.my.salesforce.com', isSandboxEnvironment: true } } },
      }),
    );
    expect(updated.connectorProfileArn).toBe(before.connectorProfileArn);
    const after = (await appflow.send(new DescribeConnectorProfilesCommand({ connectorProfileNames: [name] }))).connectorProfileDetails![0]!;
    expect(after.connectionMode).toBe('Private');
    expect(after.connectorProfileProperties?.Salesforce).toMatchObject({ instanceUrl: 'https://other.my.salesforce.com', isSandboxEnvironment: true });
    expect(after.connectorType).toBe('Salesforce');
    expect(after.createdAt).toEqual(before.createdAt);
    expect(after.lastUpdatedAt!.getTime()).toBeGreaterThan(before.lastUpdatedAt!.getTime());
    expect(after.credentialsArn).toBe(before.credentialsArn);
    expect(emulator.storedCredentials?.(name)).toMatchObject({ Salesforce: { accessToken: 'SENTINEL-SECRET-access-token' } });

    await appflow.send(
      new UpdateConnectorProfileCommand({
        connectorProfileName: name,
        connectionMode: 'Public',
        connectorProfileConfig: {
          connectorProfileProperties: { Salesforce: { instanceUrl: 'https://other.my.salesforce.com' } },
          connectorProfileCredentials: { Salesforce: { accessToken: 'SENTINEL-SECRET-rotated' } },
        },
      }),
    );
    expect(emulator.storedCredentials?.(name)).toEqual({ Salesforce: { accessToken: 'SENTINEL-SECRET-rotated' } });
  });

  it('answers ResourceNotFoundException (404) for a missing profile', async () => {
    const err = await rejection(
      appflow.send(
        new UpdateConnectorProfileCommand({ connectorProfileName: 'does-not-exist', connectionMode: 'Public', connectorProfileConfig: { connectorProfileProperties: {} } }),
      ),
    );
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    expect(err.$metadata?.httpStatusCode).toBe(404);
  });
});

describe('DeleteConnectorProfile', () => {
  it('deletes (forceDelete accepted) and answers ResourceNotFoundException when missing', async () => {
    const name = uniqueName('delete');
    await appflow.send(new CreateConnectorProfileCommand(salesforceProfile(name)));
    await appflow.send(new DeleteConnectorProfileCommand({ connectorProfileName: name, forceDelete: true }));
    const described = await appflow.send(new DescribeConnectorProfilesCommand({ connectorProfileNames: [name] }));
    expect(described.connectorProfileDetails).toEqual([]);
    const err = await rejection(appflow.send(new DeleteConnectorProfileCommand({ connectorProfileName: name })));
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    expect(err.$metadata?.httpStatusCode).toBe(404);
  });
});

describe('clientToken idempotency', () => {
  it('replays the first response for the same token and parameters without applying again', async () => {
    const name = uniqueName('token');
    const request = salesforceProfile(name, { clientToken: `tok-${name}` });
    const first = await appflow.send(new CreateConnectorProfileCommand(request));
    await appflow.send(new DeleteConnectorProfileCommand({ connectorProfileName: name }));
    const replay = await appflow.send(new CreateConnectorProfileCommand(request));
    expect(replay.connectorProfileArn).toBe(first.connectorProfileArn);
    // Not applied again: the profile stays deleted.
    expect((await appflow.send(new DescribeConnectorProfilesCommand({ connectorProfileNames: [name] }))).connectorProfileDetails).toEqual([]);
    const entries = emulator.requestLog().filter((e) => e.clientToken === `tok-${name}`);
    expect(entries.map((e) => [e.status, e.replayed ?? false])).toEqual([
      [200, false],
      [200, true],
    ]);
  });

  it('answers ConflictException when the token is reused with different parameters', async () => {
    const name = uniqueName('token-diff');
    await appflow.send(new CreateConnectorProfileCommand(salesforceProfile(name, { clientToken: `tok-${name}` })));
    const err = await rejection(appflow.send(new CreateConnectorProfileCommand(salesforceProfile(`${name}-other`, { clientToken: `tok-${name}` }))));
    expect(err).toBeInstanceOf(ConflictException);
    expect(err.message).toContain('clientToken');
  });

  it('applies again once the token is older than 8 hours', async () => {
    const name = uniqueName('token-expiry');
    const request = salesforceProfile(name, { clientToken: `tok-${name}` });
    await appflow.send(new CreateConnectorProfileCommand(request));
    await appflow.send(new DeleteConnectorProfileCommand({ connectorProfileName: name }));
    clock += 8 * 60 * 60 * 1000 - 1;
    await appflow.send(new CreateConnectorProfileCommand(request)); // still replayed
    expect((await appflow.send(new DescribeConnectorProfilesCommand({ connectorProfileNames: [name] }))).connectorProfileDetails).toEqual([]);
    clock += 1;
    await appflow.send(new CreateConnectorProfileCommand(request)); // token expired: applied
    expect((await appflow.send(new DescribeConnectorProfilesCommand({ connectorProfileNames: [name] }))).connectorProfileDetails).toHaveLength(1);
  });

  it('binds update tokens too, and the SDK fills a fresh token when the caller omits it', async () => {
    const name = uniqueName('token-update');
    await appflow.send(new CreateConnectorProfileCommand(salesforceProfile(name)));
    const update = {
      connectorProfileName: name,
      connectionMode: 'Public' as const,
      connectorProfileConfig: { connectorProfileProperties: { Salesforce: { instanceUrl: 'https://a.my.salesforce.com' } } },
    };
    await appflow.send(new UpdateConnectorProfileCommand({ ...update, clientToken: `tok-${name}` }));
    const err = await rejection(
      appflow.send(
        new UpdateConnectorProfileCommand({
          ...update,
          clientToken: `tok-${name}`,
          connectorProfileConfig: { connectorProfileProperties: { Salesforce: { instanceUrl: 'https://b.my.salesforce.com' } } },
        }),
      ),
    );
    expect(err).toBeInstanceOf(ConflictException);
    // Without a token the SDK generates one per send(): two identical calls both apply.
    await appflow.send(new UpdateConnectorProfileCommand(update));
    await appflow.send(new UpdateConnectorProfileCommand(update));
    const tokens = emulator.requestLog().filter((e) => e.profileName === name && e.operation === 'UpdateConnectorProfile').map((e) => e.clientToken);
    expect(tokens).toHaveLength(4);
    expect(tokens[2]).toMatch(/^[0-9a-f-]{36}$/);
    expect(tokens[2]).not.toBe(tokens[3]);
  });

  it('can answer ValidationException for a mismatched token instead (tokenMismatchError)', async () => {
    const strict = await startEmulator({ tokenMismatchError: 'ValidationException' });
    const { appflow: client } = clientsFor(strict);
    try {
      await client.send(new CreateConnectorProfileCommand(salesforceProfile('a', { clientToken: 'same' })));
      const err = await rejection(client.send(new CreateConnectorProfileCommand(salesforceProfile('b', { clientToken: 'same' }))));
      expect(err).toBeInstanceOf(ValidationException);
    } finally {
      client.destroy();
      await strict.close();
    }
  });
});

describe('wire details', () => {
  it('sends restJson1 errors with x-amzn-errortype and a {"message"} body', async () => {
    const response = await fetch(`${emulator.endpoint}/delete-connector-profile`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ connectorProfileName: 'missing' }),
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(Object.keys((await response.json()) as object)).toEqual(['message']);
  });

  it('answers malformed JSON with SerializationException and unknown routes with 404', async () => {
    const bad = await fetch(`${emulator.endpoint}/create-connector-profile`, { method: 'POST', body: '{not json' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('x-amzn-errortype')).toBe('SerializationException');
    const unknown = await fetch(`${emulator.endpoint}/list-flows`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
  });

  it('surfaces an injected unmodelled error as a typed service exception', async () => {
    emulator.faults.failNext('DescribeConnectorProfiles', 1, { status: 500, code: 'InternalServerException' });
    const err = await rejection(appflow.send(new DescribeConnectorProfilesCommand({})));
    expect(err).toBeInstanceOf(AppflowServiceException);
    expect(err.name).toBe('InternalServerException');
  });
});
