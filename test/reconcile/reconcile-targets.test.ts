// One multi-target pass (src/reconcile/reconcile-targets.ts) over the real SDK adapters and the
// emulator: a target whose account is already confirmed has its inventory described while the
// profile files load (one Describe per target on a warm no-op pass), and a target whose account is
// not confirmed is never read at all. The order of events is recorded at the ports: `takes` is
// first asked once the files are loaded, so a Describe recorded before it went out during the load.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createTargetAdapters, type TargetAccess, type TargetAdapters } from '../../src/aws/target-adapters.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createSilentLogger } from '../../src/logging/logger.js';
import { reconcileTargets, type TargetRun, type TargetsReport } from '../../src/reconcile/reconcile-targets.js';
import type { ReconcileOptions } from '../../src/reconcile/types.js';
import { ProfileParseCache } from '../../src/desired/parse-cache.js';
import { createFileStateStore } from '../../src/state/file-state-store.js';
import { profileDir } from '../desired/helpers.js';
import { emulatorAwsSettings } from '../support/emulator-harness.js';
import { datadogDocument } from '../support/profile-documents.js';

const REGIONS = { east: 'us-east-1', west: 'eu-west-1' } as const;
const OPTIONS: ReconcileOptions = { prune: false, allowEmpty: false, maxDeletes: 0, allowReplace: false };

let emulator: RunningEmulator;
let stateRoot: string;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  for (const region of Object.values(REGIONS)) {
    emulator.seed({ region, secrets: [{ name: 'dd', secretString: JSON.stringify({ apiKey: 'SENTINEL-a', applicationKey: 'SENTINEL-b' }) }] });
  }
  stateRoot = await mkdtemp(join(tmpdir(), 'reconcile-targets-'));
});

afterAll(async () => {
  await emulator.close();
  await rm(stateRoot, { recursive: true, force: true });
});

/** A target over `name/`, its ports wrapped to record what was asked and in which order. */
function recordedRun(access: TargetAccess, events: string[]): TargetRun {
  const real = createTargetAdapters(access, emulatorAwsSettings(emulator));
  const name = access.name;
  const adapters: TargetAdapters = {
    ...real,
    identify: () => {
      events.push(`${name}:identify`);
      return real.identify();
    },
    appflow: {
      ...real.appflow,
      describeByNames: (names) => {
        events.push(`${name}:describe`);
        return real.appflow.describeByNames(names);
      },
    },
    secrets: {
      ...real.secrets,
      resolve: (refs) => {
        events.push(`${name}:secrets`);
        return real.secrets.resolve(refs);
      },
    },
  };
  return {
    name,
    adapters,
    takes: (file) => {
      if (!events.includes(`${name}:takes`)) events.push(`${name}:takes`);
      return file.startsWith(`${name}/`);
    },
  };
}

function fleet(...names: string[]): string {
  return profileDir(Object.fromEntries(names.map((name) => [`${name}/app.yaml`, stringify(datadogDocument(`${name}-app`))])));
}

function before(events: string[], first: string, second: string): boolean {
  return events.includes(first) && events.includes(second) && events.indexOf(first) < events.indexOf(second);
}

/** A warm no-op pass over east and west: each target's `kind` read went out once, while the files loaded. */
async function warmPassReadingDuringLoad(events: string[], pass: () => Promise<TargetsReport>, kind: 'describe' | 'secrets'): Promise<TargetsReport> {
  events.length = 0;
  emulator.clearRequestLog();
  const report = await pass();
  expect(report.ok).toBe(true);
  expect(report.targets.flatMap((t) => t.report.plan.changes.map((c) => c.action))).toEqual(['noop', 'noop']);
  for (const name of ['east', 'west']) {
    expect(before(events, `${name}:${kind}`, `${name}:takes`)).toBe(true);
    expect(events.filter((e) => e === `${name}:${kind}`)).toHaveLength(1);
  }
  return report;
}

describe('reconcileTargets: reading a known target while the files load', () => {
  it('confirms the account before the first read, then describes each inventory during the load, once', async () => {
    const dir = fleet('east', 'west');
    const store = createFileStateStore(join(stateRoot, 'known'));
    const events: string[] = [];
    const runs = [recordedRun({ name: 'east', region: REGIONS.east, implicit: false }, events), recordedRun({ name: 'west', region: REGIONS.west, implicit: false }, events)];
    const pass = () => reconcileTargets({ profilesDir: dir, loadOptions: {}, store, logger: createSilentLogger(), targets: runs }, OPTIONS);
    try {
      expect(runs[0]!.adapters.identified?.()).toBeUndefined();
      const first = await pass();
      expect(first.ok).toBe(true);
      for (const name of ['east', 'west']) {
        // Not yet known: identity first, and the read only after the files were loaded.
        expect(before(events, `${name}:identify`, `${name}:describe`)).toBe(true);
        expect(before(events, `${name}:takes`, `${name}:describe`)).toBe(true);
      }
      expect(runs[0]!.adapters.identified?.()?.key).toBe(first.targets[0]!.target.key);

      await warmPassReadingDuringLoad(events, pass, 'describe');
      expect(emulator.requestLog().filter((e) => e.operation === 'DescribeConnectorProfiles')).toHaveLength(2);
    } finally {
      for (const run of runs) run.adapters.destroy();
    }
  });

  it('reads each known target\'s secrets of its previous pass during the load, once; a plan without credentials reads none', async () => {
    const dir = fleet('east', 'west');
    const store = createFileStateStore(join(stateRoot, 'secrets'));
    const events: string[] = [];
    const runs = [recordedRun({ name: 'east', region: REGIONS.east, implicit: false }, events), recordedRun({ name: 'west', region: REGIONS.west, implicit: false }, events)];
    // The daemon's parse cache: the frozen reference lists the early reads are remembered by.
    const parseCache = new ProfileParseCache();
    const pass = (options: Partial<ReconcileOptions & { readOnly: boolean; skipCredentials: boolean }> = {}) =>
      reconcileTargets({ profilesDir: dir, loadOptions: { parseCache }, store, logger: createSilentLogger(), targets: runs }, { ...OPTIONS, ...options });
    try {
      expect((await pass()).ok).toBe(true);
      for (const name of ['east', 'west']) expect(before(events, `${name}:takes`, `${name}:secrets`)).toBe(true);

      const second = await warmPassReadingDuringLoad(events, pass, 'secrets');
      expect(emulator.requestLog().filter((e) => e.operation === 'BatchGetSecretValue')).toHaveLength(2);
      expect(JSON.stringify(second)).not.toContain('SENTINEL');

      events.length = 0;
      expect((await pass({ readOnly: true, skipCredentials: true })).ok).toBe(true);
      expect(events.filter((e) => e.endsWith(':secrets'))).toEqual([]);
    } finally {
      for (const run of runs) run.adapters.destroy();
    }
  });

  it('never reads a target whose account was not confirmed, and the other still converges', async () => {
    const dir = fleet('east', 'west');
    const store = createFileStateStore(join(stateRoot, 'mismatch'));
    const events: string[] = [];
    const runs = [
      recordedRun({ name: 'east', region: REGIONS.east, implicit: false }, events),
      recordedRun({ name: 'west', region: REGIONS.west, accountId: '999999999999', implicit: false }, events),
    ];
    const pass = () => reconcileTargets({ profilesDir: dir, loadOptions: {}, store, logger: createSilentLogger(), targets: runs }, OPTIONS);
    try {
      for (let i = 0; i < 2; i++) {
        const report = await pass();
        expect(report.targets.map((t) => [t.name, t.report.ok])).toEqual([
          ['east', true],
          ['west', false],
        ]);
        expect(report.targets[1]!.report.error?.code).toBe('target.account-mismatch');
      }
      expect(events.filter((e) => e === 'west:identify')).toHaveLength(2);
      expect(events).not.toContain('west:describe');
      expect(events).not.toContain('west:secrets');
      expect(runs[1]!.adapters.identified?.()).toBeUndefined();
      expect(events.filter((e) => e === 'east:describe')).toHaveLength(2);
    } finally {
      for (const run of runs) run.adapters.destroy();
    }
  });
});
