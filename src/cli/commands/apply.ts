// `appflow-gitops apply`: one reconcile pass that writes. It prints the plan it acted on, with the
// result of each write, in the plan's formats; exit 0 when everything converged, 1 when any
// profile failed (the others are still applied).
import type { Command } from 'commander';
import { createAwsAdapters } from '../../aws/clients.js';
import type { AppFlowPort, AwsAdapters } from '../../aws/ports.js';
import { IMPLICIT_TARGET_NAME } from '../../config/target-settings.js';
import type { Logger } from '../../logging/logger.js';
import type { StateStore } from '../../model/types.js';
import { reconcileOnce } from '../../reconcile/reconcile-once.js';
import { WRITE_SDK_MAX_ATTEMPTS } from '../../reconcile/retry-policy.js';
import { PLAN_STALE_CODE, type ReconcileReport } from '../../reconcile/types.js';
import type { ProfilesSource } from '../../revision/resolve-revision.js';
import { createFileStateStore } from '../../state/file-state-store.js';
import { applyLoggerAndNotifier, applyOptions, NOTIFY_GRACE_MS, type ApplyFlags, type VerifyPlans } from '../apply-pass-setup.js';
import { awsFailureHint } from '../aws-failure-hint.js';
import { outputFormat, printWarning, renderApplyOutput, useColor, type OutputFormat } from '../command-output.js';
import { allowPlaintextOption, configOption, formatOption, jsonOption, logFormatOption, maxDeletesOption, namesOption, noColorOption, notifyRepeatOption, profilesOption, revisionOption, stateOption, targetOption } from '../common-options.js';
import { loadCommandConfig, type CommandConfig } from '../load-config-or-fail.js';
import { declaresTargets, renderTargetsReport, runTargetsPass } from '../targets-pass.js';
import { excludeUnder, featuresOf, policyCheckFor, profilesSourceOrFail, type ConfigFeatures } from '../config-features.js';
import { ExitCode } from '../exit-codes.js';
import { credentialsOnUpdateOption, resolveCredentialsOnUpdate } from '../credentials-on-update.js';
import { checkProfilesDirectory, checkStateDirectory } from '../preflight.js';
import { leadSharedState } from '../shared-state-lease.js';
import { openTargetsSharedState } from '../shared-state-targets.js';
import { refusePlaintextOnSharedState, stateLocation } from '../state-backend.js';
import { listenForStop } from '../stop-signal.js';
import { lockStateDirectory } from '../state-lock.js';
import { UserError } from '../user-error.js';
import { checkSavedPlan, savedPlanScope } from '../saved-plan-file.js';

export function registerApplyCommand(program: Command): void {
  program
    .command('apply')
    .description('make AWS match the profile files: one reconcile pass (create, update, replace, prune); with PLAN_FILE, exactly that saved plan')
    .argument('[plan-file]', 'a plan saved with plan --out: apply exactly it, with no prompt (refused, with nothing written, when anything it was planned against changed)')
    .addOption(profilesOption())
    .addOption(stateOption())
    .option('--prune', 'delete profiles this tool created or adopted whose document is gone (guarded)')
    .option('--allow-replace', 'allow delete-then-create when connectorType, connectorLabel or kmsArn changes')
    .addOption(maxDeletesOption())
    .addOption(credentialsOnUpdateOption())
    .addOption(namesOption())
    .option('--strict', 'write nothing when any file is invalid or any profile cannot be planned (default: apply what can be planned, report the rest)')
    .option('--auto-approve', 'do not ask for confirmation on a terminal (non-interactive runs never ask)')
    .option('--allow-empty', 'with --prune: allow deletes when the profiles directory is missing or empty, or a declared target\'s paths match no file')
    .addOption(jsonOption().conflicts('format'))
    .addOption(formatOption())
    .addOption(noColorOption())
    .addOption(allowPlaintextOption())
    .addOption(logFormatOption())
    .addOption(configOption())
    .addOption(targetOption())
    .addOption(revisionOption())
    .addOption(notifyRepeatOption())
    .action(async (planFile: string | undefined, flags: ApplyFlags) => {
      process.exitCode = await runApply(flags, planFile);
    });
}

async function runApply(flags: ApplyFlags, planFile: string | undefined): Promise<number> {
  const format: OutputFormat = outputFormat(flags);
  // Wrong paths fail here, in one line, before any AWS call or state write.
  await checkProfilesDirectory(flags.profiles, { allowEmpty: flags.allowEmpty === true, command: 'apply' });
  const location = stateLocation(flags.state);
  refusePlaintextOnSharedState(location, flags.allowPlaintextCredentials);
  const command = await loadCommandConfig(flags);
  // Config problems (a bad policy, a bad --revision) also fail here, before any lock or lease.
  const features = featuresOf(command);
  const source = await profilesSourceOrFail(flags.profiles, flags.revision);
  // apply FILE: a wrong file or other flags fail here, before any lock, lease or AWS call.
  const verifyPlans =
    planFile === undefined
      ? undefined
      : await checkSavedPlan(planFile, savedPlanScope(flags, command, await resolveCredentialsOnUpdate(flags.credentialsOnUpdate, flags.profiles), source.root));
  if (location.kind === 'dynamodb') {
    // Each declared target is led for the run in its own account's table (shared-state-targets.ts).
    if (declaresTargets(command)) {
      const { table } = location;
      return applyTargets(flags, format, command, features, source, (logger) => ({ openState: (runs) => openTargetsSharedState(runs, { table, lead: true, logger }) }), verifyPlans);
    }
    return applyWithBackend(flags, format, sharedBackend(location.table), features, source, verifyPlans);
  }
  await checkStateDirectory(flags.state);
  // The lock is taken before planning, not at the first save: with a daemon (or another apply)
  // writing this state, planning and then failing every write wastes AWS calls and prints a plan
  // that was never acted on. Fail fast, in one line naming the holder, before any AWS call.
  const lock = await lockStateDirectory(flags.state);
  try {
    if (declaresTargets(command)) {
      const store = createFileStateStore(flags.state, { lock: true });
      try {
        return await applyTargets(flags, format, command, features, source, () => ({ store }), verifyPlans);
      } finally {
        await store.release().catch(() => undefined);
      }
    }
    return await applyWithBackend(flags, format, fileBackend(flags.state), features, source, verifyPlans);
  } finally {
    await lock.release().catch(() => undefined);
  }
}

/** The state store (and the AppFlow port the writes go through) for one apply. */
interface ApplyBackend {
  open(adapters: AwsAdapters, logger: Logger): Promise<{ store: StateStore; appflow: AppFlowPort; close(): Promise<void> }>;
}

function fileBackend(dir: string): ApplyBackend {
  return {
    async open(adapters) {
      const store = createFileStateStore(dir, { lock: true });
      return { store, appflow: adapters.appflow, close: () => store.release() };
    },
  };
}

/** Shared state: apply leads the target for its duration, or refuses when a daemon does. */
function sharedBackend(table: string): ApplyBackend {
  return { open: (adapters, logger) => leadSharedState(table, adapters, logger) };
}

async function applyWithBackend(flags: ApplyFlags, format: OutputFormat, backend: ApplyBackend, features: ConfigFeatures, source: ProfilesSource, verifyPlans?: VerifyPlans): Promise<number> {
  // An unset notification secret fails here, before any AWS call.
  const { logger, notifier } = await applyLoggerAndNotifier(flags, features);
  // Writes get one SDK attempt each: the executor's p-retry is the only write retry layer, which
  // keeps every attempt on the same clientToken and the budget as documented (retry-policy.ts).
  const adapters = createAwsAdapters({ writeMaxAttempts: WRITE_SDK_MAX_ATTEMPTS });
  let opened: Awaited<ReturnType<ApplyBackend['open']>>;
  try {
    opened = await backend.open(adapters, logger);
  } catch (err) {
    adapters.destroy();
    throw err;
  }
  const { store, appflow } = opened;
  const pass = { target: IMPLICIT_TARGET_NAME, revision: source.revision ?? null };
  notifier.passStarted(pass);

  const stop = listenForStop();

  let report: ReconcileReport;
  try {
    report = await reconcileOnce(
      {
        profilesDir: source.root,
        loadOptions: { allowPlaintextCredentials: flags.allowPlaintextCredentials === true, excludeFiles: excludeUnder(flags.profiles, source.root, features.excludeFiles) },
        store,
        appflow,
        secrets: adapters.secrets,
        target: adapters.target,
        logger,
        ...(source.revision !== undefined ? { revision: source.revision } : {}),
        policies: policyCheckFor(features, adapters.target),
      },
      await applyOptions(flags, format, stop.signal, verifyPlans),
    );
  } finally {
    stop.dispose();
    adapters.destroy();
    await opened.close().catch(() => undefined);
  }
  // Told in the background while the report is printed; a receiver that is down costs at most
  // the grace period at exit, never the pass.
  notifier.passFinished(report, pass);
  const delivered = notifier.close(NOTIFY_GRACE_MS);

  // State warnings (not the plan's own, which the renderers print) go to stderr; one that only
  // repeats the error printed below (a locked state directory) is left out.
  if (report.error?.code === PLAN_STALE_CODE) {
    await delivered;
    throw new UserError(report.error.message);
  }
  const errorText = report.error?.message;
  report.warnings.filter((w) => !report.plan.warnings.includes(w) && !(errorText && w.includes(errorText))).forEach(printWarning);
  // A pass that failed before planning has nothing to show; one that failed at the final state
  // save still shows what it did before saying so.
  if (report.error && report.plan.changes.length === 0) {
    await delivered;
    const hint = awsFailureHint(report.error.code);
    throw new UserError(hint ? `${report.error.message}; ${hint}` : report.error.message);
  }
  process.stdout.write(renderApplyOutput(report, format, useColor(flags.color)));
  if (report.error) process.stderr.write(`error: ${report.error.message}\n`);
  await delivered;
  return report.ok ? ExitCode.Ok : ExitCode.Error;
}

/** Where the targets' state is: the locked state directory's store, or the shared state opened per target. */
type TargetsBackend = (logger: Logger) => Pick<Parameters<typeof runTargetsPass>[0], 'store' | 'openState'>;

/**
 * apply over the targets of appflow-gitops.yaml: each target converges on its own (a write a deny
 * policy rejects is not made, the rest proceed); the notifier is told of each target's pass; exit
 * 1 when any target failed.
 */
async function applyTargets(flags: ApplyFlags, format: OutputFormat, command: CommandConfig, features: ConfigFeatures, source: ProfilesSource, backend: TargetsBackend, verifyPlans?: VerifyPlans): Promise<number> {
  // An unset notification secret fails here, before any AWS call.
  const { logger, notifier } = await applyLoggerAndNotifier(flags, features);
  const stop = listenForStop();
  let delivered: Promise<void> | undefined;
  try {
    const report = await runTargetsPass({
      profilesDir: flags.profiles,
      source,
      cmd: command,
      features,
      notifier,
      ...backend(logger),
      logger,
      settings: { writeMaxAttempts: WRITE_SDK_MAX_ATTEMPTS },
      allowPlaintextCredentials: flags.allowPlaintextCredentials === true,
      options: await applyOptions(flags, format, stop.signal, verifyPlans),
    });
    // Told in the background while the report is printed (see applyWithBackend).
    delivered = notifier.close(NOTIFY_GRACE_MS);
    report.warnings.forEach(printWarning);
    const stale = report.targets.find((t) => t.report.error?.code === PLAN_STALE_CODE)?.report.error;
    if (stale) throw new UserError(stale.message);
    if (report.error && report.targets.every((t) => t.report.plan.changes.length === 0)) throw new UserError(report.error.message);
    process.stdout.write(renderTargetsReport(report, format, { color: useColor(flags.color), apply: true }));
    if (report.error) process.stderr.write(`error: ${report.error.message}\n`);
    return report.ok ? ExitCode.Ok : ExitCode.Error;
  } finally {
    stop.dispose();
    await (delivered ?? notifier.close(NOTIFY_GRACE_MS));
  }
}
