// Entry point: builds the command tree and maps every failure to a one-line message and an exit
// code. Each command lives in its own module under ./commands and registers itself here.
import { Command, CommanderError } from 'commander';
import { ExitCode } from './exit-codes.js';
import { UserError } from './user-error.js';
import { registerValidateCommand } from './commands/validate.js';
import { registerPlanCommand } from './commands/plan.js';
import { registerApplyCommand } from './commands/apply.js';
import { registerRunCommand } from './commands/run.js';
import { registerImportCommand } from './commands/import.js';
import { registerEmulatorCommand } from './commands/emulator.js';

export function buildProgram(): Command {
  const program = new Command('appflow-gitops')
    .description('GitOps reconciliation for Amazon AppFlow connector profiles')
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerValidateCommand(program);
  registerPlanCommand(program);
  registerApplyCommand(program);
  registerRunCommand(program);
  registerImportCommand(program);
  registerEmulatorCommand(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
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

await main(process.argv);
