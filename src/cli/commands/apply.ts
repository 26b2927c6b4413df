// `appflow-gitops apply`: one reconcile pass that writes. It prints the plan it acted on, with the
// result of each write, in the plan's formats; exit 0 when everything converged, 1 when any
// profile failed (the others are still applied).
//
// This module checks the flags, the config and the paths, starts loading the profile files on a
// worker thread (src/cli/worker-load.ts), and only then imports the pass itself
// (../apply-pass.ts: the AWS SDK, the planner, the executor), so that import runs on the main
// thread while the files load on the second core.
import type { Command } from 'commander';
import { startProfileLoad } from '../worker-load.js';
import { applyHeapSettings } from '../heap-settings.js';
import { allowPlaintextOption, configOption, formatOption, jsonOption, logFormatOption, maxDeletesOption, namesOption, noColorOption, notifyRepeatOption, profilesOption, revisionOption, stateOption, targetOption } from '../common-options.js';
import { outputFormat, type OutputFormat } from '../command-output.js';
import { featuresOf, profilesSourceOrFail } from '../config-features.js';
import { credentialsOnUpdateOption, resolveCredentialsOnUpdate } from '../credentials-on-update.js';
import { loadCommandConfig } from '../load-config-or-fail.js';
import type { ApplyFlags } from '../apply-pass-setup.js';
import { checkProfilesDirectory } from '../preflight.js';
import { profileLoadInput } from '../profile-load-input.js';
import { checkSavedPlan, savedPlanScope } from '../saved-plan-file.js';
import { refusePlaintextOnSharedState, stateLocation } from '../state-backend.js';

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
  // The profile files load on a worker thread from here on, while this thread goes on.
  const profiles = startProfileLoad(profileLoadInput(flags, command, features, source));
  // apply FILE: a wrong file or other flags fail here, before any lock, lease or AWS call.
  const verifyPlans =
    planFile === undefined
      ? undefined
      : await checkSavedPlan(planFile, savedPlanScope(flags, command, await resolveCredentialsOnUpdate(flags.credentialsOnUpdate, flags.profiles), source.root));
  const { applyPass } = await import('../apply-pass.js');
  // Only now, with the pass's modules loaded (src/cli/main.ts says why).
  applyHeapSettings({ oneShot: true });
  return applyPass({ flags, format, location, command, features, source, profiles, verifyPlans });
}
