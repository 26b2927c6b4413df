// Where the config file is, if there is one. A module of its own, with nothing heavy behind it, so
// a command can tell "no config file" (the common case: the default config) without loading the
// config schema, ajv and the policy engine (src/cli/load-config-or-fail.ts).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CONFIG_FILE_NAME } from '../desired/config-file-name.js';

/** The config file path to read, or undefined when there is none (the default location is optional). */
export function configFilePath(opts: { profilesDir: string; configFile?: string }): string | undefined {
  if (opts.configFile !== undefined) return resolve(opts.configFile);
  const candidate = resolve(opts.profilesDir, CONFIG_FILE_NAME);
  return existsSync(candidate) ? candidate : undefined;
}
