// The previous pass's secret reads sent before the files are loaded (src/reconcile/early-secrets.ts):
// the same list is not read twice, a changed list reads only what the early reads did not cover, a
// rotation or a failure is seen by the pass that reads it, and secret values appear nowhere.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SecretLookup, SecretsPort } from '../../src/aws/ports.js';
import { ProfileParseCache } from '../../src/desired/parse-cache.js';
import { createSilentLogger } from '../../src/logging/logger.js';
import { deepFreeze } from '../../src/model/deep-frozen.js';
import type { DesiredProfile, SecretReference } from '../../src/model/types.js';
import { resolveSecretsEarly, resolveWithEarly, sharedUniqueReferences } from '../../src/reconcile/early-secrets.js';
import { reconcileOnce } from '../../src/reconcile/reconcile-once.js';
import type { ReconcileReport } from '../../src/reconcile/types.js';
import { createFileStateStore, STATE_FILE } from '../../src/state/file-state-store.js';
import { countCalls } from '../aws/helpers.js';
import { datadogDoc, startPipeline, type Pipeline } from './pipeline.js';

afterEach(() => {
  vi.restoreAllMocks();
});

function ref(secretId: string, jsonKey: string): SecretReference {
  return { raw: `{{resolve:secretsmanager:${secretId}:SecretString:${jsonKey}}}`, secretId, jsonKey };
}

/** A profile with these references (only its references matter here), frozen as the parse cache hands it out. */
function profile(name: string, refs: SecretReference[]): DesiredProfile {
  return deepFreeze({ name, credentialRefs: refs.map((r) => ({ path: ['Datadog', r.jsonKey], ref: r })) }) as unknown as DesiredProfile;
}

/** A port that answers every reference and records each call's list (the adapter is tested over HTTP elsewhere). */
function recordingPort(fail?: Error): SecretsPort & { calls: SecretReference[][] } {
  const calls: SecretReference[][] = [];
  return {
    calls,
    async resolve(refs) {
      calls.push(refs);
      if (fail) throw fail;
      return new Map(refs.map((r): [string, SecretLookup] => [r.raw, { ok: true, value: `value of ${r.raw}`, versionId: 'v1' }]));
    },
  };
}

describe('resolveSecretsEarly / resolveWithEarly', () => {
  it('reads nothing early before a pass resolved a frozen list on this port, nor after one that was not frozen', () => {
    const port = recordingPort();
    expect(resolveSecretsEarly(port)).toBeUndefined();
    const unfrozen = { name: 'a', credentialRefs: [{ path: ['Datadog', 'apiKey'], ref: ref('s1', 'apiKey') }] } as unknown as DesiredProfile;
    sharedUniqueReferences(port, [unfrozen]);
    expect(resolveSecretsEarly(port)).toBeUndefined();
    expect(port.calls).toEqual([]);
  });

  it('reads the previous list once, early, and hands that answer to a pass that resolves the same list', async () => {
    const port = recordingPort();
    const profiles = [profile('a', [ref('s1', 'apiKey')]), profile('b', [ref('s2', 'apiKey')])];
    const first = sharedUniqueReferences(port, profiles);
    const early = resolveSecretsEarly(port);
    expect(port.calls).toEqual([first]);
    const refs = sharedUniqueReferences(port, profiles);
    expect(refs).toBe(first);
    const lookups = await resolveWithEarly(port, refs, early);
    expect([...lookups.keys()]).toEqual(refs.map((r) => r.raw));
    expect(port.calls).toHaveLength(1);
  });

  it('resolves only the references the early reads did not cover, and reports only this pass\'s references', async () => {
    const port = recordingPort();
    sharedUniqueReferences(port, [profile('a', [ref('s1', 'apiKey')]), profile('b', [ref('s2', 'apiKey')])]);
    const early = resolveSecretsEarly(port);
    // b now uses another secret; a is unchanged.
    const refs = sharedUniqueReferences(port, [profile('a', [ref('s1', 'apiKey')]), profile('b', [ref('s3', 'apiKey')])]);
    const lookups = await resolveWithEarly(port, refs, early);
    expect(port.calls.map((list) => list.map((r) => r.secretId))).toEqual([['s1', 's2'], ['s3']]);
    expect([...lookups.keys()].sort()).toEqual([ref('s1', 'apiKey').raw, ref('s3', 'apiKey').raw]);
  });

  it('resolves directly without early reads, and nothing for no references', async () => {
    const port = recordingPort();
    expect(await resolveWithEarly(port, [], undefined)).toEqual(new Map());
    const refs = [ref('s1', 'apiKey')];
    expect((await resolveWithEarly(port, refs, undefined)).size).toBe(1);
    expect(port.calls).toEqual([refs]);
  });

  it('passes an early failure to the pass, and leaves no unhandled rejection when the pass stops first', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const failing = recordingPort(new Error('secrets unreachable'));
      const profiles = [profile('a', [ref('s1', 'apiKey')])];
      const refs = sharedUniqueReferences(failing, profiles);
      await expect(resolveWithEarly(failing, refs, resolveSecretsEarly(failing))).rejects.toThrow('secrets unreachable');
      // A pass whose load threw never resolves: its early reads must fail quietly.
      resolveSecretsEarly(failing);
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
});

describe('a daemon-like pass with early secret reads (emulator over HTTP)', () => {
  let p: Pipeline | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  /** Passes as the daemon makes them: one parse cache, one secrets port, reads recorded. */
  function daemonPasses(pipeline: Pipeline) {
    const parseCache = new ProfileParseCache();
    const store = createFileStateStore(pipeline.stateDir);
    const reads: SecretReference[][] = [];
    const hooks: { onRead?: () => void } = {};
    const secrets: SecretsPort = {
      resolve(refs) {
        reads.push(refs);
        hooks.onRead?.();
        return pipeline.adapters.secrets.resolve(refs);
      },
    };
    const reports: ReconcileReport[] = [];
    const pass = async (port: SecretsPort = secrets, cache: ProfileParseCache | undefined = parseCache): Promise<ReconcileReport> => {
      const report = await reconcileOnce(
        {
          profilesDir: pipeline.profilesDir,
          loadOptions: cache ? { parseCache: cache } : {},
          store,
          appflow: pipeline.adapters.appflow,
          secrets: port,
          target: pipeline.adapters.target,
          logger: createSilentLogger(),
        },
        { prune: false, allowEmpty: false, maxDeletes: 5, allowReplace: false, retry: { minTimeout: 5, maxTimeout: 20 } },
      );
      reports.push(report);
      return report;
    };
    return {
      pass,
      reads,
      reports,
      set onRead(hook: () => void) {
        hooks.onRead = hook;
      },
    };
  }

  const actions = (report: ReconcileReport) => report.plan.changes.map((c) => [c.name, c.action]);

  /** Profiles a (secret dd/shared) and b (dd/other), created by a first pass: the next pass reads early. */
  async function twoProfilesCreated(): Promise<{ pipeline: Pipeline; d: ReturnType<typeof daemonPasses> }> {
    const pipeline = await startPipeline();
    p = pipeline;
    await pipeline.writeProfile('a.json', datadogDoc('a', 'dd/shared'));
    await pipeline.writeProfile('b.json', datadogDoc('b', 'dd/other'));
    const d = daemonPasses(pipeline);
    expect(actions(await d.pass())).toEqual([['a', 'create'], ['b', 'create']]);
    return { pipeline, d };
  }

  async function expectNoSecretValues(pipeline: Pipeline, reports: ReconcileReport[]): Promise<void> {
    expect(JSON.stringify(reports)).not.toContain('SENTINEL');
    const stateText = await readFile(join(pipeline.stateDir, STATE_FILE), 'utf8').catch(() => '');
    expect(stateText).not.toContain('SENTINEL');
  }

  it('reads the secrets before looking at any file, once per pass, and applies a rotation in the same pass', async () => {
    const { pipeline, d } = await twoProfilesCreated();

    // The second pass: its one resolve (the same frozen list) was sent before the first file lookup.
    const looked = vi.spyOn(ProfileParseCache.prototype, 'get');
    const lookupsAtRead: number[] = [];
    d.onRead = () => lookupsAtRead.push(looked.mock.calls.length);
    const batchesBefore = countCalls(pipeline.emulator, 'BatchGetSecretValue');
    const second = await d.pass();
    expect(actions(second)).toEqual([['a', 'noop'], ['b', 'noop']]);
    expect(d.reads).toHaveLength(2);
    expect(d.reads[1]).toBe(d.reads[0]);
    expect(lookupsAtRead).toEqual([0]);
    expect(looked).toHaveBeenCalledTimes(2);
    expect(countCalls(pipeline.emulator, 'BatchGetSecretValue') - batchesBefore).toBe(1);

    // A rotation between passes: the next pass reads the new value and updates the profile that uses it.
    await pipeline.rotateSecret('dd/shared', { apiKey: 'SENTINEL-SECRET-rotated-api', applicationKey: 'SENTINEL-SECRET-rotated-app' });
    const rotated = await d.pass();
    expect(actions(rotated)).toEqual([['a', 'update'], ['b', 'noop']]);
    expect(rotated.outcomes.find((o) => o.name === 'a')?.result).toBe('applied');
    expect(rotated.plan.changes.find((c) => c.name === 'a')?.fields.map((f) => f.path)).toEqual(['connectorProfileCredentials']);
    // The versions recorded on the plan follow the rotation; b's record is the one of the pass before.
    const versionsOf = (report: ReconcileReport, name: string) => report.plan.changes.find((c) => c.name === name)?.secretVersions;
    expect(Object.values(versionsOf(rotated, 'a') ?? {})).not.toEqual(Object.values(versionsOf(second, 'a') ?? {}));
    expect(versionsOf(rotated, 'b')).toBe(versionsOf(second, 'b'));
    expect(pipeline.writes().filter((w) => w.operation === 'UpdateConnectorProfile').map((w) => w.profileName)).toEqual(['a']);
    expect(actions(await d.pass())).toEqual([['a', 'noop'], ['b', 'noop']]);
    await expectNoSecretValues(pipeline, d.reports);
  }, 60_000);

  it('falls back per secret when the early batch call is denied, as a pass without early reads does', async () => {
    const { pipeline, d } = await twoProfilesCreated();
    pipeline.emulator.faults.failNext('BatchGetSecretValue', 1, { status: 400, code: 'AccessDeniedException', message: 'not allowed' });
    const singlesBefore = countCalls(pipeline.emulator, 'GetSecretValue');
    const denied = await d.pass();
    expect(actions(denied)).toEqual([['a', 'noop'], ['b', 'noop']]);
    expect(denied.ok).toBe(true);
    expect(countCalls(pipeline.emulator, 'GetSecretValue') - singlesBefore).toBe(2);
    await expectNoSecretValues(pipeline, d.reports);
  }, 60_000);

  it('gives a missing secret the same message with early reads as without', async () => {
    const { pipeline, d } = await twoProfilesCreated();
    // b now names a secret that does not exist: the early reads cover a's, the pass reads the rest.
    const missing = datadogDoc('b', 'dd/other');
    const credentials = (missing as { connectorProfileConfig: { connectorProfileCredentials: { Datadog: Record<string, string> } } }).connectorProfileConfig.connectorProfileCredentials.Datadog;
    credentials.apiKey = '{{resolve:secretsmanager:dd/missing:SecretString:apiKey}}';
    await pipeline.writeProfile('b.json', missing);
    const early = await d.pass();
    expect(d.reads[1]).toBe(d.reads[0]);
    expect(d.reads[2]!.map((r) => r.secretId)).toEqual(['dd/missing']);
    const withEarly = early.plan.changes.find((c) => c.name === 'b');
    expect(withEarly?.action).toBe('error');
    expect(withEarly?.reason).toContain('dd/missing');

    // The same pass on a port that has read nothing before (no early reads): the same message.
    const fresh: SecretsPort = { resolve: (refs) => pipeline.adapters.secrets.resolve(refs) };
    const without = await d.pass(fresh, undefined);
    expect(without.plan.changes.find((c) => c.name === 'b')?.reason).toBe(withEarly?.reason);
    await expectNoSecretValues(pipeline, d.reports);
  }, 60_000);
});
