// STUB: replaced by the issue that implements `appflow-gitops import`.
import type { Command } from 'commander';
import { UserError } from '../user-error.js';

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('(not implemented yet)')
    .action(() => {
      throw new UserError('import is not implemented yet');
    });
}
