// The pass behind `appflow-gitops apply` (commands/apply.ts checks the flags, the config and the
// paths and starts loading the profile files first): the state lock or lease, the AWS clients,
// one reconcile pass over one target or the declared targets, the output and the notifications.
import { createAwsAdapters } from '../aws/clients.js';
import type { AppFlowPort, AwsAdapters } from '../aws/ports.js';
import { IMPLICIT_TARGET_NAME } from '../config/target-settings.js';
import type { ProfileLoad } from './worker-load.js';
import type { Logger } from '../logging/logger.js';
import type { StateStore } from '../model/types.js';
import { reconcileOnce } from '../reconcile/reconcile-once.js';
import { WRITE_SDK_MAX_ATTEMPTS } from '../reconcile/retry-policy.js';
import { PLAN_STALE_CODE, type ReconcileReport } from '../reconcile/types.js';
import type { ProfilesSource } from '../revision/resolve-revision.js';
import { createFileStateStore } from '../state/file-state-store.js';
import type { StateLocation } from '../state/state-location.js';
import { applyLoggerAndNotifier, applyOptions, NOTIFY_GRACE_MS, type ApplyFlags, type VerifyPlans } from './apply-pass-setup.js';
import { awsFailureHint } from './aws-failure-hint.js';
import { printWarning, renderApplyOutput, useColor, type OutputFormat } from './command-output.js';
import { policyCheckFor, type ConfigFeatures } from './config-features.js';
import { ExitCode } from './exit-codes.js';
import type { CommandConfig } from './load-config-or-fail.js';
import { checkStateDirectory } from './preflight.js';
import { inThreadNote } from './profile-load-input.js';
import { leadSharedState } from './shared-state-lease.js';
import { openTargetsSharedState } from './shared-state-targets.js';
import { listenForStop } from './stop-signal.js';
import { lockStateDirectory } from './state-lock.js';
import { declaresTargets, renderTargetsReport, runTargetsPass } from './targets-pass.js';
import { UserError } from './user-error.js';
import { loadOptionsOf } from './worker-load-input.js';

/** What commands/apply.ts checked and started before loading this module. */
export interface ApplyInputs {
  flags: ApplyFlags;
  format: OutputFormat;
  location: StateLocation;
  command: CommandConfig;
  features: ConfigFeatures;
  source: ProfilesSource;
  /** The profile files, loading since the flags were checked. */
  profiles: ProfileLoad;
  verifyPlans: VerifyPlans | undefined;
}

export async function applyPass({ flags, format, location, command, features, source, profiles, verifyPlans }: ApplyInputs): Promise<number> {
  if (location.kind === 'dynamodb') {
    // Each declared target is led for the run in its own account's table (shared-state-targets.ts).
    if (declaresTargets(command)) {
      const { table } = location;
      return applyTargets(flags, format, command, features, source, profiles, (logger) => ({ openState: (runs) => openTargetsSharedState(runs, { table, lead: true, logger }) }), verifyPlans);
    }
    return applyWithBackend(flags, format, sharedBackend(location.table), features, source, profiles, verifyPlans);
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
        return await applyTargets(flags, format, command, features, source, profiles, () => ({ store }), verifyPlans);
      } finally {
        await store.release().catch(() => undefined);
      }
    }
    return await applyWithBackend(flags, format, fileBackend(flags.state), features, source, profiles, verifyPlans);
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

async function applyWithBackend(flags: ApplyFlags, format: OutputFormat, backend: ApplyBackend, features: ConfigFeatures, source: ProfilesSource, profiles: ProfileLoad, verifyPlans?: VerifyPlans): Promise<number> {
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
        // The options the worker's load uses too (one definition: worker-load-input.ts).
        loadOptions: loadOptionsOf(profiles.input),
        profileLoad: (passLogger) => profiles.result(inThreadNote(passLogger)),
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
async function applyTargets(
  flags: ApplyFlags,
  format: OutputFormat,
  command: CommandConfig,
  features: ConfigFeatures,
  source: ProfilesSource,
  profiles: ProfileLoad,
  backend: TargetsBackend,
  verifyPlans?: VerifyPlans,
): Promise<number> {
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
      profileLoad: (passLogger) => profiles.result(inThreadNote(passLogger)),
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
