// Which credentialsOnUpdate applies to profiles that do not set their own: the flag, else the
// config file's `lifecycle.credentialsOnUpdate`, else 'always'.
import { Option } from 'commander';
import { configSection } from '../config/app-config.js';
import { lifecycleSection } from '../config/lifecycle-section.js';
import { DEFAULT_CREDENTIALS_ON_UPDATE, type CredentialsOnUpdate } from '../model/types.js';
import { loadCommandConfig } from './load-config-or-fail.js';

export const credentialsOnUpdateOption = () =>
  new Option(
    '--credentials-on-update <when>',
    "for profiles whose lifecycle: does not say: send credentials with every update (always) or only when they changed (changed); default: the config file's lifecycle.credentialsOnUpdate, else always",
  ).choices(['always', 'changed']);

export async function resolveCredentialsOnUpdate(flag: CredentialsOnUpdate | undefined, profilesDir: string): Promise<CredentialsOnUpdate> {
  if (flag) return flag;
  const { config } = await loadCommandConfig({ profiles: profilesDir });
  return configSection(config, lifecycleSection)?.credentialsOnUpdate ?? DEFAULT_CREDENTIALS_ON_UPDATE;
}
