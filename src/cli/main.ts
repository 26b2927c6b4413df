// Entry point: builds the command tree and maps every failure to a one-line message and an exit
// code. Each command lives in its own module under ./commands and registers itself here.
import { Command, CommanderError } from 'commander';
import { ExitCode } from './exit-codes.js';
import { applyHeapSettings } from './heap-settings.js';
import { ownVersion } from './own-version.js';
import { UserError } from './user-error.js';

type Register = (program: Command) => void;

/**
 * Command modules, loaded on demand. Importing all of them pulls in the AWS SDK, ajv and the
 * emulator, which costs about a second of start-up; `validate` in a pre-commit hook or the CI
 * plan check should not pay for code it never runs.
 */
const commandLoaders: Record<string, () => Promise<Register>> = {
  validate: async () => (await import('./commands/validate.js')).registerValidateCommand,
  plan: async () => (await import('./commands/plan.js')).registerPlanCommand,
  apply: async () => (await import('./commands/apply.js')).registerApplyCommand,
  run: async () => (await import('./commands/run.js')).registerRunCommand,
  import: async () => (await import('./commands/import.js')).registerImportCommand,
  emulator: async () => (await import('./commands/emulator.js')).registerEmulatorCommand,
  status: async () => (await import('./commands/daemon-commands.js')).registerStatusCommand,
  reconcile: async () => (await import('./commands/daemon-commands.js')).registerReconcileCommand,
  suspend: async () => (await import('./commands/daemon-commands.js')).registerSuspendCommand,
  resume: async () => (await import('./commands/daemon-commands.js')).registerResumeCommand,
  state: async () => (await import('./commands/state.js')).registerStateCommand,
};

/** The commands that load the profile files on a worker thread (one-shot, and they read AWS meanwhile). */
const LOADS_ON_A_WORKER = new Set(['plan', 'apply']);

/**
 * Builds the program with the commands `argv` can reach: just the requested one when the first
 * word names a command, otherwise all of them (top-level help, `help CMD`, a typo that commander
 * should answer with a suggestion).
 */
export async function buildProgram(argv: string[] = process.argv): Promise<Command> {
  const program = new Command('appflow-gitops')
    .description('GitOps reconciliation for Amazon AppFlow connector profiles')
    .version(ownVersion())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const requested = firstWord(argv);
  const names = requested !== undefined && requested in commandLoaders ? [requested] : Object.keys(commandLoaders);
  for (const name of names) (await commandLoaders[name]!())(program);
  return program;
}

/** The command's name: the CLI has no global option that takes a value, so the first word is it. */
function firstWord(argv: string[]): string | undefined {
  return argv.slice(2).find((arg) => !arg.startsWith('-'));
}

async function main(argv: string[]): Promise<void> {
  try {
    await (await buildProgram(argv)).parseAsync(argv);
  } catch (err) {
    process.exitCode = exitCodeFor(err);
  }
}

/** Prints the error for a human (never a stack trace) and returns the exit code. */
function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    // commander already printed help/version/usage errors.
    return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Error;
  }
  if (err instanceof UserError) {
    process.stderr.write(`error: ${err.message}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`error: ${message}\n`);
  if (process.env.APPFLOW_GITOPS_DEBUG === '1' && err instanceof Error && err.stack) {
    process.stderr.write(`${err.stack}\n`);
  }
  return ExitCode.Error;
}

// Before any command loads: every command's process is sized by the CLI's heap settings (the
// daemon's as a long-running process). plan and apply apply them later, once they have imported
// their pass (commands/plan.ts, commands/apply.ts): V8 checks each code cache it is given against
// a hash of its flags, which v8.setFlagsFromString changes, so every built-in module loaded after
// the settings is compiled from source instead of from the cache embedded in the node binary (three
// times the cost: node:http, https, zlib, crypto and a few more took 6 -> 20 ms on Node 20, 15 -> 35
// ms on Node 22). Applied here, that hit the ~50 built-ins the AWS SDK's import loads and all ~110
// of the load worker's own start (prestarted by bin/ just before), which is on their critical path.
// After the pass's import both have loaded theirs, and the pass's allocation (what the settings
// are for) has not begun (docs/benchmarks.md, round nine).
if (!LOADS_ON_A_WORKER.has(firstWord(process.argv) ?? '')) applyHeapSettings({ oneShot: firstWord(process.argv) !== 'run' });
// plan and apply load the profile files on a worker thread: started now, it gets ready while
// the command loads and checks its flags (src/cli/worker-load.ts).
if (LOADS_ON_A_WORKER.has(firstWord(process.argv) ?? '')) (await import('./worker-load.js')).prestartLoadWorker();
await main(process.argv);
