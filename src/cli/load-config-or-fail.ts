// The config file for a command: loaded, checked and narrowed to --target, or one UserError
// whose message lists every located problem (FILE:LINE:COL: path: message), the way a profile
// error reads.
import { loadConfig } from '../config/load-config.js';
import type { AppConfig } from '../config/app-config.js';
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

export async function loadCommandConfig(opts: { profiles: string; config?: string; target?: string[] }): Promise<CommandConfig> {
  const loaded = await loadConfig({ profilesDir: opts.profiles, ...(opts.config !== undefined ? { configFile: opts.config } : {}) });
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
