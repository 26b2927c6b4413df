// STUB: replaced by the issue that implements `appflow-gitops emulator`.
import type { Command } from 'commander';
import { UserError } from '../user-error.js';

export function registerEmulatorCommand(program: Command): void {
  program
    .command('emulator')
    .description('(not implemented yet)')
    .action(() => {
      throw new UserError('emulator is not implemented yet');
    });
}
