// `run --embedded-emulator` (what `npm start` runs): the AppFlow + Secrets Manager emulator in
// the daemon's own process, persisted under the state directory and seeded with the demo secrets
// the example profiles reference, so a new user sees a real apply/edit/update loop without an AWS
// account. It must never be mistaken for AWS: it prints a banner and its state is kept under its
// own target key ("embedded-emulator" identity).
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AwsSettings } from '../aws/ports.js';
import { startEmulator, type EmulatorSeed, type RunningEmulator } from '../emulator/index.js';

export const EMULATOR_STATE_FILE = 'emulator.json';
export const DEFAULT_SEED_FILE = join('demo', 'seed.json');
export const EMBEDDED_IDENTITY = 'embedded-emulator';
export const USE_AWS_ENV = 'APPFLOW_GITOPS_USE_AWS';

/** True when APPFLOW_GITOPS_USE_AWS asks for real AWS even though --embedded-emulator is given. */
export function realAwsRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[USE_AWS_ENV]?.trim().toLowerCase();
  return value === '1' || value === 'true' || value === 'yes';
}

/**
 * The seed file: the one given, else ./demo/seed.json, else the package's own demo/seed.json
 * (so `npx appflow-gitops run --embedded-emulator` works from any directory).
 */
export function findSeedFile(explicit: string | undefined, cwd = process.cwd()): string | undefined {
  if (explicit) return resolve(cwd, explicit);
  const local = resolve(cwd, DEFAULT_SEED_FILE);
  if (existsSync(local)) return local;
  // dist/src/runtime/embedded-emulator.js or src/runtime/embedded-emulator.ts → package root.
  for (const up of ['../../..', '../..']) {
    const candidate = resolve(dirname(fileURLToPath(import.meta.url)), up, DEFAULT_SEED_FILE);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function readSeed(path: string): EmulatorSeed {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read emulator seed ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
  try {
    return JSON.parse(text) as EmulatorSeed;
  } catch (err) {
    throw new Error(`emulator seed ${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}

export interface EmbeddedEmulator {
  emulator: RunningEmulator;
  stateFile: string;
  seedFile: string | undefined;
  /** AwsSettings pointing the SDK clients at it. */
  awsSettings: Pick<AwsSettings, 'region' | 'endpoints' | 'credentials' | 'identity'>;
  banner(): string;
}

export async function startEmbeddedEmulator(options: { stateDir: string; seedFile?: string }): Promise<EmbeddedEmulator> {
  await mkdir(options.stateDir, { recursive: true });
  const stateFile = join(options.stateDir, EMULATOR_STATE_FILE);
  const seedFile = findSeedFile(options.seedFile);
  // The seed is idempotent: re-applied on every start, it adds missing secrets and treats a
  // changed value as a rotation (a new AWSCURRENT version), without touching anything else.
  const seed = seedFile ? readSeed(seedFile) : undefined;
  const emulator = await startEmulator({ port: 0, host: '127.0.0.1', stateFile, ...(seed ? { seed } : {}) });
  return {
    emulator,
    stateFile,
    seedFile,
    awsSettings: {
      region: 'us-east-1',
      endpoints: { appflow: emulator.endpoint, secretsmanager: emulator.endpoint },
      // The emulator checks no signatures; these are placeholders, not credentials.
      credentials: { accessKeyId: 'embedded', secretAccessKey: 'embedded' },
      identity: EMBEDDED_IDENTITY,
    },
    banner: () =>
      [
        '',
        '==============================================================================',
        '  LOCAL EMULATOR - NOT AWS',
        `  appflow-gitops is reconciling against an in-process AppFlow + Secrets Manager`,
        `  emulator at ${emulator.endpoint}. Nothing is sent to AWS.`,
        `  emulator state: ${stateFile}`,
        `  demo secrets:   ${seedFile ?? '(no seed file found; secrets must be created by hand)'}`,
        `  To use your real AWS configuration instead: ${USE_AWS_ENV}=1 npm start`,
        '==============================================================================',
        '',
      ].join('\n'),
  };
}
