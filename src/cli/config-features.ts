// What plan, apply and the daemon take from appflow-gitops.yaml besides targets: the compiled
// policies and the notification sinks; and the revision of the profiles (src/revision/). One
// place, so the three commands read them the same way and fail with the same one-line errors.
import type { AwsTarget } from '../aws/ports.js';
import { configSection } from '../config/app-config.js';
import { IMPLICIT_TARGET_NAME } from '../config/target-settings.js';
import type { Logger } from '../logging/logger.js';
import { Notifier } from '../notify/notifier.js';
import { notificationsSection } from '../notify/notifications-section.js';
import { buildSinks, type NotificationSpec } from '../notify/notify-settings.js';
import type { NotificationSink } from '../notify/types.js';
import { policyTargetOf } from '../policy/policy-target.js';
import type { DeliveryResult } from '../notify/dispatcher.js';
import type { CompiledPolicy } from '../policy/compile-policies.js';
import type { PolicyCheck } from '../policy/evaluate-policies.js';
import { POLICIES_SECTION_KEY } from '../policy/types.js';
import { pathsUnderRoot, resolveProfilesSource, RevisionOverrideError, type ProfilesSource } from '../revision/resolve-revision.js';
import { loadCommandConfig, type CommandConfig } from './load-config-or-fail.js';
import { UserError } from './user-error.js';

export interface ConfigFeatures {
  policies: readonly CompiledPolicy[];
  notifications: readonly NotificationSpec[];
  /** Absolute paths the profile loader must skip (a --config file inside the profiles directory). */
  excludeFiles: string[];
}

export async function loadConfigFeatures(profiles: string, configFile?: string): Promise<ConfigFeatures> {
  return featuresOf(await loadCommandConfig({ profiles, ...(configFile !== undefined ? { config: configFile } : {}) }));
}

/** The policies and notifications of a loaded config. */
export function featuresOf({ config, excludeFiles }: CommandConfig): ConfigFeatures {
  return {
    // By key, not through policiesSection: importing that would load cel-js (about 45 ms) on
    // every run; the section's value is only ever built by the config loader.
    policies: (config.sections.get(POLICIES_SECTION_KEY) as readonly CompiledPolicy[] | undefined) ?? [],
    notifications: configSection(config, notificationsSection) ?? [],
    excludeFiles,
  };
}

/**
 * The profiles directory resolved once (read the pass's files through `root`) and its revision.
 * A bad --revision / APPFLOW_GITOPS_REVISION is a UserError.
 */
export async function profilesSourceOrFail(profiles: string, revisionFlag: string | undefined): Promise<ProfilesSource> {
  try {
    return await resolveProfilesSource(profiles, { flag: revisionFlag });
  } catch (err) {
    if (err instanceof RevisionOverrideError) throw new UserError(err.message);
    throw err;
  }
}

/** `excludeFiles` moved under the resolved root, so a --config file inside a linked directory is still skipped. */
export function excludeUnder(profiles: string, root: string, excludeFiles: readonly string[]): string[] {
  return pathsUnderRoot(excludeFiles, profiles, root);
}

/** The policies a target's writes are checked against, and what they see of it (by name; the implicit target is `default`). */
export function policyCheckFor(features: ConfigFeatures, target: AwsTarget, name = IMPLICIT_TARGET_NAME): PolicyCheck | undefined {
  if (features.policies.length === 0) return undefined;
  return { policies: features.policies, target: policyTargetOf(target, name) };
}

export interface NotifierSetup {
  repeatMs: number;
  logger?: Logger;
  /** Where a warning about a risky setting is printed (stderr for CLI commands; the daemon logs). */
  warn: (message: string) => void;
  observe?: (sink: string, result: DeliveryResult) => void;
}

/** The configured sinks, their secrets read from the environment; an unset variable or a bad URL is a UserError. */
export function configuredSinks(features: ConfigFeatures, warn: (message: string) => void, env: NodeJS.ProcessEnv = process.env): NotificationSink[] {
  const built = buildSinks(features.notifications, env);
  if (built.problems.length > 0) throw new UserError(`notifications cannot be sent:\n${built.problems.join('\n')}`);
  for (const warning of built.warnings) warn(warning);
  return built.sinks;
}

/** The notifier for the configured sinks (see configuredSinks). */
export function createConfiguredNotifier(features: ConfigFeatures, setup: NotifierSetup, env: NodeJS.ProcessEnv = process.env): Notifier {
  return new Notifier({
    sinks: configuredSinks(features, setup.warn, env),
    repeatMs: setup.repeatMs,
    ...(setup.logger ? { logger: setup.logger } : {}),
    ...(setup.observe ? { dispatch: { observe: setup.observe } } : {}),
  });
}
