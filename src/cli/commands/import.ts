// `appflow-gitops import`: bring existing AppFlow connector profiles into git as profile files,
// with credentials as references to secrets the user creates. See docs/import.md.
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { createAwsAdapters } from '../../aws/clients.js';
import { loadProfiles } from '../../desired/load-profiles.js';
import { connectorTypes } from '../../importer/connector-shapes.js';
import { ImportError, runImport } from '../../importer/run-import.js';
import { renderImportSummaryText } from '../../importer/summary.js';
import type { AppFlowPort, AwsAdapters } from '../../aws/ports.js';
import { createSilentLogger } from '../../logging/silent-logger.js';
import type { StateStore } from '../../model/types.js';
import { createFileStateStore, StateLockedError } from '../../state/file-state-store.js';
import { leadSharedState } from '../shared-state-lease.js';
import { stateLocation } from '../state-backend.js';
import { configOption, DEFAULT_PROFILES_DIR, jsonOption, stateOption, targetOption } from '../common-options.js';
import { ExitCode } from '../exit-codes.js';
import { withAwsFailureHint } from '../aws-failure-hint.js';
import { checkStateDirectory } from '../preflight.js';
import { lockStateDirectory } from '../state-lock.js';
import { UserError } from '../user-error.js';
import { loadCommandConfig } from '../load-config-or-fail.js';
import { importTarget, identifiedAdapters } from '../targets-pass.js';

/** Same default as --profiles elsewhere: import writes where plan and apply read. */
export const DEFAULT_IMPORT_OUT_DIR = DEFAULT_PROFILES_DIR;
/** ConnectorProfileName's pattern and length in the AppFlow model. */
const PROFILE_NAME = /^[\w/!@#+=.-]{1,256}$/;

interface ImportFlags {
  out: string;
  config?: string;
  target?: string[];
  state: string;
  names?: string;
  connectorType?: string;
  force?: boolean;
  json?: boolean;
}

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('write profile files for connector profiles that already exist in AppFlow, and record them as managed')
    .addOption(new Option('--out <dir>', 'directory to write the profile files to').default(DEFAULT_IMPORT_OUT_DIR))
    .addOption(stateOption())
    .addOption(new Option('--names <list>', 'comma-separated profile names to import (default: all)'))
    .addOption(new Option('--connector-type <type>', 'import only profiles of this connector type (e.g. Salesforce)'))
    .addOption(new Option('--force', 'overwrite existing files that differ, showing a diff of each'))
    .addOption(jsonOption())
    .addOption(configOption())
    .addOption(targetOption())
    .action(async (flags: ImportFlags) => {
      const command = await loadCommandConfig({ ...flags, profiles: flags.out });
      const declared = importTarget(command);
      const names = flags.names === undefined ? undefined : parseNames(flags.names);
      const connectorType = flags.connectorType === undefined ? undefined : canonicalConnectorType(flags.connectorType);
      // The lock comes first: before any AWS call, and before the state is loaded for the
      // inventory, so a daemon or an apply writing this state can neither be overwritten by a
      // state read before its save nor find its profiles re-imported behind its back.
      const location = stateLocation(flags.state);
      let release: () => Promise<void>;
      let adapters: AwsAdapters;
      let store: StateStore;
      let appflow: AppFlowPort;
      if (location.kind === 'dynamodb') {
        // A declared target: its identity (the state key) first, then its lease in its own table.
        const opened = declared ? await identifiedAdapters(declared) : createAwsAdapters({});
        adapters = opened;
        const session = await leadSharedState(location.table, opened, createSilentLogger()).catch((err: unknown) => {
          opened.destroy();
          throw err;
        });
        ({ store, appflow } = session);
        release = () => session.close();
      } else {
        await checkStateDirectory(flags.state);
        const lock = await lockStateDirectory(flags.state);
        try {
          adapters = declared ? await identifiedAdapters(declared) : createAwsAdapters({});
        } catch (err) {
          await lock.release();
          throw err;
        }
        const fileStore = createFileStateStore(flags.state, { lock: true });
        store = fileStore;
        appflow = adapters.appflow;
        release = async () => {
          await fileStore.release();
          await lock.release();
        };
      }
      try {
        // With a declared target, files go into its first path (a directory under --out).
        const outDir = declared ? join(flags.out, declared.paths[0] ?? '') : flags.out;
        const options = { outDir, stateDir: flags.state, force: flags.force === true } as Parameters<typeof runImport>[1];
        if (names) options.names = names;
        if (connectorType) options.connectorType = connectorType;
        const result = await runImport({ appflow, target: adapters.target, store, loadProfiles: (dir) => loadProfiles(dir) }, options);
        for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
        process.stdout.write(flags.json ? `${JSON.stringify(result.summary, null, 2)}\n` : renderImportSummaryText(result.summary));
        if (!result.ok) {
          const problems = result.summary.skipped.length + result.summary.validation.length;
          process.stderr.write(`error: import finished with ${problems} problem${problems === 1 ? '' : 's'} (see above)\n`);
          process.exitCode = ExitCode.Error;
        }
      } catch (err) {
        if (err instanceof ImportError) throw new UserError(err.cause === undefined ? err.message : withAwsFailureHint(err.message, err.cause));
        if (err instanceof StateLockedError) throw new UserError(err.message);
        throw err;
      } finally {
        adapters.destroy();
        await release();
      }
    });
}

export function parseNames(list: string): string[] {
  const names = [...new Set(list.split(',').map((name) => name.trim()).filter((name) => name !== ''))];
  if (names.length === 0) throw new UserError('--names needs at least one profile name (comma-separated)');
  const bad = names.filter((name) => !PROFILE_NAME.test(name));
  if (bad.length > 0) {
    throw new UserError(`--names: ${bad.map((n) => JSON.stringify(n)).join(', ')} ${bad.length === 1 ? 'is not a valid' : 'are not valid'} connector profile name${bad.length === 1 ? '' : 's'} (letters, digits and _/!@#+=.- only, at most 256 characters)`);
  }
  return names;
}

export function canonicalConnectorType(value: string): string {
  const types = connectorTypes();
  const match = types.find((type) => type.toLowerCase() === value.trim().toLowerCase());
  if (!match) throw new UserError(`--connector-type: unknown connector type ${JSON.stringify(value)}; expected one of ${types.join(', ')}`);
  return match;
}
