// plan --out FILE and apply FILE: the saved plan's file on disk and the check apply runs before
// its first write. The format, digests and comparison are in src/saved-plan/; this is the wiring.
import { readFile, stat } from 'node:fs/promises';
import { basename, isAbsolute, relative, resolve } from 'node:path';
import { profileFormat } from '../desired/discover-files.js';
import type { CredentialsOnUpdate } from '../model/types.js';
import type { PlannedTarget } from '../reconcile/types.js';
import { buildSavedPlan, deniedWrite } from '../saved-plan/build.js';
import { parseSavedPlan, SavedPlanFormatError, serializeSavedPlan, type PlanningFlags, type SavedPlan } from '../saved-plan/format.js';
import { digestConfigFiles, digestProfileFiles } from '../saved-plan/input-files.js';
import { compareFiles, compareFlags, compareTargets } from '../saved-plan/verify.js';
import { writeFileAtomic } from '../state/atomic-write.js';
import { ownVersion } from './own-version.js';
import { excludeUnder } from './config-features.js';
import type { CommandConfig } from './load-config-or-fail.js';
import { UserError } from './user-error.js';

/** A saved plan is a few KB per profile; anything far larger is not one (and is not read whole). */
const MAX_SAVED_PLAN_BYTES = 64 * 1024 * 1024;

/** Where the plan's file inputs are and the flags it is made (or applied) with. */
export interface SavedPlanScope {
  /** The profiles directory as read (a --revision checkout's root when there is one). */
  root: string;
  /** The config file(s) read. */
  configFiles: readonly string[];
  /** What the loader skips below `root` (the config files, as found there). */
  excludeFiles: readonly string[];
  flags: PlanningFlags;
}

/** The command-line flags a saved plan records (plan) or is checked against (apply FILE). */
export interface PlanningFlagValues {
  profiles: string;
  prune?: boolean;
  allowEmpty?: boolean;
  allowReplace?: boolean;
  maxDeletes: number;
  names?: string[];
  allowPlaintextCredentials?: boolean;
}

/** This run's scope: `root` is where the profiles are read (a --revision checkout's root, if any). */
export function savedPlanScope(flags: PlanningFlagValues, command: CommandConfig, credentialsOnUpdate: CredentialsOnUpdate, root: string): SavedPlanScope {
  return { root, configFiles: command.excludeFiles, excludeFiles: excludeUnder(flags.profiles, root, command.excludeFiles), flags: planningFlags(flags, credentialsOnUpdate, command.selected.map((t) => t.name)) };
}

function planningFlags(flags: PlanningFlagValues, credentialsOnUpdate: CredentialsOnUpdate, targets: readonly string[]): PlanningFlags {
  return {
    prune: flags.prune === true,
    allowEmpty: flags.allowEmpty === true,
    allowReplace: flags.allowReplace === true,
    maxDeletes: flags.maxDeletes,
    credentialsOnUpdate,
    names: flags.names ? [...new Set(flags.names)].sort() : null,
    targets: [...targets],
    allowPlaintextCredentials: flags.allowPlaintextCredentials === true,
  };
}

/**
 * A plan file the loader would read as a profile (a .json or .yaml under the profiles directory)
 * would change the very inputs it records: refused before anything is read.
 */
export function refuseOutInsideProfiles(file: string, profilesDir: string): void {
  const inside = relative(resolve(profilesDir), resolve(file));
  if (!inside.startsWith('..') && !isAbsolute(inside) && profileFormat(basename(file)) !== undefined) {
    throw new UserError(`--out ${file} is inside the profiles directory and would be read as a profile file; write the plan elsewhere`);
  }
}

/** Writes the saved plan atomically with mode 0600, or fails in one line with nothing written. */
export async function writeSavedPlan(file: string, scope: SavedPlanScope, planned: readonly PlannedTarget[]): Promise<void> {
  let saved: SavedPlan;
  try {
    saved = buildSavedPlan({
      toolVersion: ownVersion(),
      createdAt: new Date(),
      flags: scope.flags,
      config: await digestConfigFiles(scope.configFiles),
      files: await digestProfileFiles(scope.root, scope.excludeFiles),
      planned,
    });
  } catch (err) {
    throw new UserError(`plan --out ${file}: ${messageOf(err)}; no plan file written`);
  }
  try {
    await writeFileAtomic(file, serializeSavedPlan(saved), 0o600);
  } catch (err) {
    throw new UserError(`plan --out ${file}: cannot write the plan file (${(err as NodeJS.ErrnoException).code ?? messageOf(err)})`);
  }
  process.stderr.write(`Saved the plan to ${file}. To perform exactly these actions, run apply ${file} with the same flags.\n`);
}

/** Reads and checks a saved plan, or fails in one line naming the file. */
async function readSavedPlan(file: string): Promise<SavedPlan> {
  let text: string;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new UserError(`saved plan ${file} is not a file`);
    if (info.size > MAX_SAVED_PLAN_BYTES) throw new UserError(`saved plan ${file} is not a saved plan (${info.size} bytes, more than ${MAX_SAVED_PLAN_BYTES})`);
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`saved plan ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? messageOf(err)})`);
  }
  try {
    return parseSavedPlan(text, ownVersion());
  } catch (err) {
    if (err instanceof SavedPlanFormatError) throw new UserError(`saved plan ${file} ${err.message}; nothing was written`);
    throw err;
  }
}

/**
 * apply FILE, before any lock, lease or AWS call: reads the saved plan, refuses other flags or a
 * write a deny policy rejects, and returns the check the pass runs before its first write.
 */
export async function checkSavedPlan(file: string, scope: SavedPlanScope): Promise<(planned: PlannedTarget[]) => Promise<string | undefined>> {
  const saved = await readSavedPlan(file);
  const reason = compareFlags(saved.flags, scope.flags) ?? deniedWrite(saved);
  if (reason) throw new UserError(`saved plan ${file} cannot be applied: ${reason}; nothing was written`);
  return savedPlanVerifier(file, saved, scope);
}

/**
 * The pass's `verifyPlans`: recomputes every input digest and compares the fresh plans with the
 * saved ones. Called after planning and before any write; its message refuses the whole pass.
 */
function savedPlanVerifier(file: string, saved: SavedPlan, scope: SavedPlanScope): (planned: PlannedTarget[]) => Promise<string | undefined> {
  return async (planned) => {
    const files = { config: await digestConfigFiles(scope.configFiles), files: await digestProfileFiles(scope.root, scope.excludeFiles) };
    const difference = compareFiles(saved.inputs, files) ?? compareTargets(saved.targets, planned);
    return difference === undefined ? undefined : `saved plan ${file} is stale: ${difference}; nothing was written (run plan --out again)`;
  };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
