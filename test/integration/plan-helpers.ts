// Helpers for the plan integration tests: profile files on disk, the emulator, and a tiny
// "apply" that makes the account and the inventory match a plan's creates (seeding the emulator
// with exactly what the executor would send), so "in sync" is reached without the apply module.
import { AppflowClient, UpdateConnectorProfileCommand } from '@aws-sdk/client-appflow';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadProfiles } from '../../src/desired/load-profiles.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import type { Plan, PlanOptions, TargetState } from '../../src/model/types.js';
import { preparePlan } from '../../src/reconcile/prepare-plan.js';
import { adaptersFor, sdkConfigFor } from '../support/emulator-harness.js';
import { datadogDocument } from '../support/profile-documents.js';

export { adaptersFor };

export const KEY = Buffer.alloc(32, 9);
export const NO_PRUNE: PlanOptions = { prune: false, allowEmpty: false, maxDeletes: 5 };
export const READ_ONLY_OPERATIONS = new Set(['DescribeConnectorProfiles', 'BatchGetSecretValue', 'GetSecretValue']);

export function datadog(name: string, secret = 'dd', instanceUrl?: string): Record<string, unknown> {
  return datadogDocument(name, { secret, instanceUrl });
}

export function ddSecret(name: string, tag: string) {
  return { name, secretString: JSON.stringify({ apiKey: `SENTINEL-SECRET-api-${tag}`, applicationKey: `SENTINEL-SECRET-app-${tag}` }) };
}

export async function tempDir(prefix = 'plan-it-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Writes `files` (relative path → JSON documents or raw text) under `dir`. */
export async function writeProfiles(dir: string, files: Record<string, Record<string, unknown> | string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  }
}

export async function planDir(emu: RunningEmulator, dir: string, state: TargetState, options: PlanOptions = NO_PRUNE): Promise<Plan> {
  const adapters = adaptersFor(emu);
  try {
    const load = await loadProfiles(dir);
    return await preparePlan({ target: adapters.target, appflow: adapters.appflow, secrets: adapters.secrets, state, hmacKey: KEY }, load, options);
  } finally {
    adapters.destroy();
  }
}

/** Applies the plan's creates the way the executor would, and records them in `state`. */
export function applyCreates(emu: RunningEmulator, plan: Plan, state: TargetState): void {
  for (const change of plan.changes) {
    if (change.action !== 'create') continue;
    const document = change.desired!.document;
    emu.seed({
      profiles: [
        {
          ...document,
          connectorProfileConfig: {
            connectorProfileProperties: document.connectorProfileConfig.connectorProfileProperties,
            connectorProfileCredentials: change.credentials?.reveal(),
          },
        } as never,
      ],
    });
    state.profiles[change.name] = {
      name: change.name,
      origin: 'created',
      connectorType: document.connectorType,
      connectorLabel: document.connectorLabel,
      kmsArn: document.kmsArn,
      credentialsFingerprint: change.credentialsFingerprint,
      sourceFile: change.source?.file,
      lastAppliedAt: new Date(0).toISOString(),
    };
  }
}

/** Changes a Datadog profile's instanceUrl out of band (as someone in the console would), with a raw SDK client. */
export async function driftInstanceUrl(emu: RunningEmulator, name: string, instanceUrl: string): Promise<void> {
  const appflow = new AppflowClient(sdkConfigFor(emu));
  try {
    await appflow.send(
      new UpdateConnectorProfileCommand({
        connectorProfileName: name,
        connectionMode: 'Public',
        connectorProfileConfig: { connectorProfileProperties: { Datadog: { instanceUrl } } },
      }),
    );
  } finally {
    appflow.destroy();
  }
}

export function emptyState(): TargetState {
  return { profiles: {}, intents: {} };
}

export function mutatingCalls(emu: RunningEmulator): string[] {
  return emu.requestLog().filter((e) => !READ_ONLY_OPERATIONS.has(e.operation)).map((e) => e.operation);
}

export function actions(plan: Plan): Record<string, string> {
  return Object.fromEntries(plan.changes.map((c) => [c.name, c.action]));
}
