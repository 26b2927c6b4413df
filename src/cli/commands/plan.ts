// `appflow-gitops plan`: what apply would do, read-only. Loads the profiles, reads AWS (one
// batched Describe, each secret once), plans, prints. It makes no mutating AWS call and never
// writes the state directory (see docs/plan.md for the fingerprint-key rule).
//
// This module checks the flags, the config and the paths, starts loading the profile files on a
// worker thread (src/cli/worker-load.ts), and only then imports the pass itself
// (../plan-pass.ts: the AWS SDK and the planner), so that import runs on the main thread while
// the files load on the second core.
import type { Command } from 'commander';
import { startProfileLoad } from '../worker-load.js';
import { applyHeapSettings } from '../heap-settings.js';
import type { PlanOptions } from '../../model/types.js';
import { outputFormat, type OutputFormat } from '../command-output.js';
import { allowPlaintextOption, configOption, formatOption, jsonOption, maxDeletesOption, namesOption, noColorOption, profilesOption, revisionOption, stateOption, targetOption } from '../common-options.js';
import { featuresOf, profilesSourceOrFail } from '../config-features.js';
import { credentialsOnUpdateOption, resolveCredentialsOnUpdate } from '../credentials-on-update.js';
import { loadCommandConfig } from '../load-config-or-fail.js';
import type { PlanFlags } from '../plan-pass.js';
import { profileLoadInput } from '../profile-load-input.js';
import { refuseOutInsideProfiles } from '../saved-plan-file.js';
import { refusePlaintextOnSharedState, stateLocation } from '../state-backend.js';
import { UserError } from '../user-error.js';

// Kept here for the modules and tests that import them from the plan command.
export { fingerprintKey, readStateReadOnly } from '../plan-read-state.js';
export { useColor } from '../command-output.js';

export type PlanFormat = OutputFormat;

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
  // The profile files load on a worker thread from here on, while this thread imports the pass.
  const profiles = startProfileLoad(profileLoadInput(flags, command, features, source));
  const { planPass } = await import('../plan-pass.js');
  // Only now, with the pass's modules loaded (src/cli/main.ts says why).
  applyHeapSettings({ oneShot: true });
  return planPass({ flags, format, options, location, command, features, source, profiles });
}
