// `appflow-gitops emulator`: runs the local AppFlow + Secrets Manager emulator in the foreground
// until SIGTERM/SIGINT, then stops cleanly (flushing the state file) and exits 0.
import { readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { Option, type Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_ACCOUNT_ID, DEFAULT_PROFILE_QUOTA, DEFAULT_REGION, startEmulator, type EmulatorSeed, type RequestLogEntry } from '../../emulator/index.js';
import { findSeedFile } from '../../runtime/embedded-emulator.js';
import { UserError } from '../user-error.js';

export const DEFAULT_EMULATOR_PORT = 4599;

interface EmulatorCommandOptions {
  port: string;
  host: string;
  state?: string;
  seed?: string;
  quota: string;
  region: string;
  account: string;
  tokenMismatchError: 'ConflictException' | 'ValidationException';
  logRequests?: boolean;
}

function integerOption(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min || n > max) {
    throw new UserError(`${flag} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

const SEED_KEYS = ['secrets', 'profiles', 'accountId', 'region'];

/** Reads a seed file (JSON or YAML). Errors name the file. */
export function readSeedFile(file: string): EmulatorSeed {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read seed file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let seed: unknown;
  try {
    seed = parseYaml(text);
  } catch (err) {
    throw new UserError(`seed file ${file} is not valid JSON or YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (seed === null || typeof seed !== 'object' || Array.isArray(seed)) {
    throw new UserError(`seed file ${file} must hold an object with optional "secrets" and "profiles" lists`);
  }
  // A misspelt key ("secret:", "Profiles:") would otherwise seed nothing and say nothing.
  const unknown = Object.keys(seed).filter((key) => !SEED_KEYS.includes(key));
  if (unknown.length > 0) {
    throw new UserError(
      `seed file ${file} has unknown top-level key${unknown.length === 1 ? '' : 's'} ${unknown.map((k) => JSON.stringify(k)).join(', ')}; ` +
        'expected only "secrets" and "profiles"',
    );
  }
  for (const key of SEED_KEYS) {
    const value = (seed as Record<string, unknown>)[key];
    if (value !== undefined && value !== null && !Array.isArray(value)) throw new UserError(`seed file ${file}: "${key}" must be a list`);
  }
  return seed;
}

function formatRequest(entry: RequestLogEntry): string {
  const subject = entry.profileName ?? entry.secretIds?.join(',') ?? '';
  const outcome = entry.errorCode ? `${entry.status} ${entry.errorCode}` : String(entry.status);
  const flags = [entry.replayed ? 'replayed' : '', entry.dropped ? 'dropped' : ''].filter(Boolean).join(' ');
  return `${new Date(entry.at).toISOString()} ${entry.service} ${entry.operation} ${subject} -> ${outcome}${flags ? ` (${flags})` : ''}\n`;
}

/**
 * Started without --seed, the emulator holds no secret, so every profile in profiles/ fails with
 * "secret not found": say how to load the demo secrets (the file `npm start` seeds itself with).
 */
function seedHint(): string {
  const demo = findSeedFile(undefined);
  const file = demo ? relativeOrAbsolute(demo) : 'demo/seed.json';
  return `  secrets: none seeded; for the demo profiles in profiles/, start with --seed ${file} (the secrets npm start seeds)\n`;
}

function relativeOrAbsolute(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

async function runEmulator(options: EmulatorCommandOptions): Promise<void> {
  const port = integerOption(options.port, '--port', 0, 65535);
  const profileQuota = integerOption(options.quota, '--quota', 0, 1_000_000);
  if (!/^\d{12}$/.test(options.account)) throw new UserError(`--account must be 12 digits, got ${JSON.stringify(options.account)}`);
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(options.region)) throw new UserError(`--region must look like us-east-1, got ${JSON.stringify(options.region)}`);
  const seed = options.seed ? readSeedFile(options.seed) : undefined;

  let emulator;
  try {
    emulator = await startEmulator({
      port,
      host: options.host,
      region: options.region,
      accountId: options.account,
      profileQuota,
      stateFile: options.state,
      seed,
      tokenMismatchError: options.tokenMismatchError,
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`port ${port} on ${options.host} is already in use (use --port 0 for a free port)`);
    if (code === 'EACCES' || code === 'EADDRNOTAVAIL') throw new UserError(`cannot listen on ${options.host}:${port} (${code})`);
    throw new UserError(err instanceof Error ? err.message : String(err));
  }

  if (options.logRequests) emulator.onRequest?.((entry) => process.stderr.write(formatRequest(entry)));
  const out = process.stdout;
  out.write(`emulator listening on ${emulator.endpoint}\n`);
  out.write(`  region ${options.region}, account ${options.account}, connector-profile quota ${profileQuota}\n`);
  out.write(`  state: ${options.state ? options.state : 'in memory (lost on exit)'}\n`);
  out.write(`  use: AWS_ENDPOINT_URL_APPFLOW=${emulator.endpoint} AWS_ENDPOINT_URL_SECRETS_MANAGER=${emulator.endpoint} (any credentials)\n`);
  out.write(`  admin: ${emulator.endpoint}/__emulator/health\n`);
  if (!options.seed) out.write(seedHint());

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      out.write(`received ${signal}, stopping emulator\n`);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  await emulator.close();
  out.write('emulator stopped\n');
}

export function registerEmulatorCommand(program: Command): void {
  program
    .command('emulator')
    .description('run a local AppFlow (connector profiles) + Secrets Manager emulator in the foreground')
    .addOption(new Option('--port <n>', 'TCP port; 0 picks a free port (printed)').default(String(DEFAULT_EMULATOR_PORT)))
    .addOption(new Option('--host <host>', 'address to bind').default('127.0.0.1'))
    .addOption(new Option('--state <file>', 'JSON state file: loaded at start, written after changes (default: in memory)'))
    .addOption(new Option('--seed <file>', 'seed file (JSON or YAML): {secrets: [{name, secretString}], profiles: [CreateConnectorProfile requests]}'))
    .addOption(new Option('--quota <n>', 'connector-profile quota of the emulated account').default(String(DEFAULT_PROFILE_QUOTA)))
    .addOption(new Option('--region <region>', 'region in ARNs').default(DEFAULT_REGION))
    .addOption(new Option('--account <id>', 'account id in ARNs').default(DEFAULT_ACCOUNT_ID))
    .addOption(
      new Option('--token-mismatch-error <code>', 'error for a clientToken reused with different parameters')
        .choices(['ConflictException', 'ValidationException'])
        .default('ConflictException'),
    )
    .addOption(new Option('--log-requests', 'print one line per request to stderr'))
    .action(async (options: EmulatorCommandOptions) => {
      await runEmulator(options);
    });
}
