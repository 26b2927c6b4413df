// The config file for a command: loaded, checked and narrowed to --target, or one UserError
// whose message lists every located problem (FILE:LINE:COL: path: message), the way a profile
// error reads.
import { defaultConfig, type AppConfig } from '../config/app-config.js';
import { configFilePath } from '../config/config-file-path.js';
import type { ConfigLoad } from '../config/load-config.js';
import { selectTargets, UnknownTargetError } from '../config/select-targets.js';
import type { TargetSettings } from '../config/target-settings.js';
import { formatDiagnostic, hasErrors } from '../desired/diagnostics.js';
import { withDirectory } from '../desired/validation-report.js';
import { UserError } from './user-error.js';

export interface CommandConfig {
  config: AppConfig;
  /** The targets this run works on (--target), in config order. */
  selected: readonly TargetSettings[];
  /** Absolute path of the config file read, for the profile loader to skip. */
  excludeFiles: string[];
}

/** Does the config declare targets (else the one implicit target: the single-target code path)? */
export function declaresTargets(cmd: CommandConfig): boolean {
  return cmd.config.targets.some((t) => !t.implicit);
}

export async function loadCommandConfig(opts: { profiles: string; config?: string; target?: string[] }): Promise<CommandConfig> {
  const loaded = await loadConfigLazily({ profilesDir: opts.profiles, ...(opts.config !== undefined ? { configFile: opts.config } : {}) });
  if (!loaded.config || hasErrors(loaded.diagnostics)) {
    const lines = loaded.diagnostics.map((d) => formatDiagnostic(withDirectory(opts.profiles, d)));
    throw new UserError(`invalid config file:\n${lines.join('\n')}`);
  }
  try {
    return { config: loaded.config, selected: selectTargets(loaded.config, opts.target), excludeFiles: loaded.path ? [loaded.path] : [] };
  } catch (err) {
    if (err instanceof UnknownTargetError) throw new UserError(err.message);
    throw err;
  }
}

/**
 * loadConfig, imported only when there is a file to read: the config schema (ajv) and the policy
 * engine (cel-js) cost about 60 ms of start-up that a run without a config file never uses.
 * Without a file the answer is loadConfig's own: the default config, no diagnostics.
 */
async function loadConfigLazily(opts: { profilesDir: string; configFile?: string }): Promise<ConfigLoad> {
  if (configFilePath(opts) === undefined) return { config: defaultConfig(), diagnostics: [] };
  return (await import('../config/load-config.js')).loadConfig(opts);
}
