// STUB: replaced by the issue that implements `appflow-gitops plan`.
import type { Command } from 'commander';
import { UserError } from '../user-error.js';

export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .description('(not implemented yet)')
    .action(() => {
      throw new UserError('plan is not implemented yet');
    });
}
