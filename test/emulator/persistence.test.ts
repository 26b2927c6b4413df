// State file: survives restarts, written atomically, never holds AppFlow credential values.
import { CreateConnectorProfileCommand, DescribeConnectorProfilesCommand } from '@aws-sdk/client-appflow';
import { GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { snapshotState, StateWriter } from '../../src/emulator/persistence.js';
import { Partitions } from '../../src/emulator/partitions.js';
import { clientsFor, rejection, salesforceProfile } from './helpers.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'emulator-state-'));

describe('persistence', () => {
  it('restores profiles, secrets and clientToken records after a restart', async () => {
    const dir = tempDir();
    const stateFile = join(dir, 'nested', 'state.json');
    const first = await startEmulator({ stateFile, seed: { secrets: [{ name: 'app/db', secretString: 'SENTINEL-SECRET-v1' }] } });
    let clients = clientsFor(first);
    const created = await clients.appflow.send(new CreateConnectorProfileCommand(salesforceProfile('persisted', { clientToken: 'persist-token' })));
    await clients.secrets.send(new PutSecretValueCommand({ SecretId: 'app/db', SecretString: 'SENTINEL-SECRET-v2' }));
    const before = (await clients.appflow.send(new DescribeConnectorProfilesCommand({}))).connectorProfileDetails;
    const arn = (await clients.secrets.send(new GetSecretValueCommand({ SecretId: 'app/db' }))).ARN;
    clients.appflow.destroy();
    clients.secrets.destroy();
    await first.close();

    const text = readFileSync(stateFile, 'utf8');
    expect(text).not.toContain('SENTINEL-SECRET-access-token'); // AppFlow credentials are never persisted
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'nested'))).toEqual(['state.json']); // no temp file left behind

    const second = await startEmulator({ stateFile, seed: { secrets: [{ name: 'app/db', secretString: 'SENTINEL-SECRET-v2' }] } });
    clients = clientsFor(second);
    try {
      const after = (await clients.appflow.send(new DescribeConnectorProfilesCommand({}))).connectorProfileDetails;
      expect(after).toEqual(before);
      const secret = await clients.secrets.send(new GetSecretValueCommand({ SecretId: 'app/db' }));
      expect(secret).toMatchObject({ ARN: arn, SecretString: 'SENTINEL-SECRET-v2' });
      const previous = await clients.secrets.send(new GetSecretValueCommand({ SecretId: 'app/db', VersionStage: 'AWSPREVIOUS' }));
      expect(previous.SecretString).toBe('SENTINEL-SECRET-v1');
      // The token survived too: the retry is replayed, not rejected as a duplicate name.
      const replay = await clients.appflow.send(new CreateConnectorProfileCommand(salesforceProfile('persisted', { clientToken: 'persist-token' })));
      expect(replay.connectorProfileArn).toBe(created.connectorProfileArn);
      expect(second.storedCredentials?.('persisted')).toBeUndefined();
    } finally {
      clients.appflow.destroy();
      clients.secrets.destroy();
      await second.close();
    }
  });

  it('re-applying a seed over a persisted state creates only what is missing and rotates changed secrets', async () => {
    const stateFile = join(tempDir(), 'state.json');
    const seed = { secrets: [{ name: 's', secretString: 'one' }], profiles: [salesforceProfile('seeded')] };
    const first = await startEmulator({ stateFile, seed });
    await first.close();
    const second = await startEmulator({ stateFile, seed: { ...seed, secrets: [{ name: 's', secretString: 'two' }] } });
    const clients = clientsFor(second);
    try {
      expect((await clients.secrets.send(new GetSecretValueCommand({ SecretId: 's' }))).SecretString).toBe('two');
      expect((await clients.secrets.send(new GetSecretValueCommand({ SecretId: 's', VersionStage: 'AWSPREVIOUS' }))).SecretString).toBe('one');
      expect((await clients.appflow.send(new DescribeConnectorProfilesCommand({}))).connectorProfileDetails).toHaveLength(1);
    } finally {
      clients.appflow.destroy();
      clients.secrets.destroy();
      await second.close();
    }
  });

  it('coalesces writes: a burst of changes is one write', () => {
    const stateFile = join(tempDir(), 'state.json');
    let writes = 0;
    const writer = new StateWriter(stateFile, () => {
      writes++;
      return snapshotState(new Partitions('123456789012', 'us-east-1', { now: Date.now, profileQuota: () => 100, changed: () => {}, tokenMismatchError: () => 'ConflictException' }));
    });
    for (let i = 0; i < 500; i++) writer.schedule();
    writer.flush();
    writer.flush();
    expect(writes).toBe(1);
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({ format: 'appflow-gitops-emulator-state', version: 1 });
  });

  it('close() flushes the last changes of concurrent creates', async () => {
    const stateFile = join(tempDir(), 'state.json');
    const emulator = await startEmulator({ stateFile, profileQuota: 1000 });
    const clients = clientsFor(emulator);
    try {
      await Promise.all(Array.from({ length: 50 }, (_, i) => clients.appflow.send(new CreateConnectorProfileCommand(salesforceProfile(`burst-${i}`)))));
    } finally {
      clients.appflow.destroy();
      clients.secrets.destroy();
      await emulator.close();
    }
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { profiles: unknown[] };
    expect(state.profiles).toHaveLength(50);
  });

  it('refuses a file that is not an emulator state file, naming it', async () => {
    const stateFile = join(tempDir(), 'state.json');
    writeFileSync(stateFile, '{"hello": 1}');
    await expect(startEmulator({ stateFile })).rejects.toThrow(`${stateFile} is not an appflow-gitops emulator state file`);
    writeFileSync(stateFile, '{broken');
    await expect(startEmulator({ stateFile })).rejects.toThrow(/is not valid JSON/);
  });

  it('rejects an invalid seed with the entry and the AWS validation message', async () => {
    const err = await rejection(startEmulator({ seed: { profiles: [salesforceProfile('ok'), salesforceProfile('bad name')] } }));
    expect(err.message).toMatch(/^seed profile #2 \(bad name\): ValidationException: 1 validation error detected: Value 'bad name' at 'connectorProfileName'/);
  });
});
