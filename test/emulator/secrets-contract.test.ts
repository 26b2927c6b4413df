// Contract suite: the real @aws-sdk/client-secrets-manager against the emulator over HTTP.
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { clientsFor, rejection } from './helpers.js';

let emulator: RunningEmulator;
let secrets: ReturnType<typeof clientsFor>['secrets'];

beforeAll(async () => {
  emulator = await startEmulator({
    seed: {
      secrets: [
        { name: 'prod/salesforce', secretString: '{"accessToken":"SENTINEL-SECRET-1"}', description: 'Salesforce tokens' },
        { name: 'prod/snowflake', secretString: '{"password":"SENTINEL-SECRET-2"}' },
        { name: 'dev/other', secretString: 'plain' },
      ],
    },
  });
  ({ secrets } = clientsFor(emulator));
});
afterAll(async () => {
  secrets.destroy();
  await emulator.close();
});

describe('GetSecretValue', () => {
  it('returns the current version by name and by ARN (full or without the random suffix)', async () => {
    const byName = await secrets.send(new GetSecretValueCommand({ SecretId: 'prod/salesforce' }));
    expect(byName).toMatchObject({ Name: 'prod/salesforce', SecretString: '{"accessToken":"SENTINEL-SECRET-1"}', VersionStages: ['AWSCURRENT'] });
    expect(byName.ARN).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:prod\/salesforce-[A-Za-z0-9]{6}$/);
    expect(byName.CreatedDate).toBeInstanceOf(Date);
    const byArn = await secrets.send(new GetSecretValueCommand({ SecretId: byName.ARN }));
    expect(byArn.VersionId).toBe(byName.VersionId);
    const partial = await secrets.send(new GetSecretValueCommand({ SecretId: byName.ARN!.slice(0, -7) }));
    expect(partial.VersionId).toBe(byName.VersionId);
  });

  it('answers ResourceNotFoundException for an unknown secret, version or stage', async () => {
    const missing = await rejection(secrets.send(new GetSecretValueCommand({ SecretId: 'nope' })));
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(missing.message).toBe("Secrets Manager can't find the specified secret.");
    const stage = await rejection(secrets.send(new GetSecretValueCommand({ SecretId: 'prod/snowflake', VersionStage: 'AWSPENDING' })));
    expect(stage).toBeInstanceOf(ResourceNotFoundException);
    expect(stage.message).toContain('staging label: AWSPENDING');
    const version = await rejection(secrets.send(new GetSecretValueCommand({ SecretId: 'prod/snowflake', VersionId: 'v'.repeat(32) })));
    expect(version).toBeInstanceOf(ResourceNotFoundException);
  });

  it('validates against the model (ValidationException with the member named secretId)', async () => {
    const err = await rejection(secrets.send(new GetSecretValueCommand({ SecretId: '' })));
    expect(err).toBeInstanceOf(SecretsManagerServiceException);
    expect(err.name).toBe('ValidationException');
    expect(err.message).toBe("1 validation error detected: Value '' at 'secretId' failed to satisfy constraint: Member must have length greater than or equal to 1");
  });

  it('sends awsJson1_1 errors as {"__type","message"}', async () => {
    const response = await fetch(emulator.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' },
      body: JSON.stringify({ SecretId: 'nope' }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await response.json()).toEqual({ __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
    const unknown = await fetch(emulator.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.ListSecrets' },
      body: '{}',
    });
    expect(((await unknown.json()) as { __type: string }).__type).toBe('UnknownOperationException');
  });
});

describe('PutSecretValue (rotation)', () => {
  it('creates a new version each time, moving AWSCURRENT and AWSPREVIOUS', async () => {
    const created = await secrets.send(new CreateSecretCommand({ Name: 'rotating', SecretString: 'v1' }));
    const v2 = await secrets.send(new PutSecretValueCommand({ SecretId: 'rotating', SecretString: 'v2' }));
    expect(v2.VersionId).not.toBe(created.VersionId);
    expect(v2.VersionStages).toEqual(['AWSCURRENT']);
    expect((await secrets.send(new GetSecretValueCommand({ SecretId: 'rotating' }))).SecretString).toBe('v2');
    const previous = await secrets.send(new GetSecretValueCommand({ SecretId: 'rotating', VersionStage: 'AWSPREVIOUS' }));
    expect(previous).toMatchObject({ SecretString: 'v1', VersionId: created.VersionId, VersionStages: ['AWSPREVIOUS'] });
    const v3 = await secrets.send(new PutSecretValueCommand({ SecretId: 'rotating', SecretString: 'v3' }));
    const described = await secrets.send(new DescribeSecretCommand({ SecretId: 'rotating' }));
    expect(described.VersionIdsToStages).toEqual({ [v2.VersionId!]: ['AWSPREVIOUS'], [v3.VersionId!]: ['AWSCURRENT'] });
    const old = await secrets.send(new GetSecretValueCommand({ SecretId: 'rotating', VersionId: created.VersionId }));
    expect(old.SecretString).toBe('v1');
    expect(old.VersionStages).toEqual([]);
  });

  it('is idempotent per ClientRequestToken and refuses to change an existing version', async () => {
    await secrets.send(new CreateSecretCommand({ Name: 'tokened', SecretString: 'a' }));
    const token = '11111111-2222-3333-4444-555555555555';
    const first = await secrets.send(new PutSecretValueCommand({ SecretId: 'tokened', SecretString: 'b', ClientRequestToken: token }));
    const again = await secrets.send(new PutSecretValueCommand({ SecretId: 'tokened', SecretString: 'b', ClientRequestToken: token }));
    expect(again.VersionId).toBe(first.VersionId);
    expect(first.VersionId).toBe(token);
    const err = await rejection(secrets.send(new PutSecretValueCommand({ SecretId: 'tokened', SecretString: 'c', ClientRequestToken: token })));
    expect(err).toBeInstanceOf(ResourceExistsException);
    const missing = await rejection(secrets.send(new PutSecretValueCommand({ SecretId: 'never-created', SecretString: 'x' })));
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });

  it('supports custom staging labels and binary values', async () => {
    await secrets.send(new CreateSecretCommand({ Name: 'binary', SecretBinary: new Uint8Array([1, 2, 3]) }));
    const value = await secrets.send(new GetSecretValueCommand({ SecretId: 'binary' }));
    expect([...value.SecretBinary!]).toEqual([1, 2, 3]);
    expect(value.SecretString).toBeUndefined();
    await secrets.send(new PutSecretValueCommand({ SecretId: 'binary', SecretString: 'pending', VersionStages: ['AWSPENDING'] }));
    expect((await secrets.send(new GetSecretValueCommand({ SecretId: 'binary', VersionStage: 'AWSPENDING' }))).SecretString).toBe('pending');
    expect([...(await secrets.send(new GetSecretValueCommand({ SecretId: 'binary' }))).SecretBinary!]).toEqual([1, 2, 3]);
  });
});

describe('CreateSecret', () => {
  it('answers ResourceExistsException for an existing name and InvalidParameterException for bad input', async () => {
    const exists = await rejection(secrets.send(new CreateSecretCommand({ Name: 'prod/salesforce', SecretString: 'x' })));
    expect(exists).toBeInstanceOf(ResourceExistsException);
    const both = await rejection(secrets.send(new CreateSecretCommand({ Name: 'both', SecretString: 'x', SecretBinary: new Uint8Array([1]) })));
    expect(both).toBeInstanceOf(InvalidParameterException);
    const badName = await rejection(secrets.send(new CreateSecretCommand({ Name: 'has space', SecretString: 'x' })));
    expect(badName).toBeInstanceOf(InvalidParameterException);
  });

  it('replays a retried create with the same token and value', async () => {
    const token = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
    const first = await secrets.send(new CreateSecretCommand({ Name: 'retried', SecretString: 'x', ClientRequestToken: token }));
    const second = await secrets.send(new CreateSecretCommand({ Name: 'retried', SecretString: 'x', ClientRequestToken: token }));
    expect(second).toMatchObject({ ARN: first.ARN, VersionId: token });
  });
});

describe('DescribeSecret', () => {
  it('describes metadata without the value', async () => {
    await secrets.send(new GetSecretValueCommand({ SecretId: 'prod/salesforce' }));
    const described = await secrets.send(new DescribeSecretCommand({ SecretId: 'prod/salesforce' }));
    expect(described).toMatchObject({ Name: 'prod/salesforce', Description: 'Salesforce tokens' });
    expect(described.LastAccessedDate!.getUTCHours()).toBe(0);
    expect(JSON.stringify(described)).not.toContain('SENTINEL');
    expect(await rejection(secrets.send(new DescribeSecretCommand({ SecretId: 'nope' })))).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('BatchGetSecretValue', () => {
  it('returns values and per-secret errors for a SecretIdList', async () => {
    const result = await secrets.send(new BatchGetSecretValueCommand({ SecretIdList: ['prod/salesforce', 'missing-one', 'prod/snowflake'] }));
    expect(result.SecretValues!.map((v) => v.Name)).toEqual(['prod/salesforce', 'prod/snowflake']);
    expect(result.Errors).toEqual([{ SecretId: 'missing-one', ErrorCode: 'ResourceNotFoundException', Message: "Secrets Manager can't find the specified secret." }]);
  });

  it('limits SecretIdList to 20 ids', async () => {
    const err = await rejection(secrets.send(new BatchGetSecretValueCommand({ SecretIdList: Array.from({ length: 21 }, (_, i) => `s${i}`) })));
    expect(err.name).toBe('ValidationException');
    expect(err.message).toContain('Member must have length less than or equal to 20');
  });

  it('supports name/description/all prefix Filters with paging, and rejects other filter keys clearly', async () => {
    const page1 = await secrets.send(new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: ['prod/'] }], MaxResults: 1 }));
    expect(page1.SecretValues!.map((v) => v.Name)).toEqual(['prod/salesforce']);
    const page2 = await secrets.send(new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: ['prod/'] }], MaxResults: 1, NextToken: page1.NextToken }));
    expect(page2.SecretValues!.map((v) => v.Name)).toEqual(['prod/snowflake']);
    const negated = await secrets.send(new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: ['!prod/'] }] }));
    expect(negated.SecretValues!.map((v) => v.Name)).not.toContain('prod/salesforce');
    const tags = await rejection(secrets.send(new BatchGetSecretValueCommand({ Filters: [{ Key: 'tag-key', Values: ['x'] }] })));
    expect(tags).toBeInstanceOf(InvalidParameterException);
    const both = await rejection(secrets.send(new BatchGetSecretValueCommand({ SecretIdList: ['a'], Filters: [{ Key: 'name', Values: ['x'] }] })));
    expect(both).toBeInstanceOf(InvalidParameterException);
  });
});

describe('request log', () => {
  it('records secret ids but never values', () => {
    const log = emulator.requestLog().filter((e) => e.service === 'secretsmanager');
    expect(log.some((e) => e.operation === 'BatchGetSecretValue' && e.secretIds?.includes('missing-one'))).toBe(true);
    expect(JSON.stringify(log)).not.toContain('SENTINEL');
  });
});
