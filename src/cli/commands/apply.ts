// STUB: replaced by the issue that implements `appflow-gitops apply`.
import type { Command } from 'commander';
import { UserError } from '../user-error.js';

export function registerApplyCommand(program: Command): void {
  program
    .command('apply')
    .description('(not implemented yet)')
    .action(() => {
      throw new UserError('apply is not implemented yet');
    });
}
