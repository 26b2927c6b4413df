// `appflow-gitops plan`: what apply would do, read-only. Loads the profiles, reads AWS (one
// batched Describe, each secret once), plans, prints. It makes no mutating AWS call and never
// writes the state directory (see docs/plan.md for the fingerprint-key rule).
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { createAwsAdapters } from '../../aws/clients.js';
import { formatDiagnostic } from '../../desired/diagnostics.js';
import { loadProfiles } from '../../desired/load-profiles.js';
import type { CredentialsOnUpdate, LoadResult, Plan, PlanOptions, StateSnapshot, TargetState } from '../../model/types.js';
import { hasPendingChanges } from '../../planner/plan-changes.js';
import { messageOf } from '../../reconcile/pass-state.js';
import { preparePlan } from '../../reconcile/prepare-plan.js';
import { policyCounts } from '../../render/plan-common.js';
import { renderPlanJson } from '../../render/plan-json.js';
import { renderPlanMarkdown } from '../../render/plan-markdown.js';
import { renderPlanText } from '../../render/plan-text.js';
import { emptySnapshot, emptyTargetState, KEY_FILE, STATE_FILE } from '../../state/file-state-store.js';
import { createStateTableClient } from '../../state/dynamodb/client.js';
import { createDynamoDbStateStore, SHARED_STATE_DIGEST_KEY } from '../../state/dynamodb/dynamodb-state-store.js';
import { StateTableMissingError } from '../../state/dynamodb/table.js';
import { parseStateText } from '../../state/state-shape.js';
import type { FingerprintScheme } from '../../model/types.js';
import { refusePlaintextOnSharedState, stateLocation } from '../state-backend.js';
import { withAwsFailureHint } from '../aws-failure-hint.js';
import { allowPlaintextOption, configOption, jsonOption, maxDeletesOption, namesOption, profilesOption, revisionOption, stateOption, targetOption } from '../common-options.js';
import { loadCommandConfig, type CommandConfig } from '../load-config-or-fail.js';
import { declaresTargets, renderTargetsReport, runTargetsPass } from '../targets-pass.js';
import { openTargetsSharedState } from '../shared-state-targets.js';
import type { StateLocation } from '../../state/state-location.js';
import { createSilentLogger } from '../../logging/logger.js';
import type { StateStore } from '../../model/types.js';
import { excludeUnder, featuresOf, policyCheckFor, profilesSourceOrFail, type ConfigFeatures } from '../config-features.js';
import type { ProfilesSource } from '../../revision/resolve-revision.js';
import { ExitCode } from '../exit-codes.js';
import { credentialsOnUpdateOption, resolveCredentialsOnUpdate } from '../credentials-on-update.js';
import { UserError } from '../user-error.js';
import { nameKeyed } from '../../model/name-keyed.js';
import { DEFAULT_CREDENTIALS_ON_UPDATE } from '../../model/types.js';
import { IMPLICIT_TARGET_NAME } from '../../config/target-settings.js';
import type { PlannedTarget } from '../../reconcile/types.js';
import { refuseOutInsideProfiles, savedPlanScope, writeSavedPlan } from '../saved-plan-file.js';

export type PlanFormat = 'text' | 'json' | 'markdown';

interface PlanFlags {
  names?: string[];
  credentialsOnUpdate?: CredentialsOnUpdate;
  profiles: string;
  state: string;
  prune?: boolean;
  allowEmpty?: boolean;
  maxDeletes: number;
  json?: boolean;
  format?: PlanFormat;
  detailedExitcode?: boolean;
  color: boolean;
  allowPlaintextCredentials?: boolean;
  skipCredentials?: boolean;
  config?: string;
  target?: string[];
  revision?: string;
  out?: string;
  allowReplace?: boolean;
}

export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .description('show what apply would change, without changing anything (exit 0 ok, 1 error; --detailed-exitcode: 2 changes pending)')
    .addOption(profilesOption())
    .addOption(stateOption())
    .option('--prune', 'plan deletes of profiles this tool created or adopted whose document is gone (guarded)')
    .option('--allow-empty', 'with --prune: allow deletes when the profiles directory is missing or empty')
    .addOption(maxDeletesOption())
    .addOption(credentialsOnUpdateOption())
    .addOption(namesOption())
    .addOption(jsonOption().conflicts('format'))
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']))
    .option('--detailed-exitcode', 'exit 0 when there are no changes, 2 when changes are pending, 1 on error')
    .option('--no-color', 'no ANSI colours in text output (also: NO_COLOR, or when stdout is not a TTY)')
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
  const format: PlanFormat = flags.json ? 'json' : (flags.format ?? 'text');
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
  if (declaresTargets(command)) {
    return runPlanTargets(flags, { command, features, source }, format, options, location);
  }

  const load = await loadProfiles(source.root, {
    allowPlaintextCredentials: flags.allowPlaintextCredentials === true,
    excludeFiles: excludeUnder(flags.profiles, source.root, features.excludeFiles),
  });
  checkDirectory(flags.profiles, load, options);
  if (flags.allowPlaintextCredentials) {
    process.stderr.write('warning: --allow-plaintext-credentials is for local experiments; never commit plaintext credentials\n');
  }
  for (const diagnostic of load.diagnostics) {
    if (diagnostic.severity === 'warning') process.stderr.write(`warning: ${formatDiagnostic(diagnostic)}\n`);
  }

  const adapters = createAwsAdapters();
  let plan: Plan;
  try {
    const { state, hmacKey, warnings, fingerprintScheme } =
      location.kind === 'dynamodb'
        ? await readSharedState(location.table, adapters.target.key, adapters.target.region)
        : await readFileState(location.dir, adapters.target.key);
    try {
      plan = await preparePlan(
        {
          target: adapters.target,
          appflow: adapters.appflow,
          secrets: adapters.secrets,
          state,
          hmacKey,
          fingerprintScheme,
          skipCredentials: flags.skipCredentials === true,
          policies: policyCheckFor(features, adapters.target),
        },
        load,
        options,
      );
      if (source.revision !== undefined) plan.revision = source.revision;
    } catch (err) {
      throw new UserError(withAwsFailureHint(`could not read the current state from AWS (${adapters.target.region}): ${messageOf(err)}`, err));
    }
    plan.warnings.unshift(...warnings);
    if (flags.out !== undefined) {
      const planned = [{ name: adapters.target.name ?? IMPLICIT_TARGET_NAME, target: adapters.target, plan, state }];
      await writeSavedPlan(flags.out, savedPlanScope(flags, command, options.credentialsOnUpdate ?? DEFAULT_CREDENTIALS_ON_UPDATE, source.root), planned);
    }
  } finally {
    adapters.destroy();
  }

  process.stdout.write(render(plan, format, useColor(flags.color)));
  // A write a deny policy rejects fails the plan (a pull-request check goes red), like an error.
  const failed = plan.summary.error > 0 || load.failedFiles.length > 0 || policyCounts(plan).denied > 0;
  if (failed) return ExitCode.Error;
  if (flags.detailedExitcode && hasPendingChanges(plan)) return ExitCode.ChangesPending;
  return ExitCode.Ok;
}

/**
 * plan over the targets of appflow-gitops.yaml: read-only (no AWS write, no state write). On the
 * shared state each target's partition is read with the target's own credentials, without a lease.
 */
async function runPlanTargets(
  flags: PlanFlags,
  { command, features, source }: { command: CommandConfig; features: ConfigFeatures; source: ProfilesSource },
  format: PlanFormat,
  options: PlanOptions,
  location: StateLocation,
): Promise<number> {
  const state: Pick<Parameters<typeof runTargetsPass>[0], 'store' | 'openState'> =
    location.kind === 'file'
      ? { store: await readOnlyFileStore(location.dir) }
      : { openState: (runs) => openTargetsSharedState(runs, { table: location.table, lead: false, logger: createSilentLogger() }) };
  // plan --out: the read-only pass hands over every target's plan and state once all have planned.
  let planned: PlannedTarget[] | undefined;
  const report = await runTargetsPass({
    profilesDir: flags.profiles,
    source,
    cmd: command,
    features,
    ...state,
    logger: createSilentLogger(),
    settings: {},
    allowPlaintextCredentials: flags.allowPlaintextCredentials === true,
    options: {
      ...options,
      allowReplace: true,
      readOnly: true,
      skipCredentials: flags.skipCredentials === true,
      ...(flags.out !== undefined ? { verifyPlans: async (all: PlannedTarget[]) => void (planned = all) } : {}),
    },
  });
  for (const warning of report.warnings) process.stderr.write(`warning: ${warning}\n`);
  process.stdout.write(renderTargetsReport(report, format, { color: useColor(flags.color), apply: false }));
  // After the report: a target that could not plan is shown, then named as why no file was written.
  if (flags.out !== undefined) await writeSavedPlan(flags.out, savedPlanScope(flags, command, options.credentialsOnUpdate ?? DEFAULT_CREDENTIALS_ON_UPDATE, source.root), planned ?? []);
  // As with one target: a write a deny policy rejects, in any target, fails the plan.
  if (!report.ok || report.targets.some((t) => policyCounts(t.report.plan).denied > 0)) return ExitCode.Error;
  if (flags.detailedExitcode && report.targets.some((t) => hasPendingChanges(t.report.plan))) return ExitCode.ChangesPending;
  return ExitCode.Ok;
}

/** The state directory for plan: read without the store's repairs or the lock (plan never writes). */
async function readOnlyFileStore(stateDir: string): Promise<StateStore> {
  const hmacKey = (await fingerprintKey(stateDir, emptyTargetState())).hmacKey;
  return {
    load: async () => {
      const { snapshot, warnings } = await readStateReadOnly(stateDir);
      return { state: snapshot, warnings };
    },
    save: () => Promise.reject(new Error('plan never writes the state')),
    hmacKey: async () => hmacKey,
  };
}

interface PlanState {
  state: TargetState;
  hmacKey: Buffer;
  warnings: string[];
  fingerprintScheme: FingerprintScheme;
}

async function readFileState(dir: string, target: string): Promise<PlanState> {
  const { snapshot, warnings } = await readStateReadOnly(dir);
  const stored = snapshot.targets[target] ?? emptyTargetState();
  const { state, hmacKey, warning } = await fingerprintKey(dir, stored);
  return { state, hmacKey, warnings: [...warnings, ...(warning ? [warning] : [])], fingerprintScheme: 'value' };
}

/** The shared state, read with a strongly consistent Query and no lease (plan never writes). */
async function readSharedState(table: string, target: string, region: string): Promise<PlanState> {
  const client = createStateTableClient({ region });
  try {
    const { state, warnings } = await createDynamoDbStateStore({ table, client, targets: [target] }).load();
    return { state: state.targets[target] ?? emptyTargetState(), hmacKey: SHARED_STATE_DIGEST_KEY, warnings, fingerprintScheme: 'secret-version' };
  } catch (err) {
    if (err instanceof StateTableMissingError) throw new UserError(err.message);
    throw new UserError(withAwsFailureHint(`could not read the state table ${table}: ${messageOf(err)}`, err));
  } finally {
    client.destroy();
  }
}

/**
 * A missing or unreadable profiles directory is almost always a wrong path: fail before reading
 * AWS. With --allow-empty it is taken as "no profiles" (the prune guard then allows deletes).
 */
function checkDirectory(dir: string, load: LoadResult, options: PlanOptions): void {
  if (load.directory === 'missing' && !options.allowEmpty) {
    throw new UserError(`profiles directory '${dir}' does not exist (pass --profiles DIR, or --allow-empty to plan with no profiles)`);
  }
  if (load.directory === 'unreadable' && !options.allowEmpty) {
    throw new UserError(`profiles directory '${dir}' cannot be read (is it a directory, and readable?)`);
  }
  if (load.directory === 'empty') process.stderr.write(`warning: no profile documents found under '${dir}'\n`);
}

/**
 * Reads the state file without the store's repairs (a corrupt file is moved aside by the store,
 * which is a write): plan only warns, plans from empty state, and leaves the repair to apply.
 */
export async function readStateReadOnly(stateDir: string): Promise<{ snapshot: StateSnapshot; warnings: string[] }> {
  const path = join(stateDir, STATE_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { snapshot: emptySnapshot(), warnings: [] };
    return { snapshot: emptySnapshot(), warnings: [`state: cannot read ${path} (${code ?? messageOf(err)}); planning from empty state. Nothing is deleted.`] };
  }
  const parsed = parseStateText(text);
  if (!parsed.ok) {
    return {
      snapshot: emptySnapshot(),
      warnings: [`state: ${path} is unreadable (${parsed.reason}); planning from empty state (apply keeps the file aside). Nothing is deleted.`],
    };
  }
  return { snapshot: parsed.snapshot, warnings: parsed.warnings };
}

/**
 * The fingerprint key, read without creating or repairing it (plan never writes the state
 * directory). When it does not exist yet, nothing could have been fingerprinted with it, so plan
 * uses a throwaway key and treats every stored fingerprint as unknown (credentials "will be
 * sent"), which is exactly what the next apply will find.
 */
export async function fingerprintKey(stateDir: string, stored: TargetState): Promise<{ state: TargetState; hmacKey: Buffer; warning?: string }> {
  const path = join(stateDir, KEY_FILE);
  let problem: string | undefined;
  try {
    const text = (await readFile(path, 'utf8')).trim();
    // The key file holds 32 random bytes as 64 hex characters (src/state/hmac-key-file.ts).
    if (/^[0-9a-f]{64}$/.test(text)) return { state: stored, hmacKey: Buffer.from(text, 'hex') };
    problem = 'is not a valid key';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    problem = code === 'ENOENT' ? 'is missing' : `cannot be read (${code ?? messageOf(err)})`;
  }
  const hadFingerprints = Object.values(stored.profiles).some((r) => r.credentialsFingerprint !== undefined);
  const profiles = nameKeyed(
    Object.entries(stored.profiles).map(([name, record]) => [name, { ...record, credentialsFingerprint: undefined }] as const),
  );
  return {
    state: { ...stored, profiles },
    hmacKey: randomBytes(32),
    warning: hadFingerprints
      ? `state: the fingerprint key ${path} ${problem}; stored credential fingerprints cannot be checked, so credentials are shown as unknown`
      : undefined,
  };
}

function render(plan: Plan, format: PlanFormat, color: boolean): string {
  if (format === 'json') return renderPlanJson(plan);
  if (format === 'markdown') return renderPlanMarkdown(plan);
  return renderPlanText(plan, { color });
}

/** Colour only on a TTY, unless --no-color or NO_COLOR (https://no-color.org: set and non-empty). */
export function useColor(flag: boolean, stream: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  return flag !== false && stream.isTTY === true && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}
