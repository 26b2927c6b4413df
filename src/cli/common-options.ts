// Options shared by several commands, declared once so names, defaults and help text agree.
import { Option } from 'commander';

export const DEFAULT_PROFILES_DIR = './profiles';
export const DEFAULT_STATE_DIR = './.appflow-gitops';

export const profilesOption = () =>
  new Option('--profiles <dir>', 'directory of profile files (searched recursively)').default(DEFAULT_PROFILES_DIR);

export const stateOption = () =>
  new Option('--state <dir>', 'state directory (inventory, fingerprints, pending intents)').default(DEFAULT_STATE_DIR);

export const allowPlaintextOption = () =>
  new Option('--allow-plaintext-credentials', 'accept plaintext credential values (local experiments only; prints a warning)');

export const jsonOption = () => new Option('--json', 'machine-readable JSON output');
