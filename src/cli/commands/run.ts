// STUB: replaced by the issue that implements `appflow-gitops run`.
import type { Command } from 'commander';
import { UserError } from '../user-error.js';

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('(not implemented yet)')
    .action(() => {
      throw new UserError('run is not implemented yet');
    });
}
