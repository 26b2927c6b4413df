// STS in the emulator, through the real SDK: AssumeRole with fromTemporaryCredentials (as the
// daemon uses it), GetCallerIdentity, and AppFlow and Secrets Manager partitioned by account
// (from the access key) and region (from the SigV4 scope), as AWS keeps them.
import { CreateConnectorProfileCommand, DescribeConnectorProfilesCommand, AppflowClient } from '@aws-sdk/client-appflow';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { testCredentials } from '../support/emulator-harness.js';
import { rejection, salesforceProfile } from './helpers.js';

const PROD_ROLE = 'arn:aws:iam::222222222222:role/appflow-gitops';
const DEV_ROLE = 'arn:aws:iam::333333333333:role/appflow-gitops';

let emulator: RunningEmulator;
const destroy: { destroy(): void }[] = [];

beforeEach(async () => {
  emulator = await startEmulator();
});
afterEach(async () => {
  while (destroy.length > 0) destroy.pop()!.destroy();
  await emulator.close();
});

function roleCredentials(roleArn: string, externalId?: string) {
  return fromTemporaryCredentials({
    params: { RoleArn: roleArn, RoleSessionName: 'appflow-gitops', ...(externalId ? { ExternalId: externalId } : {}) },
    masterCredentials: testCredentials(),
    clientConfig: { region: 'us-east-1', endpoint: emulator.endpoint, maxAttempts: 1 },
  });
}

type Credentials = ReturnType<typeof roleCredentials> | ReturnType<typeof testCredentials>;

function clients(region: string, credentials: Credentials = testCredentials()) {
  const config = { region, endpoint: emulator.endpoint, credentials, maxAttempts: 1 };
  const made = { appflow: new AppflowClient(config), secrets: new SecretsManagerClient(config), sts: new STSClient(config) };
  destroy.push(made.appflow, made.secrets, made.sts);
  return made;
}

const names = async (client: AppflowClient) =>
  ((await client.send(new DescribeConnectorProfilesCommand({}))).connectorProfileDetails ?? []).map((p) => p.connectorProfileName);

describe('STS GetCallerIdentity', () => {
  it('answers the default account for keys AssumeRole did not issue', async () => {
    const identity = await clients('us-east-1').sts.send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/emulator', UserId: 'AIDAEMULATORDEFAULT1' });
  });

  it('answers the role account and the assumed-role ARN for keys AssumeRole issued', async () => {
    const identity = await clients('eu-west-1', roleCredentials(PROD_ROLE)).sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe('222222222222');
    expect(identity.Arn).toBe('arn:aws:sts::222222222222:assumed-role/appflow-gitops/appflow-gitops');
    expect(identity.UserId).toMatch(/^AROA[A-Z2-7]{17}:appflow-gitops$/);
  });
});

describe('AppFlow and Secrets Manager partitioned by account and region', () => {
  it('two accounts x two regions: each sees only its own profiles, with its own ARNs', async () => {
    const places = [
      { name: 'default-us', region: 'us-east-1', credentials: testCredentials() as Credentials, account: '123456789012' },
      { name: 'default-eu', region: 'eu-west-1', credentials: testCredentials() as Credentials, account: '123456789012' },
      { name: 'prod-us', region: 'us-east-1', credentials: roleCredentials(PROD_ROLE), account: '222222222222' },
      { name: 'prod-eu', region: 'eu-west-1', credentials: roleCredentials(PROD_ROLE), account: '222222222222' },
    ];
    for (const place of places) {
      const { appflow } = clients(place.region, place.credentials);
      const created = await appflow.send(new CreateConnectorProfileCommand(salesforceProfile(`p-${place.name}`)));
      expect(created.connectorProfileArn).toBe(`arn:aws:appflow:${place.region}:${place.account}:connectorprofile/p-${place.name}`);
    }
    for (const place of places) expect(await names(clients(place.region, place.credentials).appflow)).toEqual([`p-${place.name}`]);
    // The same name in another partition is no conflict.
    await clients('us-east-1', roleCredentials(DEV_ROLE)).appflow.send(new CreateConnectorProfileCommand(salesforceProfile('p-prod-us')));
    expect(emulator.profileNames!()).toEqual(['p-default-us']);
    expect(emulator.profileNames!({ accountId: '222222222222', region: 'eu-west-1' })).toEqual(['p-prod-eu']);
    const log = emulator.requestLog().filter((e) => e.operation === 'CreateConnectorProfile');
    expect(log.map((e) => `${e.accountId}/${e.region}`)).toEqual([
      '123456789012/us-east-1', '123456789012/eu-west-1', '222222222222/us-east-1', '222222222222/eu-west-1', '333333333333/us-east-1',
    ]);
    expect(emulator.requestLog().filter((e) => e.operation === 'AssumeRole').map((e) => e.roleArn)).toContain(PROD_ROLE);
  });

  it('seeds go to the default partition unless they name an account and region', async () => {
    emulator.seed({ secrets: [{ name: 'db', secretString: 'default-value' }] });
    emulator.seed({ accountId: '222222222222', region: 'eu-west-1', secrets: [{ name: 'db', secretString: 'prod-eu-value' }] });
    const get = async (region: string, credentials?: Credentials) =>
      (await clients(region, credentials).secrets.send(new GetSecretValueCommand({ SecretId: 'db' }))).SecretString;
    expect(await get('us-east-1')).toBe('default-value');
    expect(await get('eu-west-1', roleCredentials(PROD_ROLE))).toBe('prod-eu-value');
    const missing = await rejection(get('us-east-1', roleCredentials(PROD_ROLE)));
    expect(missing.name).toBe('ResourceNotFoundException');
  });

  it('keeps other partitions in the state file across a restart', async () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), 'sts-state-')), 'state.json');
    const first = await startEmulator({ stateFile });
    emulator.seed({});
    try {
      first.seed({ accountId: '222222222222', region: 'eu-west-1', profiles: [salesforceProfile('kept')] });
    } finally {
      await first.close();
    }
    const second = await startEmulator({ stateFile });
    try {
      expect(second.profileNames!({ accountId: '222222222222', region: 'eu-west-1' })).toEqual(['kept']);
      expect(second.profileNames!()).toEqual([]);
    } finally {
      await second.close();
    }
  });
});

describe('STS AssumeRole refusals and errors', () => {
  it('a denied role fails with AccessDenied (403) and makes no AppFlow call', async () => {
    emulator.faults.denyRole!(PROD_ROLE);
    const error = await rejection(names(clients('us-east-1', roleCredentials(PROD_ROLE)).appflow));
    expect(error.name).toBe('AccessDenied');
    expect(error.message).toBe(`User: arn:aws:iam::123456789012:user/emulator is not authorized to perform: sts:AssumeRole on resource: ${PROD_ROLE}`);
    expect(emulator.requestLog().map((e) => `${e.operation} ${e.status}`)).toEqual(['AssumeRole 403']);
    // Other roles still work.
    expect(await names(clients('us-east-1', roleCredentials(DEV_ROLE)).appflow)).toEqual([]);
    emulator.faults.denyRole!(PROD_ROLE, false);
    expect(await names(clients('us-east-1', roleCredentials(PROD_ROLE)).appflow)).toEqual([]);
  });

  it('a role that requires an ExternalId refuses a missing or wrong one', async () => {
    emulator.faults.requireExternalId!(PROD_ROLE, 'SENTINEL-external-id');
    expect((await rejection(names(clients('us-east-1', roleCredentials(PROD_ROLE)).appflow))).name).toBe('AccessDenied');
    expect((await rejection(names(clients('us-east-1', roleCredentials(PROD_ROLE, 'wrong-id')).appflow))).name).toBe('AccessDenied');
    expect(await names(clients('us-east-1', roleCredentials(PROD_ROLE, 'SENTINEL-external-id')).appflow)).toEqual([]);
    expect(JSON.stringify(emulator.requestLog())).not.toContain('SENTINEL');
  });

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(emulator.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers }, body });

  it("answers awsQuery errors in AWS's XML shape", async () => {
    emulator.faults.denyRole!(PROD_ROLE);
    const denied = await post(`Action=AssumeRole&Version=2011-06-15&RoleArn=${encodeURIComponent(PROD_ROLE)}&RoleSessionName=s1`);
    expect(denied.status).toBe(403);
    expect(denied.headers.get('content-type')).toBe('text/xml');
    const text = await denied.text();
    expect(text).toMatch(/^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>AccessDenied<\/Code><Message>User: arn:aws:iam::123456789012:user\/emulator is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role\/appflow-gitops<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/);

    const invalid = await post(`Action=AssumeRole&Version=2011-06-15&RoleArn=${encodeURIComponent(DEV_ROLE)}&RoleSessionName=x&DurationSeconds=60`);
    expect(invalid.status).toBe(400);
    expect(await invalid.text()).toContain("<Code>ValidationError</Code><Message>2 validation errors detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2; Value '60' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900</Message>");

    const long = await post(`Action=AssumeRole&Version=2011-06-15&RoleArn=${encodeURIComponent(DEV_ROLE)}&RoleSessionName=ok&DurationSeconds=7200`);
    expect(await long.text()).toContain('<Message>The requested DurationSeconds exceeds the MaxSessionDuration set for this role.</Message>');
    expect(await (await post('Action=Nope&Version=2011-06-15')).text()).toContain('<Code>InvalidAction</Code>');
    expect(await (await post('Version=2011-06-15')).text()).toContain('<Code>MissingAction</Code>');
  });

  it('answers AssumeRole in XML with credentials that expire on the emulator clock', async () => {
    const answer = await post(`Action=AssumeRole&Version=2011-06-15&RoleArn=${encodeURIComponent(DEV_ROLE)}&RoleSessionName=deploy&DurationSeconds=900`);
    expect(answer.status).toBe(200);
    const xml = await answer.text();
    expect(xml).toMatch(/^<AssumeRoleResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><AssumeRoleResult><AssumedRoleUser><Arn>arn:aws:sts::333333333333:assumed-role\/appflow-gitops\/deploy<\/Arn><AssumedRoleId>AROA[A-Z2-7]{17}:deploy<\/AssumedRoleId><\/AssumedRoleUser><Credentials><AccessKeyId>ASIA333333333333[A-Z2-7]{4}<\/AccessKeyId><SecretAccessKey>[^<]+<\/SecretAccessKey><SessionToken>[^<]+<\/SessionToken><Expiration>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/Expiration><\/Credentials><\/AssumeRoleResult><ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/AssumeRoleResponse>$/);
    const field = (name: string) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml)![1]!;
    const credentials = { accessKeyId: field('AccessKeyId'), secretAccessKey: field('SecretAccessKey'), sessionToken: field('SessionToken') };
    const { appflow } = clients('us-east-1', credentials);
    expect(await names(appflow)).toEqual([]);
    const start = Date.now();
    emulator.setNow(() => start + 901_000);
    const expired = await rejection(names(appflow));
    expect(expired.name).toBe('ExpiredTokenException');
    expect(expired.$metadata?.httpStatusCode).toBe(403);
  });
});
