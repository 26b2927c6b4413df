// The saved plan file (`plan --out FILE`, `apply FILE`): its shape, how it is written and how it
// is read back. A saved plan holds the plan as the JSON renderer shows it (no secret value: that
// renderer builds every field by hand and prints credentials only as sensitive) and digests of
// everything the plan was computed from (src/saved-plan/digest.ts), never a credential or
// anything derived from one. Pure: the CLI reads and writes the bytes.
import type { CredentialsOnUpdate } from '../model/types.js';

export const SAVED_PLAN_KIND = 'appflow-gitops/saved-plan';
/** Bumped whenever a field's meaning changes: a reader refuses every version but its own. */
export const SAVED_PLAN_FORMAT_VERSION = 1;

/** The flags that change what is planned or written; apply FILE must be given the same ones. */
export interface PlanningFlags {
  prune: boolean;
  allowEmpty: boolean;
  allowReplace: boolean;
  maxDeletes: number;
  credentialsOnUpdate: CredentialsOnUpdate;
  /** --names, sorted; null when not given (every profile). */
  names: string[] | null;
  /** The targets planned (--target, else every target of the config file; 'default' without one). */
  targets: string[];
  allowPlaintextCredentials: boolean;
}

/** SHA-256 digests (hex) of one target's inputs and of its plan. Keys are profile names. */
export interface TargetDigests {
  /** Each inventory record (origin, fingerprints, lifecycle, document digest) of the target's state. */
  state: Record<string, string>;
  /** Each planned profile as Describe returned it ('absent' when it did not exist). */
  observed: Record<string, string>;
  /** Each planned profile's secret references and the version ids they resolved to. */
  secrets: Record<string, string>;
  /** The plan itself (every change, field and policy verdict; warnings aside). */
  plan: string;
}

export interface SavedTarget {
  name: string;
  /** REGION/IDENTITY (the state key) the plan was made against. */
  key: string;
  digests: TargetDigests;
  /** The plan as `plan --format json` prints it (docs/plan.md, JSON format). */
  plan: Record<string, unknown>;
}

export interface SavedPlan {
  kind: typeof SAVED_PLAN_KIND;
  formatVersion: typeof SAVED_PLAN_FORMAT_VERSION;
  tool: { name: 'appflow-gitops'; version: string };
  createdAt: string;
  flags: PlanningFlags;
  inputs: {
    /** Digest of the config file (appflow-gitops.yaml or --config), null when none was read. */
    config: string | null;
    /** Digest of each profile file's bytes, by path relative to the profiles directory. */
    files: Record<string, string>;
  };
  targets: SavedTarget[];
}

export function serializeSavedPlan(plan: SavedPlan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}

/** Why a file is not a saved plan this version can apply; the message is one line. */
export class SavedPlanFormatError extends Error {
  override name = 'SavedPlanFormatError';
}

/**
 * Reads a saved plan's text. Refuses, in one line, anything that is not a saved plan, one of
 * another format version, or one made by another version of this tool (as Terraform does: the
 * planner's rules may differ between versions, so the plan would not be applied as reviewed).
 */
export function parseSavedPlan(text: string, toolVersion: string): SavedPlan {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SavedPlanFormatError('is not a saved plan (not JSON: truncated or corrupt?)');
  }
  if (!isRecord(value) || value.kind !== SAVED_PLAN_KIND) {
    throw new SavedPlanFormatError(`is not a saved plan (no "kind": "${SAVED_PLAN_KIND}"; write one with plan --out FILE)`);
  }
  if (value.formatVersion !== SAVED_PLAN_FORMAT_VERSION) {
    throw new SavedPlanFormatError(`has saved-plan format ${JSON.stringify(value.formatVersion)}; this version reads format ${SAVED_PLAN_FORMAT_VERSION} (run plan --out again)`);
  }
  const tool = isRecord(value.tool) ? value.tool.version : undefined;
  if (tool !== toolVersion) {
    throw new SavedPlanFormatError(`was made by appflow-gitops ${JSON.stringify(tool)}; this is ${toolVersion} (run plan --out again with this version)`);
  }
  if (!isWellFormed(value)) throw new SavedPlanFormatError('is not a complete saved plan (a field is missing or has the wrong type: edited or corrupt?)');
  return value;
}

function isWellFormed(value: Record<string, unknown>): value is SavedPlan & Record<string, unknown> {
  const flags = value.flags;
  const inputs = value.inputs;
  return (
    isRecord(flags) &&
    typeof flags.prune === 'boolean' &&
    typeof flags.allowEmpty === 'boolean' &&
    typeof flags.allowReplace === 'boolean' &&
    typeof flags.maxDeletes === 'number' &&
    typeof flags.credentialsOnUpdate === 'string' &&
    (flags.names === null || isStringArray(flags.names)) &&
    isStringArray(flags.targets) &&
    typeof flags.allowPlaintextCredentials === 'boolean' &&
    isRecord(inputs) &&
    (inputs.config === null || typeof inputs.config === 'string') &&
    isStringMap(inputs.files) &&
    Array.isArray(value.targets) &&
    value.targets.every(
      (t: unknown) =>
        isRecord(t) &&
        typeof t.name === 'string' &&
        typeof t.key === 'string' &&
        isRecord(t.plan) &&
        Array.isArray(t.plan.changes) &&
        isRecord(t.digests) &&
        isStringMap(t.digests.state) &&
        isStringMap(t.digests.observed) &&
        isStringMap(t.digests.secrets) &&
        typeof t.digests.plan === 'string',
    )
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function isStringMap(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((v) => typeof v === 'string');
}
