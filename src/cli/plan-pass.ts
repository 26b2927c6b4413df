// The pass behind `appflow-gitops plan` (commands/plan.ts checks the flags, the config and the
// paths and starts loading the profile files first): the AWS clients, the state read, the plan
// of one target or of the declared targets, the output and the saved plan (--out).
import { createAwsAdapters } from '../aws/clients.js';
import { IMPLICIT_TARGET_NAME } from '../config/target-settings.js';
import { formatDiagnostic } from '../desired/diagnostics.js';
import type { ProfileLoad } from './worker-load.js';
import { createSilentLogger } from '../logging/silent-logger.js';
import { DEFAULT_CREDENTIALS_ON_UPDATE, type CredentialsOnUpdate, type LoadResult, type Plan, type PlanOptions } from '../model/types.js';
import { messageOf } from '../reconcile/pass-state.js';
import { preparePlan } from '../reconcile/prepare-plan.js';
import type { PlannedTarget } from '../reconcile/types.js';
import type { ProfilesSource } from '../revision/resolve-revision.js';
import type { StateLocation } from '../state/state-location.js';
import { withAwsFailureHint } from './aws-failure-hint.js';
import { planExitCode, printWarning, renderPlanOutput, useColor, type OutputFormat } from './command-output.js';
import { policyCheckFor, type ConfigFeatures } from './config-features.js';
import { declaresTargets, type CommandConfig } from './load-config-or-fail.js';
import { readOnlyFileStore, readPlanState } from './plan-read-state.js';
import { inThreadNote } from './profile-load-input.js';
import { savedPlanScope, writeSavedPlan, type SavedPlanScope } from './saved-plan-file.js';
import { openTargetsSharedState } from './shared-state-targets.js';
import { renderTargetsReport, runTargetsPass } from './targets-pass.js';
import { UserError } from './user-error.js';

export interface PlanFlags {
  names?: string[];
  credentialsOnUpdate?: CredentialsOnUpdate;
  profiles: string;
  state: string;
  prune?: boolean;
  allowEmpty?: boolean;
  maxDeletes: number;
  json?: boolean;
  format?: OutputFormat;
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

/** What commands/plan.ts checked and started before loading this module. */
export interface PlanInputs {
  flags: PlanFlags;
  format: OutputFormat;
  options: PlanOptions;
  location: StateLocation;
  command: CommandConfig;
  features: ConfigFeatures;
  source: ProfilesSource;
  /** The profile files, loading since the flags were checked. */
  profiles: ProfileLoad;
}

export async function planPass({ flags, format, options, location, command, features, source, profiles }: PlanInputs): Promise<number> {
  if (declaresTargets(command)) {
    return runPlanTargets(flags, { command, features, source }, format, options, location, profiles);
  }

  const load = await profiles.result(inThreadNote());
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
  format: OutputFormat,
  options: PlanOptions,
  location: StateLocation,
  profiles: ProfileLoad,
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
    profileLoad: () => profiles.result(inThreadNote()),
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
