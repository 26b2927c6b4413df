// `appflow-gitops plan`: what apply would do, read-only. Loads the profiles, reads AWS (one
// batched Describe, each secret once), plans, prints. It makes no mutating AWS call and never
// writes the state directory (see docs/plan.md for the fingerprint-key rule).
import type { Command } from 'commander';
import { createAwsAdapters } from '../../aws/clients.js';
import { IMPLICIT_TARGET_NAME } from '../../config/target-settings.js';
import { formatDiagnostic } from '../../desired/diagnostics.js';
import { loadProfiles } from '../../desired/load-profiles.js';
import { createSilentLogger } from '../../logging/silent-logger.js';
import { DEFAULT_CREDENTIALS_ON_UPDATE, type CredentialsOnUpdate, type LoadResult, type Plan, type PlanOptions } from '../../model/types.js';
import { messageOf } from '../../reconcile/pass-state.js';
import { preparePlan } from '../../reconcile/prepare-plan.js';
import type { PlannedTarget } from '../../reconcile/types.js';
import type { ProfilesSource } from '../../revision/resolve-revision.js';
import type { StateLocation } from '../../state/state-location.js';
import { withAwsFailureHint } from '../aws-failure-hint.js';
import { outputFormat, planExitCode, printWarning, renderPlanOutput, useColor, type OutputFormat } from '../command-output.js';
import { allowPlaintextOption, configOption, formatOption, jsonOption, maxDeletesOption, namesOption, noColorOption, profilesOption, revisionOption, stateOption, targetOption } from '../common-options.js';
import { excludeUnder, featuresOf, policyCheckFor, profilesSourceOrFail, type ConfigFeatures } from '../config-features.js';
import { credentialsOnUpdateOption, resolveCredentialsOnUpdate } from '../credentials-on-update.js';
import { loadCommandConfig, type CommandConfig } from '../load-config-or-fail.js';
import { readOnlyFileStore, readPlanState } from '../plan-read-state.js';
import { refuseOutInsideProfiles, savedPlanScope, writeSavedPlan, type SavedPlanScope } from '../saved-plan-file.js';
import { openTargetsSharedState } from '../shared-state-targets.js';
import { refusePlaintextOnSharedState, stateLocation } from '../state-backend.js';
import { declaresTargets, renderTargetsReport, runTargetsPass } from '../targets-pass.js';
import { UserError } from '../user-error.js';

// Kept here for the modules and tests that import them from the plan command.
export { fingerprintKey, readStateReadOnly } from '../plan-read-state.js';
export { useColor } from '../command-output.js';

export type PlanFormat = OutputFormat;

interface PlanFlags {
  names?: string[];
  credentialsOnUpdate?: CredentialsOnUpdate;
  profiles: string;
  state: string;
  prune?: boolean;
  allowEmpty?: boolean;
  maxDeletes: number;
  json?: boolean;
  format?: PlanFormat;
  detailedExitcode?: boolean;
  color: boolean;
  allowPlaintextCredentials?: boolean;
  skipCredentials?: boolean;
  config?: string;
  target?: string[];
  revision?: string;
  out?: string;
  allowReplace?: boolean;
}

export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .description('show what apply would change, without changing anything (exit 0 ok, 1 error; --detailed-exitcode: 2 changes pending)')
    .addOption(profilesOption())
    .addOption(stateOption())
    .option('--prune', 'plan deletes of profiles this tool created or adopted whose document is gone (guarded)')
    .option('--allow-empty', 'with --prune: allow deletes when the profiles directory is missing or empty, or a declared target\'s paths match no file')
    .addOption(maxDeletesOption())
    .addOption(credentialsOnUpdateOption())
    .addOption(namesOption())
    .addOption(jsonOption().conflicts('format'))
    .addOption(formatOption())
    .option('--detailed-exitcode', 'exit 0 when there are no changes, 2 when changes are pending, 1 on error')
    .addOption(noColorOption())
    .addOption(allowPlaintextOption())
    .addOption(configOption())
    .addOption(targetOption())
    .option(
      '--skip-credentials',
      'read no secret and leave credentials out of the plan (pull-request checks without secret access or state)',
    )
    .addOption(revisionOption())
    .option('--out <file>', 'also save the plan to FILE (mode 0600, no secret value) for apply FILE to apply exactly it')
    .option('--allow-replace', 'with --out: the saved plan may replace profiles (apply FILE then needs --allow-replace too)')
    .action(async (flags: PlanFlags) => {
      process.exitCode = await runPlan(flags);
    });
}

export async function runPlan(flags: PlanFlags): Promise<number> {
  const format: PlanFormat = outputFormat(flags);
  const options: PlanOptions = {
    prune: flags.prune === true,
    allowEmpty: flags.allowEmpty === true,
    maxDeletes: flags.maxDeletes,
    credentialsOnUpdate: await resolveCredentialsOnUpdate(flags.credentialsOnUpdate, flags.profiles),
    ...(flags.names ? { names: new Set(flags.names) } : {}),
  };
  const location = stateLocation(flags.state);
  refusePlaintextOnSharedState(location, flags.allowPlaintextCredentials);
  if (flags.out !== undefined) {
    if (flags.skipCredentials) throw new UserError('--out cannot be used with --skip-credentials: a plan made without credentials cannot be applied');
    // The plan file holds a digest of each profile file's bytes: of a plaintext secret, that could be brute-forced.
    if (flags.allowPlaintextCredentials) throw new UserError('--out cannot be used with --allow-plaintext-credentials: the plan file would hold a digest of plaintext secrets');
    refuseOutInsideProfiles(flags.out, flags.profiles);
  }
  const command = await loadCommandConfig(flags);
  const features = featuresOf(command);
  const source = await profilesSourceOrFail(flags.profiles, flags.revision);
  if (declaresTargets(command)) {
    return runPlanTargets(flags, { command, features, source }, format, options, location);
  }

  const load = await loadProfiles(source.root, {
    allowPlaintextCredentials: flags.allowPlaintextCredentials === true,
    excludeFiles: excludeUnder(flags.profiles, source.root, features.excludeFiles),
  });
  checkDirectory(flags.profiles, load, options);
  if (flags.allowPlaintextCredentials) {
    process.stderr.write('warning: --allow-plaintext-credentials is for local experiments; never commit plaintext credentials\n');
  }
  for (const diagnostic of load.diagnostics) {
    if (diagnostic.severity === 'warning') printWarning(formatDiagnostic(diagnostic));
  }

  const adapters = createAwsAdapters();
  let plan: Plan;
  try {
    const { state, hmacKey, warnings, fingerprintScheme } = await readPlanState(location, adapters.target);
    try {
      plan = await preparePlan(
        {
          target: adapters.target,
          appflow: adapters.appflow,
          secrets: adapters.secrets,
          state,
          hmacKey,
          fingerprintScheme,
          skipCredentials: flags.skipCredentials === true,
          policies: policyCheckFor(features, adapters.target),
        },
        load,
        options,
      );
      if (source.revision !== undefined) plan.revision = source.revision;
    } catch (err) {
      throw new UserError(withAwsFailureHint(`could not read the current state from AWS (${adapters.target.region}): ${messageOf(err)}`, err));
    }
    plan.warnings.unshift(...warnings);
    if (flags.out !== undefined) {
      const planned = [{ name: adapters.target.name ?? IMPLICIT_TARGET_NAME, target: adapters.target, plan, state }];
      await writeSavedPlan(flags.out, planFileScope(flags, command, options, source), planned);
    }
  } finally {
    adapters.destroy();
  }

  process.stdout.write(renderPlanOutput(plan, format, useColor(flags.color)));
  return planExitCode(plan.summary.error > 0 || load.failedFiles.length > 0, [plan], flags.detailedExitcode);
}

/**
 * plan over the targets of appflow-gitops.yaml: read-only (no AWS write, no state write). On the
 * shared state each target's partition is read with the target's own credentials, without a lease.
 */
async function runPlanTargets(
  flags: PlanFlags,
  { command, features, source }: { command: CommandConfig; features: ConfigFeatures; source: ProfilesSource },
  format: PlanFormat,
  options: PlanOptions,
  location: StateLocation,
): Promise<number> {
  const state: Pick<Parameters<typeof runTargetsPass>[0], 'store' | 'openState'> =
    location.kind === 'file'
      ? { store: await readOnlyFileStore(location.dir) }
      : { openState: (runs) => openTargetsSharedState(runs, { table: location.table, lead: false, logger: createSilentLogger() }) };
  // plan --out: the read-only pass hands over every target's plan and state once all have planned.
  let planned: PlannedTarget[] | undefined;
  const report = await runTargetsPass({
    profilesDir: flags.profiles,
    source,
    cmd: command,
    features,
    ...state,
    logger: createSilentLogger(),
    settings: {},
    allowPlaintextCredentials: flags.allowPlaintextCredentials === true,
    options: {
      ...options,
      allowReplace: true,
      readOnly: true,
      skipCredentials: flags.skipCredentials === true,
      ...(flags.out !== undefined ? { verifyPlans: async (all: PlannedTarget[]) => void (planned = all) } : {}),
    },
  });
  report.warnings.forEach(printWarning);
  process.stdout.write(renderTargetsReport(report, format, { color: useColor(flags.color), apply: false }));
  // After the report: a target that could not plan is shown, then named as why no file was written.
  if (flags.out !== undefined) await writeSavedPlan(flags.out, planFileScope(flags, command, options, source), planned ?? []);
  // As with one target: a write a deny policy rejects, in any target, fails the plan.
  return planExitCode(!report.ok, report.targets.map((t) => t.report.plan), flags.detailedExitcode);
}

/** What plan --out records of this run: its flags and where its profiles and config were read. */
function planFileScope(flags: PlanFlags, command: CommandConfig, options: PlanOptions, source: ProfilesSource): SavedPlanScope {
  return savedPlanScope(flags, command, options.credentialsOnUpdate ?? DEFAULT_CREDENTIALS_ON_UPDATE, source.root);
}

/**
 * A missing or unreadable profiles directory is almost always a wrong path: fail before reading
 * AWS. With --allow-empty it is taken as "no profiles" (the prune guard then allows deletes).
 */
function checkDirectory(dir: string, load: LoadResult, options: PlanOptions): void {
  if (load.directory === 'missing' && !options.allowEmpty) {
    throw new UserError(`profiles directory '${dir}' does not exist (pass --profiles DIR, or --allow-empty to plan with no profiles)`);
  }
  if (load.directory === 'unreadable' && !options.allowEmpty) {
    throw new UserError(`profiles directory '${dir}' cannot be read (is it a directory, and readable?)`);
  }
  if (load.directory === 'empty') process.stderr.write(`warning: no profile documents found under '${dir}'\n`);
}
