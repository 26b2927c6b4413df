// Shared fixtures for the executor tests: an emulator with the real SDK adapters over HTTP, a
// file state store in a temp dir, and planned changes built by hand (the planner has its own tests).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AwsAdapters } from '../../src/aws/ports.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { createSilentLogger } from '../../src/logging/logger.js';
import { Sensitive } from '../../src/model/sensitive.js';
import type { Plan, PlannedChange, PlanAction, StateSnapshot, TargetState } from '../../src/model/types.js';
import { executePlan, type ExecutorContext } from '../../src/reconcile/executor.js';
import { summarize } from '../../src/planner/plan-changes.js';
import { WRITE_SDK_MAX_ATTEMPTS } from '../../src/reconcile/retry-policy.js';
import type { ProfileOutcome, ReconcileOptions } from '../../src/reconcile/types.js';
import { createFileStateStore, type FileStateStore } from '../../src/state/file-state-store.js';
import { profileWrites, startEmulatorHarness, type ProfileWrite } from '../support/emulator-harness.js';
import { datadogCreateRequest, datadogDocument } from '../support/profile-documents.js';

export const FAST_RETRY = { minTimeout: 5, maxTimeout: 20, throttlePauseMs: 2 } as const;

export interface Harness {
  emulator: RunningEmulator;
  adapters: AwsAdapters;
  store: FileStateStore;
  snapshot: StateSnapshot;
  state: TargetState;
  stateDir: string;
  hmacKey: Buffer;
  execute(changes: PlannedChange[], options?: Partial<ReconcileOptions>): Promise<ProfileOutcome[]>;
  /** AppFlow writes (Create/Update/Delete) in the request log. */
  writes(): ProfileWrite[];
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const aws = await startEmulatorHarness({ port: 0 }, { writeMaxAttempts: WRITE_SDK_MAX_ATTEMPTS });
  const { emulator, adapters } = aws;
  const stateDir = await mkdtemp(join(tmpdir(), 'executor-'));
  const store = createFileStateStore(stateDir);
  const snapshot: StateSnapshot = { formatVersion: 1, targets: {} };
  const state: TargetState = { profiles: {}, intents: {} };
  snapshot.targets[adapters.target.key] = state;
  const hmacKey = await store.hmacKey();
  const ctx: ExecutorContext = {
    writer: adapters.appflow,
    state,
    persist: () => store.save(snapshot),
    hmacKey,
    now: Date.now,
    logger: createSilentLogger(),
  };
  return {
    emulator,
    adapters,
    store,
    snapshot,
    state,
    stateDir,
    hmacKey,
    execute: (changes, options = {}) =>
      executePlan(planOf(adapters.target.key, changes), ctx, {
        prune: false,
        allowEmpty: false,
        maxDeletes: 5,
        allowReplace: false,
        retry: FAST_RETRY,
        ...options,
      }),
    writes: () => profileWrites(emulator),
    async close() {
      await aws.close();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

export function planOf(target: string, changes: PlannedChange[]): Plan {
  return { target, changes, warnings: [], summary: summarize(changes) };
}

export interface DatadogSpec {
  instanceUrl?: string;
  apiKey?: string;
  applicationKey?: string;
  connectorLabel?: string;
}

/** A Datadog profile change; credentials are resolved values (sentinels), fingerprinted by content. */
export function datadogChange(name: string, action: PlanAction, spec: DatadogSpec = {}, extra: Partial<PlannedChange> = {}): PlannedChange {
  const apiKey = spec.apiKey ?? `SENTINEL-SECRET-api-${name}`;
  const applicationKey = spec.applicationKey ?? `SENTINEL-SECRET-app-${name}`;
  const document = datadogDocument(name, {
    secret: 'dd',
    instanceUrl: spec.instanceUrl,
    extra: spec.connectorLabel ? { connectorLabel: spec.connectorLabel } : {},
  });
  return {
    target: 'us-east-1/default',
    name,
    action,
    adopt: false,
    source: { file: `${name}.yaml`, line: 1, column: 1 },
    fields: [],
    unchangedFields: 0,
    desired: { name, document: document as never, source: { file: `${name}.yaml`, line: 1, column: 1 }, credentialRefs: [] },
    credentials: new Sensitive({ Datadog: { apiKey, applicationKey } }),
    credentialsFingerprint: `fp-${apiKey}-${applicationKey}`.replace(/SENTINEL-SECRET-/g, ''),
    ...extra,
  };
}

/** Seeds a Datadog profile directly in the emulator (an out-of-band create). */
export function seedDatadog(emulator: RunningEmulator, name: string, instanceUrl?: string): void {
  emulator.seed({ profiles: [datadogCreateRequest(name, { apiKey: 'seeded-api', applicationKey: 'seeded-app' }, instanceUrl)] });
}

/** Changes a profile's instanceUrl out of band (as someone in the console would), through the SDK. */
export async function driftDatadog(adapters: AwsAdapters, name: string, instanceUrl: string): Promise<void> {
  await adapters.appflow.update({
    connectorProfileName: name,
    connectionMode: 'Public',
    connectorProfileConfig: { connectorProfileProperties: { Datadog: { instanceUrl } } },
  });
}
