// preparePlan over HTTP against the emulator, with the real SDK clients and the real loader.
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { renderPlanJson } from '../../src/render/plan-json.js';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { renderPlanText } from '../../src/render/plan-text.js';
import type { Plan } from '../../src/model/types.js';
import { sdkConfigFor } from '../support/emulator-harness.js';
import { salesforceJwtDocument } from '../support/profile-documents.js';
import {
  actions,
  applyCreates,
  datadog,
  ddSecret,
  driftInstanceUrl,
  emptyState,
  mutatingCalls,
  planDir,
  removeDir,
  tempDir,
  writeProfiles,
  NO_PRUNE,
} from './plan-helpers.js';

let emu: RunningEmulator;
let dir: string;

beforeEach(async () => {
  emu = await startEmulator({ seed: { secrets: [ddSecret('dd', 'one'), ddSecret('dd-other', 'two')] } });
  dir = await tempDir();
});

afterEach(async () => {
  await emu.close();
  await removeDir(dir);
});


function expectNoSecretsIn(plan: Plan): void {
  for (const text of [renderPlanText(plan, { color: false }), renderPlanJson(plan), renderPlanMarkdown(plan), JSON.stringify(plan)]) {
    expect(text).not.toContain('SENTINEL');
  }
}

describe('plan against the emulator', () => {
  it('empty account: every document is a create, read with one Describe and one secrets batch', async () => {
    await writeProfiles(dir, { 'a.json': datadog('a'), 'b.json': datadog('b', 'dd-other') });
    emu.clearRequestLog();
    const plan = await planDir(emu, dir, emptyState());
    expect(actions(plan)).toEqual({ a: 'create', b: 'create' });
    expect(plan.changes[0]!.fields.map((f) => f.path)).toContain('connectorProfileCredentials');
    const operations = emu.requestLog().map((e) => e.operation);
    expect(operations.filter((op) => op === 'DescribeConnectorProfiles')).toHaveLength(1);
    expect(operations.filter((op) => op === 'BatchGetSecretValue')).toHaveLength(1);
    expect(mutatingCalls(emu)).toEqual([]);
    expectNoSecretsIn(plan);
  });

  it('in sync after applying: only no-ops, and no mutating call', async () => {
    await writeProfiles(dir, { 'a.json': datadog('a'), 'b.json': datadog('b', 'dd-other') });
    const state = emptyState();
    applyCreates(emu, await planDir(emu, dir, state), state);
    emu.clearRequestLog();
    const plan = await planDir(emu, dir, state);
    expect(actions(plan)).toEqual({ a: 'noop', b: 'noop' });
    expect(plan.summary).toMatchObject({ noop: 2, create: 0, update: 0 });
    expect(mutatingCalls(emu)).toEqual([]);
  });

  it('out-of-band drift shows as an update with old -> new', async () => {
    await writeProfiles(dir, { 'a.json': datadog('a') });
    const state = emptyState();
    applyCreates(emu, await planDir(emu, dir, state), state);
    await driftInstanceUrl(emu, 'a', 'https://api.datadoghq.eu');
    const plan = await planDir(emu, dir, state);
    expect(plan.changes[0]).toMatchObject({ action: 'update', adopt: false });
    expect(plan.changes[0]!.fields).toEqual([
      { path: 'connectorProfileProperties.Datadog.instanceUrl', before: 'https://api.datadoghq.eu', after: 'https://api.datadoghq.com', sensitive: false, forcesReplacement: false },
    ]);
    // credentialsOnUpdate 'always' (the default): the update resends the declared credentials.
    expect(plan.changes[0]!.credentials).toBeDefined();
    const changedOnly = await planDir(emu, dir, state, { ...NO_PRUNE, credentialsOnUpdate: 'changed' });
    expect(changedOnly.changes[0]!.credentials).toBeUndefined();
  });

  it('secret rotation changes the credentials of exactly the profiles that use the secret', async () => {
    await writeProfiles(dir, { 'a.json': datadog('a'), 'b.json': datadog('b'), 'c.json': datadog('c', 'dd-other') });
    const state = emptyState();
    applyCreates(emu, await planDir(emu, dir, state), state);
    const secrets = new SecretsManagerClient(sdkConfigFor(emu));
    await secrets.send(new PutSecretValueCommand({ SecretId: 'dd', SecretString: ddSecret('dd', 'rotated').secretString }));
    secrets.destroy();
    const plan = await planDir(emu, dir, state);
    expect(actions(plan)).toEqual({ a: 'update', b: 'update', c: 'noop' });
    for (const name of ['a', 'b']) {
      const change = plan.changes.find((c) => c.name === name)!;
      expect(change.fields).toEqual([{ path: 'connectorProfileCredentials', sensitive: true, forcesReplacement: false }]);
      expect(change.credentials).toBeDefined();
    }
    expectNoSecretsIn(plan);
  });

  it('a changed connectorType or kmsArn is a replacement marked on that field', async () => {
    await writeProfiles(dir, { 'a.json': datadog('a'), 'b.json': datadog('b') });
    const state = emptyState();
    applyCreates(emu, await planDir(emu, dir, state), state);
    await writeProfiles(dir, {
      'a.json': {
        connectorProfileName: 'a',
        connectorType: 'Amplitude',
        connectionMode: 'Public',
        connectorProfileConfig: {
          connectorProfileProperties: { Amplitude: {} },
          connectorProfileCredentials: { Amplitude: { apiKey: '{{resolve:secretsmanager:dd:SecretString:apiKey}}', secretKey: '{{resolve:secretsmanager:dd:SecretString:applicationKey}}' } },
        },
      },
      'b.json': { ...datadog('b'), kmsArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' },
    });
    const plan = await planDir(emu, dir, state);
    expect(actions(plan)).toEqual({ a: 'replace', b: 'replace' });
    expect(plan.changes[0]!.fields.find((f) => f.forcesReplacement)).toMatchObject({ path: 'connectorType', before: 'Datadog', after: 'Amplitude' });
    expect(plan.changes[1]!.fields.find((f) => f.forcesReplacement)).toMatchObject({ path: 'kmsArn', before: undefined });
    expect(plan.changes.every((c) => c.credentials !== undefined)).toBe(true);
    expect(renderPlanText(plan, { color: false })).toContain('Plan: 2 to add, 0 to change, 2 to destroy.');
  });

  it('adopts an existing profile that matches a document but is not in the inventory', async () => {
    emu.seed({ profiles: [{ ...(datadog('legacy') as object), connectorProfileConfig: { connectorProfileProperties: { Datadog: { instanceUrl: 'https://api.datadoghq.com' } }, connectorProfileCredentials: { Datadog: { apiKey: 'SENTINEL-SECRET-x', applicationKey: 'SENTINEL-SECRET-y' } } } } as never] });
    await writeProfiles(dir, { 'legacy.json': datadog('legacy') });
    const plan = await planDir(emu, dir, emptyState());
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]).toMatchObject({ name: 'legacy', action: 'update', adopt: true });
    expect(plan.changes[0]!.fields).toEqual([{ path: 'connectorProfileCredentials', sensitive: true, forcesReplacement: false, unknownBefore: true }]);
    expect(renderPlanText(plan, { color: false })).toMatch(/<= adopt/);
  });

  it('an invalid file and a missing secret are errors; the valid files are still planned', async () => {
    await writeProfiles(dir, {
      'good.json': datadog('good'),
      'no-secret.json': datadog('no-secret', 'does-not-exist'),
      'broken.yaml': 'connectorProfileName: broken\nconnectorType: Datadog\nconnectionMode: Sideways\n',
    });
    const plan = await planDir(emu, dir, emptyState());
    expect(actions(plan)).toEqual({ broken: 'error', good: 'create', 'no-secret': 'error' });
    expect(plan.changes.find((c) => c.name === 'no-secret')!.reason).toMatch(/does-not-exist/);
    expect(plan.changes.find((c) => c.name === 'broken')!.source?.file).toBe('broken.yaml');
    expect(plan.summary.error).toBe(2);
    expectNoSecretsIn(plan);
  });

  it('a resolved value that breaks the model pattern is an error for that profile only, without the value', async () => {
    emu.seed({ secrets: [{ name: 'sf', secretString: JSON.stringify({ jwt: 'SENTINEL-SECRET-not-a-jwt' }) }] });
    await writeProfiles(dir, {
      'good.json': datadog('good'),
      'sf.json': salesforceJwtDocument('sf'),
    });
    const plan = await planDir(emu, dir, emptyState());
    expect(actions(plan)).toEqual({ good: 'create', sf: 'error' });
    expect(plan.changes.find((c) => c.name === 'sf')!.reason).toMatch(/jwtToken/);
    expectNoSecretsIn(plan);
  });

  it('prune plans a delete for an inventory profile whose document is gone', async () => {
    await writeProfiles(dir, { 'a.json': datadog('a'), 'b.json': datadog('b') });
    const state = emptyState();
    applyCreates(emu, await planDir(emu, dir, state), state);
    await removeDir(`${dir}/b.json`);
    emu.clearRequestLog();
    const plan = await planDir(emu, dir, state, { prune: true, allowEmpty: false, maxDeletes: 5 });
    expect(actions(plan)).toEqual({ a: 'noop', b: 'delete' });
    expect(mutatingCalls(emu)).toEqual([]);
  });

  it('the example profiles: planned without error, then in sync once applied (normalization against the emulator)', async () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
    emu.seed(JSON.parse(readFileSync(join(root, 'demo', 'seed.json'), 'utf8')));
    const profiles = join(root, 'profiles');
    const state = emptyState();
    const first = await planDir(emu, profiles, state);
    expect(first.summary.error).toBe(0);
    expect(first.summary.create).toBeGreaterThanOrEqual(7);
    applyCreates(emu, first, state);
    const second = await planDir(emu, profiles, state);
    expect(second.changes.filter((c) => c.action !== 'noop').map((c) => ({ name: c.name, fields: c.fields }))).toEqual([]);
  });
});
