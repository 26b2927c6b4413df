// A full pipeline fixture for reconcileOnce: profile files in a temp dir, a file state store, the
// emulator with seeded secrets, and the real SDK adapters over HTTP.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { AwsAdapters } from '../../src/aws/ports.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { ProfileParseCache } from '../../src/desired/parse-cache.js';
import type { PolicyCheck } from '../../src/policy/evaluate-policies.js';
import { createSilentLogger } from '../../src/logging/logger.js';
import { reconcileOnce } from '../../src/reconcile/reconcile-once.js';
import { WRITE_SDK_MAX_ATTEMPTS } from '../../src/reconcile/retry-policy.js';
import type { ReconcileOptions, ReconcileReport } from '../../src/reconcile/types.js';
import { createFileStateStore } from '../../src/state/file-state-store.js';
import { profileWrites, startEmulatorHarness, type ProfileWrite } from '../support/emulator-harness.js';
import { datadogDocument } from '../support/profile-documents.js';

export interface Pipeline {
  emulator: RunningEmulator;
  adapters: AwsAdapters;
  root: string;
  profilesDir: string;
  stateDir: string;
  writeProfile(relative: string, content: string | object): Promise<void>;
  removeProfile(relative: string): Promise<void>;
  rotateSecret(name: string, value: object): Promise<void>;
  apply(options?: Partial<ReconcileOptions>, profilesDir?: string, now?: () => number): Promise<ReconcileReport>;
  writes(): ProfileWrite[];
  close(): Promise<void>;
}

export const SECRETS = {
  'dd/shared': { apiKey: 'SENTINEL-SECRET-shared-api', applicationKey: 'SENTINEL-SECRET-shared-app' },
  'dd/other': { apiKey: 'SENTINEL-SECRET-other-api', applicationKey: 'SENTINEL-SECRET-other-app' },
};

export function datadogDoc(name: string, secret: keyof typeof SECRETS = 'dd/shared', instanceUrl?: string, extra: object = {}): object {
  return datadogDocument(name, { secret, instanceUrl, extra });
}

export interface PipelineOptions {
  /** The state store's clock (default the real one); one far ahead makes the state file look settled, so the store keeps its parse between passes. */
  stateClock?: () => Date;
  /**
   * As the daemon runs its passes: read clients that remember byte-identical answers
   * (src/aws/remembered-reads.ts) and one parse cache for every pass.
   */
  daemon?: boolean;
  /** Policies every pass checks its writes against (ReconcileDeps.policies). */
  policies?: PolicyCheck;
}

export async function startPipeline(options: PipelineOptions = {}): Promise<Pipeline> {
  const aws = await startEmulatorHarness(
    { port: 0, seed: { secrets: Object.entries(SECRETS).map(([name, value]) => ({ name, secretString: JSON.stringify(value) })) } },
    { writeMaxAttempts: WRITE_SDK_MAX_ATTEMPTS, ...(options.daemon ? { rememberReads: true } : {}) },
  );
  const loadOptions = options.daemon ? { parseCache: new ProfileParseCache() } : {};
  const policies = options.policies;
  const { emulator, adapters } = aws;
  const root = await mkdtemp(join(tmpdir(), 'reconcile-'));
  const profilesDir = join(root, 'profiles');
  const stateDir = join(root, 'state');
  await mkdir(profilesDir, { recursive: true });
  const store = createFileStateStore(stateDir, { keepLastParse: true, ...(options.stateClock ? { now: options.stateClock } : {}) });
  return {
    emulator,
    adapters,
    root,
    profilesDir,
    stateDir,
    async writeProfile(relative, content) {
      const path = join(profilesDir, relative);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    },
    async removeProfile(relative) {
      await rm(join(profilesDir, relative), { force: true });
    },
    async rotateSecret(name, value) {
      await aws.sdk.secrets.send(new PutSecretValueCommand({ SecretId: name, SecretString: JSON.stringify(value) }));
    },
    apply: (options = {}, dir = profilesDir, now = Date.now) =>
      reconcileOnce(
        {
          profilesDir: dir,
          loadOptions,
          ...(policies ? { policies } : {}),
          store,
          appflow: adapters.appflow,
          secrets: adapters.secrets,
          target: adapters.target,
          logger: createSilentLogger(),
          now,
        },
        { prune: false, allowEmpty: false, maxDeletes: 5, allowReplace: false, retry: { minTimeout: 5, maxTimeout: 20 }, ...options },
      ),
    writes: () => profileWrites(emulator),
    async close() {
      await aws.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
