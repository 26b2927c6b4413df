// `appflow-gitops validate`: offline check of the profiles directory. Exit 0 when every document
// is valid, 1 otherwise. Nothing here talks to AWS.
import type { Command } from 'commander';
import type { LoadResult } from '../../model/types.js';
import { loadConfig } from '../../config/load-config.js';
import { filesOf, placementDiagnostics, restrictToTargets, targetsOfFile } from '../../config/placement.js';
import { selectTargets, UnknownTargetError } from '../../config/select-targets.js';
import { compareDiagnostics } from '../../desired/diagnostics.js';
import { loadProfiles } from '../../desired/load-profiles.js';
import { renderValidationJson, renderValidationText } from '../../desired/validation-report.js';
import { ExitCode } from '../exit-codes.js';
import { allowPlaintextOption, configOption, jsonOption, profilesOption, targetOption } from '../common-options.js';
import { UserError } from '../user-error.js';

interface ValidateOptions {
  profiles: string;
  json?: boolean;
  allowPlaintextCredentials?: boolean;
  config?: string;
  target?: string[];
}

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check every profile file offline: schema, secret references, duplicate names (exit 0 valid, 1 invalid)')
    .addOption(profilesOption())
    .addOption(jsonOption())
    .addOption(allowPlaintextOption())
    .addOption(configOption())
    .addOption(targetOption())
    .action(async (options: ValidateOptions) => {
      process.exitCode = await runValidate(options);
    });
}

export async function runValidate(options: ValidateOptions): Promise<number> {
  const dir = options.profiles;
  const result = await loadWithConfig(options);
  const directoryProblem =
    result.directory === 'missing' ? `profiles directory '${dir}' does not exist`
    : result.directory === 'unreadable' ? `profiles directory '${dir}' cannot be read (is it a directory, and readable?)`
    : undefined;
  const valid = directoryProblem === undefined && !result.diagnostics.some((d) => d.severity === 'error');

  if (options.json) {
    // The JSON report carries the directory problem as an error diagnostic, so errorCount and the
    // diagnostics agree with the exit code (a consumer reading only the JSON sees why it failed).
    const reported: LoadResult = directoryProblem
      ? {
          ...result,
          diagnostics: [
            { file: '', line: 1, column: 1, path: '', message: directoryProblem, code: `directory.${result.directory}`, severity: 'error' },
            ...result.diagnostics,
          ],
        }
      : result;
    process.stdout.write(renderValidationJson(dir, reported, valid));
    return valid ? ExitCode.Ok : ExitCode.Error;
  }
  if (directoryProblem) throw new UserError(directoryProblem);
  if (options.allowPlaintextCredentials) {
    process.stderr.write('warning: --allow-plaintext-credentials is for local experiments; never commit plaintext credentials\n');
  }
  if (result.directory === 'empty') process.stderr.write(`warning: no profile documents found under '${dir}'\n`);
  process.stdout.write(renderValidationText(dir, result));
  return valid ? ExitCode.Ok : ExitCode.Error;
}

/**
 * Profiles and the config file in one report: the config file's own problems, files no target
 * takes, then (with --target) only the selected targets' files. Duplicate names clash only
 * within a target.
 */
async function loadWithConfig(options: ValidateOptions): Promise<LoadResult> {
  const dir = options.profiles;
  const loaded = await loadConfig({ profilesDir: dir, ...(options.config !== undefined ? { configFile: options.config } : {}) });
  const config = loaded.config;
  const result = await loadProfiles(dir, {
    allowPlaintextCredentials: options.allowPlaintextCredentials === true,
    excludeFiles: loaded.path ? [loaded.path] : [],
    ...(config ? { scopesOf: (file: string) => targetsOfFile(config.targets, file).map((t) => t.name) } : {}),
  });
  let scoped = result;
  let placement = config ? placementDiagnostics(config, filesOf(result)) : [];
  if (config && options.target !== undefined) {
    try {
      const selected = selectTargets(config, options.target);
      scoped = restrictToTargets(result, selected);
      placement = placementDiagnostics(config, filesOf(result), selected);
    } catch (err) {
      if (err instanceof UnknownTargetError) throw new UserError(err.message);
      throw err;
    }
  }
  const extra = [...loaded.diagnostics, ...placement];
  const merged: LoadResult = {
    ...scoped,
    diagnostics: [...extra, ...scoped.diagnostics].sort(compareDiagnostics),
    failedFiles: [...new Set([...scoped.failedFiles, ...extra.filter((d) => d.severity === 'error').map((d) => d.file)])].sort(),
  };
  return merged;
}
