// What plan and apply hand the profile load on a worker thread (src/cli/worker-load.ts): the
// same directory and options their pass loads with, as plain data.
import { MAX_WORKER_LOAD_FILES, type WorkerLoadInput } from './worker-load-input.js';
import type { Logger } from '../logging/logger.js';
import type { ProfilesSource } from '../revision/resolve-revision.js';
import { excludeUnder, type ConfigFeatures } from './config-features.js';
import { declaresTargets, type CommandConfig } from './load-config-or-fail.js';

export function profileLoadInput(flags: { profiles: string; allowPlaintextCredentials?: boolean }, command: CommandConfig, features: ConfigFeatures, source: ProfilesSource): WorkerLoadInput {
  return {
    dir: source.root,
    allowPlaintextCredentials: flags.allowPlaintextCredentials === true,
    excludeFiles: excludeUnder(flags.profiles, source.root, features.excludeFiles),
    // Every target of the config, as the targets pass's scopesOf uses (not only --target's).
    ...(declaresTargets(command) ? { targets: command.config.targets } : {}),
    maxFiles: MAX_WORKER_LOAD_FILES,
  };
}

/**
 * The one debug line of a load that fell back to the main thread (nothing else changes): on
 * stderr with APPFLOW_GITOPS_DEBUG=1, else to the command's logger at debug level (apply with
 * LOG_LEVEL=debug).
 */
export function inThreadNote(logger?: Logger, env: NodeJS.ProcessEnv = process.env): (reason: string) => void {
  return (reason) => {
    const message = `profile files loaded on the main thread: the load worker ${reason}`;
    if (env.APPFLOW_GITOPS_DEBUG === '1') process.stderr.write(`debug: ${message}\n`);
    else logger?.debug({ event: 'load.in-thread', reason }, message);
  };
}
