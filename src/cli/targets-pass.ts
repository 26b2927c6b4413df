// plan and apply when appflow-gitops.yaml declares targets: one set of clients per target, one
// pass over all of them (src/reconcile/reconcile-targets.ts), output with a header per target.
// Like the single-target path, the pass reads the profiles through the directory as resolved once
// (so content and revision agree), checks each target's writes against the policies that apply to
// it, and tells the notifier (apply) of each target's pass under the target's name.
// Without declared targets the commands keep their single-target code path unchanged.
import { resolveIdentity } from '../aws/target.js';
import { createTargetAdapters, type TargetAdapters } from '../aws/target-adapters.js';
import type { AwsSettings } from '../aws/ports.js';
import type { TargetSettings } from '../config/target-settings.js';
import { targetTakesFile } from '../config/target-settings.js';
import { filesOf, placementDiagnostics } from '../config/placement.js';
import { formatDiagnostic } from '../desired/diagnostics.js';
import { withDirectory } from '../desired/validation-report.js';
import type { Logger } from '../logging/logger.js';
import type { LoadResult, StateStore } from '../model/types.js';
import type { Notifier } from '../notify/notifier.js';
import { messageOf } from '../reconcile/pass-state.js';
import { reconcileTargets, type TargetRun, type TargetsReport } from '../reconcile/reconcile-targets.js';
import type { ReconcileOptions } from '../reconcile/types.js';
import { renderTargetsMarkdown, renderTargetsText, targetsToJson } from '../render/plan-targets.js';
import type { ProfilesSource } from '../revision/resolve-revision.js';
import { policyCheckFor, type ConfigFeatures } from './config-features.js';
import { profileLoadInput } from './profile-load-input.js';
import { loadOptionsOf } from './worker-load-input.js';
import { declaresTargets, type CommandConfig } from './load-config-or-fail.js';
import { UserError } from './user-error.js';

export { declaresTargets };

/**
 * The one target `import` writes for: none without declared targets (today's behaviour), else
 * exactly one, named with --target (or the only one configured).
 */
export function importTarget(cmd: CommandConfig): TargetSettings | undefined {
  if (!declaresTargets(cmd)) return undefined;
  if (cmd.selected.length !== 1) {
    throw new UserError(`import writes for one target: pass --target NAME (targets: ${cmd.selected.map((t) => t.name).join(', ')})`);
  }
  return cmd.selected[0];
}

/** A target's adapters with the account confirmed (STS), or one UserError saying why not. */
export async function identifiedAdapters(target: TargetSettings): Promise<TargetAdapters> {
  const adapters = createTargetAdapters(target, {});
  try {
    const identified = await adapters.identify();
    return { ...adapters, target: identified };
  } catch (err) {
    adapters.destroy();
    throw new UserError(messageOf(err));
  }
}

/**
 * Keys a target's inventory may sit under from before targets: `REGION/IDENTITY` as v1 computed
 * it (role, else profile, else AWS_ROLE_ARN/AWS_PROFILE/default). Only against AWS: an emulator's
 * old entry cannot be told from AWS's, so it is never carried over (docs/targets.md).
 */
export function legacyKeys(target: TargetSettings, env: NodeJS.ProcessEnv = process.env): string[] {
  const identity = target.roleArn ?? target.profile ?? resolveIdentity({}, env);
  return [`${target.region}/${identity}`];
}

export interface TargetsPass {
  runs: TargetRun[];
  destroy(): void;
}

export function buildTargetRuns(cmd: CommandConfig, settings: AwsSettings): TargetsPass {
  const built: TargetAdapters[] = [];
  try {
    const runs = cmd.selected.map((target): TargetRun => {
      const adapters = createTargetAdapters(target, settings);
      built.push(adapters);
      return {
        name: target.name,
        adapters,
        takes: (file) => targetTakesFile(target, file),
        ...(target.implicit ? {} : { paths: target.paths }),
        ...(adapters.target.endpoint === undefined ? { legacyKeys: legacyKeys(target) } : {}),
      };
    });
    return { runs, destroy: () => built.forEach((a) => a.destroy()) };
  } catch (err) {
    built.forEach((a) => a.destroy());
    throw new UserError(messageOf(err));
  }
}

export async function runTargetsPass(args: {
  /** The profiles directory as given (messages name files under it). */
  profilesDir: string;
  /** The same directory resolved once, with its revision (config-features.ts profilesSourceOrFail). */
  source: ProfilesSource;
  cmd: CommandConfig;
  features: ConfigFeatures;
  /** Told of each target's pass (apply); absent for plan. */
  notifier?: Notifier;
  /** The state of every target; or `openState`, which opens it per target once the runs exist. */
  store?: StateStore;
  openState?: (runs: readonly TargetRun[]) => Promise<TargetsState>;
  logger: Logger;
  settings: AwsSettings;
  allowPlaintextCredentials: boolean;
  /** The profiles, already being loaded with the options this pass would use (src/cli/worker-load.ts). */
  profileLoad?: (passLogger: Logger) => Promise<LoadResult>;
  options: ReconcileOptions & { readOnly?: boolean; skipCredentials?: boolean };
}): Promise<TargetsReport> {
  const pass = await openTargetRuns(args);
  const { source, notifier } = args;
  const revision = source.revision ?? null;
  try {
    const config = args.cmd.config;
    for (const run of pass.runs) notifier?.passStarted({ target: run.name, revision });
    const report = await reconcileTargets(
      {
        profilesDir: source.root,
        // The options the worker's load uses too (one definition: profile-load-input.ts).
        loadOptions: loadOptionsOf(profileLoadInput({ profiles: args.profilesDir, allowPlaintextCredentials: args.allowPlaintextCredentials }, args.cmd, args.features, source)),
        ...(args.profileLoad ? { profileLoad: args.profileLoad } : {}),
        store: pass.store,
        logger: args.logger,
        targets: pass.runs,
        ...(source.revision !== undefined ? { revision: source.revision } : {}),
        policiesFor: (target, name) => policyCheckFor(args.features, target, name),
        ...(notifier ? { onTargetFinished: (result) => notifier.passFinished(result.report, { target: result.name, revision }) } : {}),
      },
      args.options,
    );
    // A file no target takes is never reconciled: an error (validate names it too), while
    // every target still converges.
    const unplaced = report.load ? placementDiagnostics(config, filesOf(report.load), args.cmd.selected) : [];
    for (const d of unplaced) process.stderr.write(`${d.severity === 'error' ? 'error' : 'warning'}: ${formatDiagnostic(withDirectory(args.profilesDir, d))}\n`);
    return unplaced.some((d) => d.severity === 'error') ? { ...report, ok: false } : report;
  } finally {
    await pass.destroy();
  }
}

/** A state opened per target once its runs exist (the shared DynamoDB state: src/cli/shared-state-targets.ts). */
export interface TargetsState {
  /** The runs to reconcile (a target may fail here, alone). */
  runs: TargetRun[];
  store: StateStore;
  close(): Promise<void>;
}

/** The runs of the selected targets and the state they reconcile against. */
async function openTargetRuns(args: { cmd: CommandConfig; settings: AwsSettings; store?: StateStore; openState?: (runs: readonly TargetRun[]) => Promise<TargetsState> }) {
  const pass = buildTargetRuns(args.cmd, args.settings);
  let state: TargetsState;
  try {
    state = args.openState ? await args.openState(pass.runs) : { runs: pass.runs, store: args.store!, close: async () => undefined };
  } catch (err) {
    pass.destroy();
    throw err;
  }
  return {
    runs: state.runs,
    store: state.store,
    async destroy() {
      await state.close().catch(() => undefined);
      pass.destroy();
    },
  };
}

export function renderTargetsReport(report: TargetsReport, format: 'text' | 'json' | 'markdown', options: { color: boolean; apply: boolean }): string {
  if (format === 'json') return `${JSON.stringify(targetsToJson(report.targets, options.apply), null, 2)}\n`;
  if (format === 'markdown') return renderTargetsMarkdown(report.targets, options.apply);
  return renderTargetsText(report.targets, options);
}
