// STUB: replaced by the issue that implements `appflow-gitops validate`.
import type { Command } from 'commander';
import { UserError } from '../user-error.js';

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('(not implemented yet)')
    .action(() => {
      throw new UserError('validate is not implemented yet');
    });
}
