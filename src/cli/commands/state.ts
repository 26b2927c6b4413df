// `appflow-gitops state init|migrate`: set up the shared DynamoDB state (docs/state.md).
import type { Command } from 'commander';
import { resolveRegion } from '../../aws/target.js';
import { messageOf } from '../../reconcile/pass-state.js';
import { createStateTableClient } from '../../state/dynamodb/client.js';
import { createDynamoDbStateStore } from '../../state/dynamodb/dynamodb-state-store.js';
import { MigrationRefused, migrateFileState } from '../../state/dynamodb/migrate.js';
import { initStateTable, tableError } from '../../state/dynamodb/table.js';
import { parseStateLocation, StateLocationError, type StateLocation } from '../../state/state-location.js';
import { withAwsFailureHint } from '../aws-failure-hint.js';
import { UserError } from '../user-error.js';

export function registerStateCommand(program: Command): void {
  const state = program.command('state').description('set up and move state (the shared DynamoDB backend)');
  state
    .command('init')
    .description('create the DynamoDB state table if it is missing (on-demand capacity, TTL on expired intents); safe to re-run')
    .requiredOption('--state <location>', 'dynamodb://TABLE')
    .action(async (flags: { state: string }) => {
      const table = dynamoTable(flags.state, '--state');
      const client = createStateTableClient({ region: resolveRegion().region });
      try {
        const result = await initStateTable(client.raw, table);
        process.stdout.write(
          result.created
            ? `created state table ${table} in ${client.region} (on-demand, TTL on expiresAt)\n`
            : `state table ${table} in ${client.region} is ready (already existed; TTL on expiresAt)\n`,
        );
      } catch (err) {
        throw new UserError(withAwsFailureHint(`state init: ${messageOf(err)}`, err));
      } finally {
        client.destroy();
      }
    });
  state
    .command('migrate')
    .description('copy a file state directory into a DynamoDB state table (refuses pending intents or an occupied table)')
    .requiredOption('--from <dir>', 'the state directory to copy')
    .requiredOption('--to <location>', 'dynamodb://TABLE')
    .action(async (flags: { from: string; to: string }) => {
      const from = location(flags.from, '--from');
      if (from.kind !== 'file') throw new UserError('--from must be a state directory (a path or file://DIR)');
      const table = dynamoTable(flags.to, '--to');
      const client = createStateTableClient({ region: resolveRegion().region });
      try {
        const summary = await migrateFileState(from.dir, createDynamoDbStateStore({ table, client }));
        for (const warning of summary.warnings) process.stderr.write(`warning: ${warning}\n`);
        for (const { target, profiles } of summary.targets) {
          process.stdout.write(`migrated ${profiles} profile record${profiles === 1 ? '' : 's'} of target ${target} to ${table}\n`);
        }
        if (summary.fingerprintsDropped > 0) {
          process.stdout.write(
            `${summary.fingerprintsDropped} credential fingerprint(s) not copied (value fingerprints stay out of the table): ` +
              'the next apply or daemon pass sends those credentials once\n',
          );
        }
      } catch (err) {
        if (err instanceof MigrationRefused) throw new UserError(`state migrate: ${err.message}`);
        const mapped = tableError(err, table, client.region);
        throw new UserError(withAwsFailureHint(`state migrate: ${messageOf(mapped)}`, err));
      } finally {
        client.destroy();
      }
    });
}

function location(value: string, flag: string): StateLocation {
  try {
    return parseStateLocation(value);
  } catch (err) {
    if (err instanceof StateLocationError) throw new UserError(err.message.replace('--state', flag));
    throw err;
  }
}

function dynamoTable(value: string, flag: string): string {
  const parsed = location(value, flag);
  if (parsed.kind !== 'dynamodb') throw new UserError(`${flag} must be dynamodb://TABLE (state init and migrate work on the shared DynamoDB state)`);
  return parsed.table;
}
