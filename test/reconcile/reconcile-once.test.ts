// reconcileOnce end to end in process: real loader, planner, state store and SDK adapters against
// the emulator over HTTP.
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileStateStore } from '../../src/state/file-state-store.js';
import { datadogCreateRequest } from '../support/profile-documents.js';
import { datadogDoc, SECRETS, startPipeline, type Pipeline } from './pipeline.js';
import { RACY_WINDOW_MS } from '../../src/model/file-identity.js';
import { INTENT_RETIREMENT_MS } from '../../src/reconcile/write-intents.js';

let p: Pipeline;
beforeEach(async () => {
  p = await startPipeline();
});
afterEach(async () => {
  await p.close();
});

const results = (report: { outcomes: { name: string; result: string }[] }) =>
  Object.fromEntries(report.outcomes.map((o) => [o.name, o.result]));

async function stateText(): Promise<string> {
  return readFile(join(p.stateDir, 'state.json'), 'utf8');
}

describe('convergence', () => {
  it('creates, then a second pass makes no write at all', async () => {
    await p.writeProfile('a.json', datadogDoc('dd-a'));
    await p.writeProfile('nested/b.json', datadogDoc('dd-b', 'dd/other'));
    const first = await p.apply();
    expect(first.ok).toBe(true);
    expect(results(first)).toEqual({ 'dd-a': 'applied', 'dd-b': 'applied' });
    expect(p.emulator.storedCredentials?.('dd-b')).toEqual({ Datadog: SECRETS['dd/other'] });

    p.emulator.clearRequestLog();
    const second = await p.apply();
    expect(second.ok).toBe(true);
    expect(results(second)).toEqual({ 'dd-a': 'unchanged', 'dd-b': 'unchanged' });
    expect(p.writes()).toEqual([]);
    const state = await stateText();
    expect(state).not.toContain('SENTINEL');
    expect(JSON.parse(state).targets[p.adapters.target.key].profiles['dd-b']).toMatchObject({ origin: 'created', sourceFile: 'nested/b.json' });
  });

  it('corrects an out-of-band change with an update, and the same correction again with a new token', async () => {
    await p.writeProfile('a.json', datadogDoc('dd-a'));
    await p.apply();
    const drift = () =>
      p.adapters.appflow.update({
        connectorProfileName: 'dd-a',
        connectionMode: 'Public',
        connectorProfileConfig: { connectorProfileProperties: { Datadog: { instanceUrl: 'https://console.example.com' } } },
      });
    await drift();
    const first = await p.apply();
    expect(results(first)).toEqual({ 'dd-a': 'applied' });
    await drift();
    const second = await p.apply();
    expect(results(second)).toEqual({ 'dd-a': 'applied' });
    // The drifts went through the SDK too (which fills in its own token); ours are the outcomes'.
    const [firstToken] = first.outcomes[0]!.clientTokens!;
    const [secondToken] = second.outcomes[0]!.clientTokens!;
    expect(firstToken).not.toBe(secondToken);
    const updates = p.writes().filter((w) => w.operation === 'UpdateConnectorProfile');
    expect(updates).toHaveLength(4);
    expect(updates.filter((u) => u.clientToken === firstToken).map((u) => u.status)).toEqual([200]);
    expect(updates.filter((u) => u.clientToken === secondToken).map((u) => u.status)).toEqual([200]);
    const [observed] = await p.adapters.appflow.describeByNames(['dd-a']);
    expect(observed!.properties).toEqual({ Datadog: { instanceUrl: 'https://api.datadoghq.com' } });
  });

  it('propagates a rotated secret only to the profiles that use it', async () => {
    await p.writeProfile('a.json', datadogDoc('dd-a', 'dd/shared'));
    await p.writeProfile('b.json', datadogDoc('dd-b', 'dd/shared'));
    await p.writeProfile('c.json', datadogDoc('dd-c', 'dd/other'));
    await p.apply();
    p.emulator.clearRequestLog();
    const rotated = { apiKey: 'SENTINEL-SECRET-rotated-api', applicationKey: 'SENTINEL-SECRET-rotated-app' };
    await p.rotateSecret('dd/shared', rotated);
    const report = await p.apply();
    expect(results(report)).toEqual({ 'dd-a': 'applied', 'dd-b': 'applied', 'dd-c': 'unchanged' });
    expect(p.writes().map((w) => [w.operation, w.profileName]).sort()).toEqual([
      ['UpdateConnectorProfile', 'dd-a'],
      ['UpdateConnectorProfile', 'dd-b'],
    ]);
    expect(p.emulator.storedCredentials?.('dd-a')).toEqual({ Datadog: rotated });
    expect(p.emulator.storedCredentials?.('dd-c')).toEqual({ Datadog: SECRETS['dd/other'] });
    p.emulator.clearRequestLog();
    expect(results(await p.apply())).toEqual({ 'dd-a': 'unchanged', 'dd-b': 'unchanged', 'dd-c': 'unchanged' });
    expect(p.writes()).toEqual([]);
  });

  it('keeps applying the others when one profile fails, and reports not ok', async () => {
    await p.writeProfile('a.json', datadogDoc('dd-a'));
    await p.writeProfile('b.json', datadogDoc('dd-b'));
    p.emulator.faults.failNext('CreateConnectorProfile', 1, { status: 400, code: 'ConnectorAuthenticationException', message: 'The credentials were rejected.' });
    const report = await p.apply({ writeConcurrency: 1 });
    expect(report.ok).toBe(false);
    expect(report.outcomes.map((o) => [o.name, o.result, o.error?.code, o.attempts])).toEqual([
      ['dd-a', 'failed', 'ConnectorAuthenticationException', 1],
      ['dd-b', 'applied', undefined, 1],
    ]);
    expect(report.outcomes[0]!.error).toMatchObject({ message: 'The credentials were rejected.', terminal: true });
  });

  it('adopts an existing profile the inventory does not list', async () => {
    await p.writeProfile('a.json', datadogDoc('dd-a'));
    p.emulator.seed({ profiles: [datadogCreateRequest('dd-a', { apiKey: 'x', applicationKey: 'y' })] });
    const report = await p.apply();
    expect(report.ok).toBe(true);
    expect(report.plan.changes[0]).toMatchObject({ action: 'update', adopt: true });
    expect(p.writes().map((w) => w.operation)).toEqual(['UpdateConnectorProfile']);
    expect(JSON.parse(await stateText()).targets[p.adapters.target.key].profiles['dd-a'].origin).toBe('adopted');
  });
});

describe('observing', () => {
  it('describes the inventory and the new documents each once, and a no-op pass in one call', async () => {
    await p.writeProfile('a.json', datadogDoc('dd-a'));
    expect((await p.apply()).ok).toBe(true);
    await p.writeProfile('b.json', datadogDoc('dd-b', 'dd/other'));
    p.emulator.clearRequestLog();
    const second = await p.apply();
    expect(results(second)).toEqual({ 'dd-a': 'unchanged', 'dd-b': 'applied' });
    const describes = () => p.emulator.requestLog().filter((e) => e.operation === 'DescribeConnectorProfiles');
    // dd-a (the inventory, described while the files load) and dd-b (new): one call each.
    expect(describes()).toHaveLength(2);
    p.emulator.clearRequestLog();
    const third = await p.apply();
    expect(results(third)).toEqual({ 'dd-a': 'unchanged', 'dd-b': 'unchanged' });
    expect(describes()).toHaveLength(1);
  });
});

describe('replacement', () => {
  const kms = (key: string) => ({ kmsArn: `arn:aws:kms:us-east-1:123456789012:key/${key}` });

  it('is refused without allowReplace and done with it', async () => {
    await p.writeProfile('a.json', datadogDoc('dd-a', 'dd/shared', undefined, kms('11111111-1111-1111-1111-111111111111')));
    await p.apply();
    await p.writeProfile('a.json', datadogDoc('dd-a', 'dd/shared', undefined, kms('22222222-2222-2222-2222-222222222222')));
    p.emulator.clearRequestLog();
    const refused = await p.apply();
    expect(refused.ok).toBe(false);
    expect(refused.outcomes[0]).toMatchObject({ action: 'replace', result: 'failed', error: { code: 'replace.not-allowed' } });
    expect(p.writes()).toEqual([]);

    const done = await p.apply({ allowReplace: true });
    expect(done.ok).toBe(true);
    expect(p.writes().map((w) => w.operation)).toEqual(['DeleteConnectorProfile', 'CreateConnectorProfile']);
    expect(JSON.parse(await stateText()).targets[p.adapters.target.key].profiles['dd-a'].kmsArn).toContain('22222222');
    p.emulator.clearRequestLog();
    expect((await p.apply()).outcomes[0]!.result).toBe('unchanged');
    expect(p.writes()).toEqual([]);
  });
});

describe('prune', () => {
  async function threeApplied() {
    await p.writeProfile('a.json', datadogDoc('dd-a'));
    await p.writeProfile('b.json', datadogDoc('dd-b'));
    await p.writeProfile('c.json', datadogDoc('dd-c'));
    await p.apply();
    p.emulator.clearRequestLog();
  }
  const deletes = () => p.writes().filter((w) => w.operation === 'DeleteConnectorProfile').map((w) => w.profileName);

  it('deletes a managed profile whose document is gone, only with prune', async () => {
    await threeApplied();
    await p.removeProfile('c.json');
    expect((await p.apply()).ok).toBe(true);
    expect(deletes()).toEqual([]);
    const report = await p.apply({ prune: true });
    expect(report.ok).toBe(true);
    expect(deletes()).toEqual(['dd-c']);
    expect(Object.keys(JSON.parse(await stateText()).targets[p.adapters.target.key].profiles).sort()).toEqual(['dd-a', 'dd-b']);
  });

  it('never forces a delete: the request on the wire says forceDelete false', async () => {
    // A forced delete would tear the profile out from under the flows that use it; the emulator
    // has no flows to refuse it, so the request itself is the evidence.
    await threeApplied();
    await p.removeProfile('c.json');
    expect((await p.apply({ prune: true })).ok).toBe(true);
    expect(p.writes().filter((w) => w.operation === 'DeleteConnectorProfile')).toEqual([
      expect.objectContaining({ profileName: 'dd-c', status: 200, forceDelete: false }),
    ]);
  });

  it('never deletes an unmanaged profile', async () => {
    await threeApplied();
    p.emulator.seed({ profiles: [{ connectorProfileName: 'stranger', connectorType: 'Datadog', connectionMode: 'Public', connectorProfileConfig: { connectorProfileProperties: { Datadog: { instanceUrl: 'https://x' } } } }] });
    await p.apply({ prune: true });
    expect(deletes()).toEqual([]);
  });

  it('a broken file never causes a delete', async () => {
    await threeApplied();
    await p.removeProfile('c.json');
    await p.writeProfile('b.json', '{ "connectorProfileName": "dd-b", broken');
    const report = await p.apply({ prune: true });
    expect(report.ok).toBe(false);
    expect(deletes()).toEqual([]);
    expect(report.warnings.join('\n')).toMatch(/prune skipped/);
    expect(results(report)['dd-c']).toBe('blocked');
  });

  it('an empty or missing directory blocks prune unless allowEmpty', async () => {
    await threeApplied();
    for (const file of await readdir(p.profilesDir)) await p.removeProfile(file);
    const empty = await p.apply({ prune: true });
    expect(deletes()).toEqual([]);
    expect(empty.warnings.join('\n')).toMatch(/empty/);
    const missing = await p.apply({ prune: true, maxDeletes: 10 }, join(p.root, 'no-such-dir'));
    expect(deletes()).toEqual([]);
    expect(missing.warnings.join('\n')).toMatch(/missing/);
    expect([empty.profilesDirectory, missing.profilesDirectory]).toEqual(['empty', 'missing']);
    const allowed = await p.apply({ prune: true, allowEmpty: true });
    expect(allowed.ok).toBe(true);
    expect(allowed.profilesDirectory).toBe('empty');
    expect(deletes().sort()).toEqual(['dd-a', 'dd-b', 'dd-c']);
  });

  it('more deletes than maxDeletes blocks them all', async () => {
    await threeApplied();
    await p.removeProfile('b.json');
    await p.removeProfile('c.json');
    const blocked = await p.apply({ prune: true, maxDeletes: 1 });
    expect(deletes()).toEqual([]);
    expect(blocked.warnings.join('\n')).toMatch(/max-deletes 1/);
    await p.apply({ prune: true, maxDeletes: 2 });
    expect(deletes().sort()).toEqual(['dd-b', 'dd-c']);
  });
});

describe('pass-level failures', () => {
  it('returns a report (never throws) when AWS cannot be read, and writes nothing', async () => {
    await p.writeProfile('a.json', datadogDoc('dd-a'));
    p.emulator.faults.failNext('DescribeConnectorProfiles', 10, { status: 500, code: 'InternalServerException' });
    const report = await p.apply();
    expect(report.ok).toBe(false);
    expect(report.error?.code).toBe('InternalServerException');
    expect(report.outcomes).toEqual([]);
    expect(p.writes()).toEqual([]);
  });

  it('starts no write after the signal is aborted and is not ok', async () => {
    await p.writeProfile('a.json', datadogDoc('dd-a'));
    const controller = new AbortController();
    controller.abort();
    const report = await p.apply({ signal: controller.signal });
    expect(report.ok).toBe(false);
    expect(report.outcomes.map((o) => [o.name, o.result, o.error?.code])).toEqual([['dd-a', 'skipped', 'aborted']]);
    expect(p.writes()).toEqual([]);
  });

  it('keeps the token of a write that may have landed, reuses it next pass, and retires it after 2 hours', async () => {
    await p.writeProfile('a.json', datadogDoc('dd-a'));
    p.emulator.faults.failNext('CreateConnectorProfile', 100, { status: 500, code: 'InternalServerException' });
    const first = await p.apply({ retry: { retries: 1, minTimeout: 1, maxTimeout: 1 } });
    expect(first.outcomes[0]).toMatchObject({ result: 'failed', attempts: 2, error: { code: 'InternalServerException', terminal: false } });
    const [token] = first.outcomes[0]!.clientTokens!;
    const second = await p.apply({ retry: { retries: 0 } });
    expect(second.outcomes[0]!.clientTokens).toEqual([token]);
    const later = Date.now() + 2 * 60 * 60 * 1000 + 1000;
    const third = await p.apply({ retry: { retries: 0 } }, undefined, () => later);
    expect(third.outcomes[0]!.clientTokens![0]).not.toBe(token);
    expect(new Set(p.writes().map((w) => w.clientToken)).size).toBe(2);
  });

  it('reports invalid options instead of throwing', async () => {
    await p.writeProfile('a.json', datadogDoc('dd-a'));
    const report = await p.apply({ writeConcurrency: 0 });
    expect(report.ok).toBe(false);
    expect(report.error).toMatchObject({ code: 'internal', message: expect.stringContaining('writeConcurrency') });
    expect(p.writes()).toEqual([]);
  });
});

describe('a daemon\'s passes over a state file the store keeps parsed', () => {
  it('leaves the file alone on a no-op pass, and sees what another process saved between two passes', async () => {
    await p.close();
    // The store's clock far ahead: its own saves look settled, so its later loads are copies of its last parse.
    p = await startPipeline({ stateClock: () => new Date(Date.now() + 10 * RACY_WINDOW_MS) });
    await p.writeProfile('a.json', datadogDoc('dd-a'));
    await p.writeProfile('b.json', datadogDoc('dd-b', 'dd/other'));
    expect((await p.apply()).ok).toBe(true);
    await p.apply(); // reads the file the first pass saved, and keeps it
    const statePath = join(p.stateDir, 'state.json');
    const before = await stat(statePath);
    p.emulator.clearRequestLog();
    const noop = await p.apply();
    expect(results(noop)).toEqual({ 'dd-a': 'unchanged', 'dd-b': 'unchanged' });
    expect(p.writes()).toEqual([]);
    expect((await stat(statePath)).mtimeMs).toBe(before.mtimeMs);

    // Another process (say a CLI `apply --state` with the daemon paused) drops dd-b from the inventory.
    const other = createFileStateStore(p.stateDir);
    const { state } = await other.load();
    delete state.targets[p.adapters.target.key]!.profiles['dd-b'];
    await other.save(state);
    const after = await p.apply();
    expect(after.ok).toBe(true);
    // The pass saw the inventory without dd-b (it adopted it again) and saved: nothing stale was kept.
    const saved = JSON.parse(await stateText()) as { targets: Record<string, { profiles: Record<string, { origin: string }> }> };
    expect(saved.targets[p.adapters.target.key]!.profiles['dd-b']).toMatchObject({ origin: 'adopted' });
  });

  it('saves a pass whose only change is a retired write intent (its snapshot compared with the kept parse, not digested)', async () => {
    await p.close();
    p = await startPipeline({ stateClock: () => new Date(Date.now() + 10 * RACY_WINDOW_MS) });
    await p.writeProfile('a.json', datadogDoc('dd-a'));
    expect((await p.apply()).ok).toBe(true);
    // Another process leaves an intent for a profile no file names, written an hour past its retirement age.
    const other = createFileStateStore(p.stateDir);
    const { state } = await other.load();
    state.targets[p.adapters.target.key]!.intents.ghost = { operation: 'create', name: 'ghost', clientToken: 'token-ghost', requestDigest: 'ab'.repeat(32), createdAt: new Date(Date.now() - INTENT_RETIREMENT_MS - 3_600_000).toISOString() };
    await other.save(state);
    const statePath = join(p.stateDir, 'state.json');
    const before = await stat(statePath);
    p.emulator.clearRequestLog();
    const pass = await p.apply();
    expect(pass.ok).toBe(true);
    expect(p.writes()).toEqual([]);
    const saved = JSON.parse(await stateText()) as { targets: Record<string, { intents: Record<string, unknown> }> };
    expect(saved.targets[p.adapters.target.key]!.intents).toEqual({});
    expect((await stat(statePath)).ino).not.toBe(before.ino);
    // Then nothing changes, and the file is left alone.
    const after = await stat(statePath);
    expect((await p.apply()).ok).toBe(true);
    expect((await stat(statePath)).mtimeMs).toBe(after.mtimeMs);
  });
});
