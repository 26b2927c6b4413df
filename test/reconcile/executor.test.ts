// executePlan against the emulator over HTTP with the real SDK adapters: tokens, retries,
// uncertain creates, conflicts, terminal errors, replace, delete and abort.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nextAnswer, nextArrival, request } from '../support/emulator-harness.js';
import { datadogChange, driftDatadog, seedDatadog, startHarness, type Harness } from './fixtures.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function stateFileText(): Promise<string> {
  return readFile(join(h.stateDir, 'state.json'), 'utf8');
}

describe('create', () => {
  it('creates the profile with a fresh token, records it, drops the intent and saves state', async () => {
    const [outcome] = await h.execute([datadogChange('dd-one', 'create')]);
    expect(outcome).toMatchObject({ name: 'dd-one', action: 'create', result: 'applied', attempts: 1 });
    const writes = h.writes();
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatchObject({ operation: 'CreateConnectorProfile', status: 200, profileName: 'dd-one' });
    expect(writes[0]!.clientToken).toMatch(UUID);
    expect(outcome!.clientTokens).toEqual([writes[0]!.clientToken]);
    expect(h.emulator.storedCredentials?.('dd-one')).toEqual({
      Datadog: { apiKey: 'SENTINEL-SECRET-api-dd-one', applicationKey: 'SENTINEL-SECRET-app-dd-one' },
    });

    const saved = JSON.parse(await stateFileText());
    const target = saved.targets[h.adapters.target.key];
    expect(target.intents).toEqual({});
    expect(target.profiles['dd-one']).toMatchObject({
      name: 'dd-one',
      origin: 'created',
      connectorType: 'Datadog',
      credentialsFingerprint: 'fp-api-dd-one-app-dd-one',
      sourceFile: 'dd-one.yaml',
    });
    expect(Date.parse(target.profiles['dd-one'].lastAppliedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(await stateFileText()).not.toContain('SENTINEL');
  });

  it('persists the intent with its token before the first attempt is sent', async () => {
    // The moment the create reaches AWS, its intent must already be on disk with the same token.
    let onDisk: { arrivingToken?: string; intentToken?: string } = {};
    const arrival = nextArrival(h.emulator, request('CreateConnectorProfile', 'dd-slow'), (entry) => {
      const text = readFileSync(join(h.stateDir, 'state.json'), 'utf8');
      onDisk = { arrivingToken: entry.clientToken, intentToken: JSON.parse(text).targets[h.adapters.target.key]?.intents['dd-slow']?.clientToken };
    });
    await h.execute([datadogChange('dd-slow', 'create')]);
    await arrival;
    expect(onDisk.intentToken).toMatch(UUID);
    expect(onDisk.arrivingToken).toBe(onDisk.intentToken);
    expect(h.writes().map((w) => w.clientToken)).toEqual([onDisk.intentToken]);
  });

  it('retries 500s and 429s with backoff and sends the same token on every attempt', async () => {
    h.emulator.faults.failNext('CreateConnectorProfile', 2, { status: 500, code: 'InternalServerException' });
    h.emulator.faults.failNext('CreateConnectorProfile', 1, { status: 429, code: 'ThrottlingException', message: 'Rate exceeded' });
    const [outcome] = await h.execute([datadogChange('dd-retry', 'create')]);
    expect(outcome).toMatchObject({ result: 'applied', attempts: 4 });
    const writes = h.writes();
    expect(writes.map((w) => w.status)).toEqual([500, 500, 429, 200]);
    expect(new Set(writes.map((w) => w.clientToken)).size).toBe(1);
    expect((await h.adapters.appflow.describeByNames(['dd-retry'])).map((p) => p.name)).toEqual(['dd-retry']);
  });

  it('a throttled attempt pauses and tries again without using one of the retries', async () => {
    // Four 429s and one retry: throttling means the rate is full, not that the write is failing.
    h.emulator.faults.failNext('CreateConnectorProfile', 4, { status: 429, code: 'ThrottlingException', message: 'Rate exceeded' });
    const [outcome] = await h.execute([datadogChange('dd-throttled', 'create')], { retry: { retries: 1, throttlePauseMs: 1 } });
    expect(outcome).toMatchObject({ result: 'applied', attempts: 5 });
    expect(h.writes().map((w) => w.status)).toEqual([429, 429, 429, 429, 200]);
    expect(new Set(h.writes().map((w) => w.clientToken)).size).toBe(1);
  });

  it('past throttlePauses, a throttled attempt uses a retry like any other error', async () => {
    h.emulator.faults.failNext('CreateConnectorProfile', 5, { status: 429, code: 'ThrottlingException', message: 'Rate exceeded' });
    const [outcome] = await h.execute([datadogChange('dd-throttled', 'create')], { retry: { retries: 1, throttlePauses: 2, throttlePauseMs: 1, minTimeout: 1, maxTimeout: 1 } });
    // Two pauses, then the one retry, then out of retries: four attempts, all refused.
    expect(outcome).toMatchObject({ result: 'failed', attempts: 4, error: { code: 'ThrottlingException' } });
    expect(h.writes().map((w) => w.status)).toEqual([429, 429, 429, 429]);
  });

  it('after "apply, then drop the connection" settles by Describe: one profile, no error, no second create', async () => {
    h.emulator.faults.applyThenDrop('CreateConnectorProfile', 1);
    const [outcome] = await h.execute([datadogChange('dd-drop', 'create')]);
    expect(outcome).toMatchObject({ result: 'applied', attempts: 1 });
    expect(outcome!.error).toBeUndefined();
    const log = h.emulator.requestLog().filter((e) => e.service === 'appflow');
    expect(log.map((e) => e.operation)).toEqual(['CreateConnectorProfile', 'DescribeConnectorProfiles']);
    expect(log.some((e) => e.errorCode === 'ConflictException')).toBe(false);
    expect(await h.adapters.appflow.describeAll()).toHaveLength(1);
    expect(h.state.profiles['dd-drop']).toMatchObject({ origin: 'created', credentialsFingerprint: 'fp-api-dd-drop-app-dd-drop' });
    expect(h.state.intents).toEqual({});
  });

  it('after an uncertain create, compares what landed with the document and corrects it now', async () => {
    h.emulator.faults.applyThenDrop('CreateConnectorProfile', 1);
    // Someone edits the profile between our lost answer and the Describe that settles it.
    // The settling Describe is held 300 ms; the edit is sent as it arrives (a local round trip).
    h.emulator.faults.latency('DescribeConnectorProfiles', 300);
    let drifted: Promise<void> | undefined;
    void nextArrival(h.emulator, request('DescribeConnectorProfiles'), () => {
      drifted = driftDatadog(h.adapters, 'dd-edited', 'https://edited.example.com');
    });
    const [outcome] = await h.execute([datadogChange('dd-edited', 'create')]);
    await drifted;
    expect(outcome).toMatchObject({ result: 'applied' });
    const writes = h.writes();
    expect(writes.map((w) => [w.operation, w.status])).toEqual([
      ['CreateConnectorProfile', 200],
      ['UpdateConnectorProfile', 200], // the out-of-band edit
      ['UpdateConnectorProfile', 200], // our correction
    ]);
    expect(outcome!.clientTokens).toEqual([writes[0]!.clientToken, writes[2]!.clientToken]);
    const [observed] = await h.adapters.appflow.describeByNames(['dd-edited']);
    expect(observed!.properties).toEqual({ Datadog: { instanceUrl: 'https://api.datadoghq.com' } });
    // The credentials went with the create; the correction does not resend them.
    expect(h.emulator.storedCredentials?.('dd-edited')).toEqual({
      Datadog: { apiKey: 'SENTINEL-SECRET-api-dd-edited', applicationKey: 'SENTINEL-SECRET-app-dd-edited' },
    });
    expect(h.state.profiles['dd-edited']).toMatchObject({ origin: 'created', credentialsFingerprint: 'fp-api-dd-edited-app-dd-edited' });
    expect(h.state.intents).toEqual({});
  });

  it('reports a terminal ValidationException with AWS message after exactly one attempt', async () => {
    h.emulator.faults.failNext('CreateConnectorProfile', 1, {
      status: 400,
      code: 'ValidationException',
      message: "Value 'SENTINEL-SECRET-api-dd-bad' at 'connectorProfileConfig.connectorProfileCredentials.Datadog.apiKey' failed to satisfy constraint",
    });
    const [outcome] = await h.execute([datadogChange('dd-bad', 'create')]);
    expect(outcome).toMatchObject({ result: 'failed', attempts: 1, error: { code: 'ValidationException', terminal: true } });
    expect(outcome!.error!.message).toContain("at 'connectorProfileConfig.connectorProfileCredentials.Datadog.apiKey' failed to satisfy constraint");
    expect(JSON.stringify(outcome)).not.toContain('SENTINEL');
    expect(outcome!.inputDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(h.writes()).toHaveLength(1);
    // A definite rejection applied nothing: the token is forgotten.
    expect(h.state.intents).toEqual({});
  });

  it('treats ConflictException as "it exists": adopts the profile and updates it now with a new token', async () => {
    seedDatadog(h.emulator, 'dd-race', 'https://old.example.com');
    const [outcome] = await h.execute([datadogChange('dd-race', 'create')]);
    expect(outcome).toMatchObject({ result: 'applied' });
    const writes = h.writes();
    expect(writes.map((w) => [w.operation, w.errorCode])).toEqual([
      ['CreateConnectorProfile', 'ConflictException'],
      ['UpdateConnectorProfile', undefined],
    ]);
    expect(writes[0]!.clientToken).not.toBe(writes[1]!.clientToken);
    const [observed] = await h.adapters.appflow.describeByNames(['dd-race']);
    expect(observed!.properties).toEqual({ Datadog: { instanceUrl: 'https://api.datadoghq.com' } });
    expect(h.state.profiles['dd-race']).toMatchObject({ origin: 'adopted', credentialsFingerprint: 'fp-api-dd-race-app-dd-race' });
  });

  it('keeps the intent when retries run out on an uncertain failure, and the next pass reuses its token after a Describe', async () => {
    h.emulator.faults.applyThenDrop('CreateConnectorProfile', 1);
    h.emulator.faults.failNext('DescribeConnectorProfiles', 20, { status: 500, code: 'InternalServerException' });
    const [first] = await h.execute([datadogChange('dd-unsure', 'create')], { retry: { retries: 2, minTimeout: 1, maxTimeout: 2 } });
    expect(first).toMatchObject({ result: 'failed', error: { terminal: false } });
    const kept = h.state.intents['dd-unsure'];
    expect(kept).toMatchObject({ operation: 'create', name: 'dd-unsure' });
    h.emulator.faults.reset();
    h.emulator.clearRequestLog();
    // Same desired request: the token is reused; Describe shows the first create landed.
    const [second] = await h.execute([datadogChange('dd-unsure', 'create')]);
    expect(second).toMatchObject({ result: 'applied', clientTokens: [kept!.clientToken] });
    expect(h.writes()).toHaveLength(0);
    expect(await h.adapters.appflow.describeAll()).toHaveLength(1);
    expect(h.state.profiles['dd-unsure']?.origin).toBe('created');
  });

  it('reuses a pending token for an unchanged request whose first attempt never landed', async () => {
    h.emulator.faults.failNext('CreateConnectorProfile', 1, { status: 500, code: 'InternalServerException' });
    const controller = new AbortController();
    // Stop as the first attempt fails (before the 2 s backoff): the write is abandoned and its intent stays.
    void nextAnswer(h.emulator, request('CreateConnectorProfile', 'dd-resume'), () => controller.abort(new Error('stop')));
    const [first] = await h.execute([datadogChange('dd-resume', 'create')], {
      signal: controller.signal,
      retry: { minTimeout: 2_000, maxTimeout: 2_000 },
    });
    expect(first).toMatchObject({ result: 'failed', error: { code: 'aborted', terminal: false } });
    const token = h.state.intents['dd-resume']?.clientToken;
    expect(token).toMatch(UUID);
    const [second] = await h.execute([datadogChange('dd-resume', 'create')]);
    expect(second).toMatchObject({ result: 'applied' });
    expect(h.writes().map((w) => [w.status, w.clientToken])).toEqual([
      [500, token],
      [200, token],
    ]);
  });

  it('mints a new token when the request changed since the pending intent (e.g. a rotated secret)', async () => {
    h.emulator.faults.failNext('CreateConnectorProfile', 1, { status: 500, code: 'InternalServerException' });
    const controller = new AbortController();
    void nextAnswer(h.emulator, request('CreateConnectorProfile', 'dd-rot'), () => controller.abort(new Error('stop')));
    await h.execute([datadogChange('dd-rot', 'create')], { signal: controller.signal, retry: { minTimeout: 2_000, maxTimeout: 2_000 } });
    const old = h.state.intents['dd-rot']?.clientToken;
    await h.execute([datadogChange('dd-rot', 'create', { apiKey: 'SENTINEL-SECRET-rotated' })]);
    const tokens = h.writes().map((w) => w.clientToken);
    expect(tokens[0]).toBe(old);
    expect(tokens[1]).not.toBe(old);
  });
});

describe('update', () => {
  it('gives the same correction needed twice two different tokens', async () => {
    await h.execute([datadogChange('dd-fix', 'create')]);
    const change = () => datadogChange('dd-fix', 'update', {}, { credentials: undefined });
    await driftDatadog(h.adapters, 'dd-fix', 'https://console-edit.example.com');
    const [first] = await h.execute([change()]);
    await driftDatadog(h.adapters, 'dd-fix', 'https://console-edit.example.com'); // reverted again
    const [second] = await h.execute([change()]);
    expect([first!.result, second!.result]).toEqual(['applied', 'applied']);
    const [firstToken] = first!.clientTokens!;
    const [secondToken] = second!.clientTokens!;
    expect(firstToken).toMatch(UUID);
    expect(secondToken).toMatch(UUID);
    expect(firstToken).not.toBe(secondToken);
    const ours = h.writes().filter((w) => w.clientToken === firstToken || w.clientToken === secondToken);
    expect(ours.map((w) => [w.operation, w.status])).toEqual([
      ['UpdateConnectorProfile', 200],
      ['UpdateConnectorProfile', 200],
    ]);
    const [observed] = await h.adapters.appflow.describeByNames(['dd-fix']);
    expect(observed!.properties).toEqual({ Datadog: { instanceUrl: 'https://api.datadoghq.com' } });
  });

  it('omits credentials when the plan carries none and keeps the stored fingerprint', async () => {
    await h.execute([datadogChange('dd-props', 'create')]);
    const fingerprint = h.state.profiles['dd-props']!.credentialsFingerprint;
    await h.execute([datadogChange('dd-props', 'update', { instanceUrl: 'https://eu.datadoghq.com' }, { credentials: undefined, credentialsFingerprint: 'ignored' })]);
    expect(h.emulator.storedCredentials?.('dd-props')).toEqual({
      Datadog: { apiKey: 'SENTINEL-SECRET-api-dd-props', applicationKey: 'SENTINEL-SECRET-app-dd-props' },
    });
    expect(h.state.profiles['dd-props']!.credentialsFingerprint).toBe(fingerprint);
  });

  it('records an adopted profile and a pending create intent turns adoption into "created"', async () => {
    seedDatadog(h.emulator, 'dd-adopt');
    await h.execute([datadogChange('dd-adopt', 'update', {}, { adopt: true })]);
    expect(h.state.profiles['dd-adopt']).toMatchObject({ origin: 'adopted', credentialsFingerprint: 'fp-api-dd-adopt-app-dd-adopt' });

    seedDatadog(h.emulator, 'dd-mine');
    h.state.intents['dd-mine'] = {
      operation: 'create',
      name: 'dd-mine',
      clientToken: 'left-by-a-crash',
      requestDigest: 'x',
      createdAt: new Date().toISOString(),
    };
    await h.execute([datadogChange('dd-mine', 'update', {}, { adopt: true })]);
    expect(h.state.profiles['dd-mine']?.origin).toBe('created');
    expect(h.state.intents['dd-mine']).toBeUndefined();
  });
});

describe('replace and delete', () => {
  it('refuses a replacement without allowReplace and writes nothing', async () => {
    const change = datadogChange('dd-repl', 'replace', {}, {
      fields: [{ path: 'connectorLabel', before: undefined, after: 'x', sensitive: false, forcesReplacement: true }],
    });
    const [outcome] = await h.execute([change]);
    expect(outcome).toMatchObject({ result: 'failed', error: { code: 'replace.not-allowed', terminal: true } });
    expect(outcome!.error!.message).toContain('--allow-replace');
    expect(outcome!.error!.message).toContain('connectorLabel');
    expect(h.writes()).toHaveLength(0);
  });

  it('replaces with allowReplace: delete, then create with a fresh record', async () => {
    await h.execute([datadogChange('dd-repl', 'create')]);
    h.emulator.clearRequestLog();
    const [outcome] = await h.execute([datadogChange('dd-repl', 'replace', { apiKey: 'SENTINEL-SECRET-new' })], { allowReplace: true });
    expect(outcome).toMatchObject({ result: 'applied', attempts: 2 });
    expect(h.writes().map((w) => [w.operation, w.status])).toEqual([
      ['DeleteConnectorProfile', 200],
      ['CreateConnectorProfile', 200],
    ]);
    expect(h.state.profiles['dd-repl']).toMatchObject({ origin: 'created', credentialsFingerprint: 'fp-new-app-dd-repl' });
    expect(h.state.intents).toEqual({});
  });

  it('once the delete of a replacement is done, the create follows even after a stop request', async () => {
    await h.execute([datadogChange('dd-half', 'create')]);
    h.emulator.faults.latency('DeleteConnectorProfile', 300);
    const controller = new AbortController();
    // The stop comes while the delete is in flight.
    void nextArrival(h.emulator, request('DeleteConnectorProfile', 'dd-half'), () => controller.abort(new Error('SIGTERM')));
    const [outcome] = await h.execute([datadogChange('dd-half', 'replace')], { allowReplace: true, signal: controller.signal });
    expect(outcome).toMatchObject({ result: 'applied', attempts: 2 });
    expect(h.writes().slice(-2).map((w) => w.operation)).toEqual(['DeleteConnectorProfile', 'CreateConnectorProfile']);
    expect(await h.adapters.appflow.describeByNames(['dd-half'])).toHaveLength(1);
  });

  it('deletes, forgets the record, and counts a missing profile as done', async () => {
    await h.execute([datadogChange('dd-del', 'create'), datadogChange('dd-gone', 'create')]);
    await h.adapters.appflow.delete('dd-gone', false); // deleted out of band
    const outcomes = await h.execute([
      datadogChange('dd-del', 'delete', {}, { desired: undefined, credentials: undefined }),
      datadogChange('dd-gone', 'delete', {}, { desired: undefined, credentials: undefined }),
    ]);
    expect(outcomes.map((o) => o.result)).toEqual(['applied', 'applied']);
    expect(h.state.profiles).toEqual({});
    expect(await h.adapters.appflow.describeAll()).toEqual([]);
  });

  it('keeps a failed delete in the inventory', async () => {
    await h.execute([datadogChange('dd-stuck', 'create')]);
    h.emulator.faults.failNext('DeleteConnectorProfile', 1, { status: 400, code: 'ValidationException', message: 'profile is in use by a flow' });
    const [outcome] = await h.execute([datadogChange('dd-stuck', 'delete', {}, { desired: undefined, credentials: undefined })]);
    expect(outcome).toMatchObject({ result: 'failed', attempts: 1, error: { code: 'ValidationException', message: 'profile is in use by a flow' } });
    expect(h.state.profiles['dd-stuck']).toBeDefined();
  });
});

describe('bounds', () => {
  it('never runs more writes at once than writeConcurrency', async () => {
    // Counted at the emulator: requests that arrived and are not answered yet.
    h.emulator.faults.latency('CreateConnectorProfile', 400);
    let inFlight = 0;
    let maxInFlight = 0;
    const stopArrivals = h.emulator.onRequestArrived!((e) => {
      if (e.operation === 'CreateConnectorProfile') maxInFlight = Math.max(maxInFlight, ++inFlight);
    });
    const stopAnswers = h.emulator.onRequest!((e) => {
      if (e.operation === 'CreateConnectorProfile') inFlight -= 1;
    });
    const names = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
    const outcomes = await h.execute(names.map((n) => datadogChange(n, 'create')), { writeConcurrency: 2 });
    stopArrivals();
    stopAnswers();
    expect(outcomes.every((o) => o.result === 'applied')).toBe(true);
    expect(maxInFlight).toBe(2);
  });

  it('starts no write once the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const outcomes = await h.execute([datadogChange('a1', 'create'), datadogChange('a2', 'create')], { signal: controller.signal });
    expect(outcomes.map((o) => o.result)).toEqual(['skipped', 'skipped']);
    expect(h.writes()).toHaveLength(0);
  });

  it('a stop during a write in flight keeps its successful answer and starts nothing else', async () => {
    h.emulator.faults.latency('CreateConnectorProfile', 300);
    const controller = new AbortController();
    void nextArrival(h.emulator, request('CreateConnectorProfile', 's1'), () => controller.abort(new Error('SIGTERM')));
    const outcomes = await h.execute([datadogChange('s1', 'create'), datadogChange('s2', 'create')], {
      signal: controller.signal,
      writeConcurrency: 1,
    });
    expect(outcomes.map((o) => [o.name, o.result, o.error?.code])).toEqual([
      ['s1', 'applied', undefined],
      ['s2', 'skipped', 'aborted'],
    ]);
    expect(h.writes().map((w) => w.profileName)).toEqual(['s1']);
    expect(h.state.profiles['s1']?.origin).toBe('created');
    expect(h.state.intents).toEqual({});
  });

  it('writes only the names in onlyNames', async () => {
    const outcomes = await h.execute([datadogChange('o1', 'create'), datadogChange('o2', 'create')], { onlyNames: new Set(['o2']) });
    expect(outcomes.map((o) => o.result)).toEqual(['skipped', 'applied']);
    expect(h.writes().map((w) => w.profileName)).toEqual(['o2']);
  });

  it('gives up after the retry budget on persistent 500s (6 attempts) and keeps the intent', async () => {
    h.emulator.faults.failNext('UpdateConnectorProfile', 10, { status: 500, code: 'InternalServerException' });
    seedDatadog(h.emulator, 'dd-down');
    const [outcome] = await h.execute([datadogChange('dd-down', 'update', {}, { adopt: true })]);
    expect(outcome).toMatchObject({ result: 'failed', attempts: 6, error: { code: 'InternalServerException', terminal: false } });
    expect(h.writes()).toHaveLength(6);
    expect(h.state.intents['dd-down']?.operation).toBe('update');
  });
});
