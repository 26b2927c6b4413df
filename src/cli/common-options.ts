// Options shared by several commands, declared once so names, defaults and help text agree.
import { InvalidArgumentError, Option } from 'commander';
import { DEFAULT_NOTIFY_REPEAT_MS } from '../notify/deduplicate.js';
import { DEFAULT_MAX_DELETES } from '../planner/defaults.js';
import { formatDuration, parseDuration } from '../runtime/duration.js';

export const DEFAULT_PROFILES_DIR = './profiles';
export const DEFAULT_STATE_DIR = './.appflow-gitops';

export const profilesOption = () =>
  new Option('--profiles <dir>', 'directory of profile files (searched recursively)').default(DEFAULT_PROFILES_DIR);

export const stateOption = () =>
  new Option('--state <dir>', 'state directory (inventory, fingerprints, pending intents)').default(DEFAULT_STATE_DIR);

export const allowPlaintextOption = () =>
  new Option('--allow-plaintext-credentials', 'accept plaintext credential values (local experiments only; prints a warning)');

export const jsonOption = () => new Option('--json', 'machine-readable JSON output');

/** `--format` of plan and apply (--json is short for --format json). */
export const formatOption = () => new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']);

/** `--no-color` of plan and apply: `color` is false when given. */
export const noColorOption = () => new Option('--no-color', 'no ANSI colours in text output (also: NO_COLOR, or when stdout is not a TTY)');

/** A whole number >= 0 (a safe integer), for --max-deletes. */
export function parseMaxDeletes(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`--max-deletes must be a whole number >= 0, got "${value}"`);
  }
  return n;
}

export const maxDeletesOption = () =>
  new Option('--max-deletes <n>', 'with --prune: more deletes than this in one pass blocks every delete')
    .argParser(parseMaxDeletes)
    .default(DEFAULT_MAX_DELETES);

/** `--log-format`, on every command that logs. Undefined means "pretty on a terminal, JSON otherwise". */
export const logFormatOption = () =>
  new Option('--log-format <format>', 'log lines as json, or pretty for people (default: pretty when the log goes to a terminal, json otherwise)').choices(['pretty', 'json']);

export const configOption = () =>
  new Option('--config <file>', 'config file (targets and other settings); default: PROFILES_DIR/appflow-gitops.yaml when it exists');

/** Repeatable: `--target a --target b`. */
export const targetOption = () =>
  new Option('--target <name>', 'work on this target only (repeatable; names from the config file)')
    .argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);

/** `--revision`: the git revision of the profiles, for CI that builds from a tree without .git (also APPFLOW_GITOPS_REVISION). */
export const revisionOption = () =>
  new Option('--revision <rev>', 'git revision of the profiles (default: APPFLOW_GITOPS_REVISION, else read from the git-sync or git checkout they live in)');

/** `--notify-repeat`: how soon the same failure is notified again. */
export const notifyRepeatOption = () =>
  new Option('--notify-repeat <duration>', 'notify the same failure again at most this often (successes: once per revision); e.g. 5m, 1h')
    .argParser((value: string) => {
      try {
        return parseDuration(value);
      } catch (err) {
        throw new InvalidArgumentError((err as Error).message);
      }
    })
    .default(DEFAULT_NOTIFY_REPEAT_MS, formatDuration(DEFAULT_NOTIFY_REPEAT_MS));

/** `--names NAME` (repeatable, as import has it): limit plan and apply to these profiles. */
export const namesOption = () =>
  new Option('--names <name>', 'only these profiles (repeat the flag, or separate names with commas); the others are left out of the plan')
    .argParser((value: string, previous: string[] | undefined) => [
      ...(previous ?? []),
      ...value.split(',').map((name) => name.trim()).filter((name) => name !== ''),
    ]);
