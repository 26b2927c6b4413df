// The pure planner: desired documents + observed profiles + inventory → one PlannedChange per
// profile. No I/O, no clock, no randomness: the same input always gives the same plan, which is
// what lets `plan`, `apply` and the daemon share it.
import type { Sensitive } from '../model/sensitive.js';
import type {
  DesiredProfile,
  DirectoryStatus,
  FieldChange,
  InvalidProfile,
  ManagedProfileRecord,
  ObservedProfile,
  Plan,
  PlanAction,
  PlanOptions,
  PlannedChange,
  ResolvedCredentials,
  TargetKey,
  TargetPaths,
  TargetState,
} from '../model/types.js';
import { diffConfiguration, leavesOf, unchangedWhenEqual } from './diff.js';
import { documentDigest } from './change-record.js';
import { applyDocumentLifecycle, credentialsOnUpdate, ignoredPaths, removedDocumentLifecycle } from './lifecycle.js';
import { evaluatePruneGuards } from './prune-guards.js';

export const CREDENTIALS_PATH = 'connectorProfileCredentials';

/**
 * Resolved credentials of one profile, or why they could not be resolved (never a value). A
 * fingerprint without a value comes from a CI plan that compared secret versions only
 * (`plan --skip-credentials` on shared state): it shows a change, and is never applied.
 */
export type CredentialResolution =
  | { fingerprint: string; value?: Sensitive<ResolvedCredentials> }
  | { error: string };

export interface PlanInput {
  target: TargetKey;
  desired: DesiredProfile[];
  invalid: InvalidProfile[];
  observed: ObservedProfile[];
  state: TargetState;
  /** By profile name; absent for documents without `connectorProfileCredentials`. */
  credentials: Map<string, CredentialResolution>;
  directory: DirectoryStatus;
  /** Set when this is a declared target's plan and its paths match no profile file (blocks prune like an empty directory). */
  emptyTarget?: TargetPaths;
  failedFiles: string[];
}

export const PLAN_ACTIONS: readonly PlanAction[] = ['create', 'update', 'replace', 'delete', 'noop', 'error'];

export function planChanges(input: PlanInput, options: PlanOptions): Plan {
  const observedByName = new Map(input.observed.map((profile) => [profile.name, profile]));
  const invalidByName = new Map<string, InvalidProfile>();
  for (const invalid of input.invalid) {
    if (invalid.name !== undefined && !invalidByName.has(invalid.name)) invalidByName.set(invalid.name, invalid);
  }
  const changes: PlannedChange[] = [];
  const warnings: string[] = [];

  for (const invalid of input.invalid) changes.push(planInvalid(input.target, invalid));
  const coveredFiles = new Set(input.invalid.map((invalid) => invalid.source.file));
  for (const file of input.failedFiles) {
    if (!coveredFiles.has(file)) changes.push(planFailedFile(input.target, file));
  }

  const seen = new Map<string, DesiredProfile>();
  for (const desired of input.desired) {
    const shadow = invalidByName.get(desired.name);
    const duplicate = seen.get(desired.name);
    if (shadow || duplicate) {
      const other = shadow?.source ?? duplicate!.source;
      changes.push({
        ...baseChange(input.target, desired.name, desired.source),
        action: 'error',
        reason: `another document with this name (${other.file}:${other.line}) is ${shadow ? 'invalid' : 'also valid'}; not planned until only one valid document names it`,
        desired,
      });
      continue;
    }
    seen.set(desired.name, desired);
    changes.push(
      applyDocumentLifecycle(
        planDesired(input, options, desired, observedByName.get(desired.name), input.state.profiles[desired.name]),
        desired.lifecycle,
      ),
    );
  }

  changes.push(...planRemovedDocuments(input, options, observedByName, seen, invalidByName, warnings));
  changes.sort(compareChanges);
  // --names: the other profiles are none of this run's business (not even their errors).
  const kept = options.names ? changes.filter((c) => options.names!.has(c.name)) : changes;
  return { target: input.target, changes: kept, warnings, summary: summarize(kept) };
}

function baseChange(target: TargetKey, name: string, source: PlannedChange['source']): PlannedChange {
  return { target, name, action: 'noop', adopt: false, source, fields: [], unchangedFields: 0 };
}

function planInvalid(target: TargetKey, invalid: InvalidProfile): PlannedChange {
  const errors = invalid.diagnostics.filter((d) => d.severity === 'error');
  const first = errors[0] ?? invalid.diagnostics[0];
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return {
    ...baseChange(target, invalid.name ?? `(unnamed document in ${invalid.source.file}:${invalid.source.line})`, invalid.source),
    action: 'error',
    // The position matters where the diagnostics themselves are not shown: the daemon's log and
    // /status carry only this reason.
    reason: !first ? 'invalid document' : first.code.startsWith('file.') ? `${first.message}${more}` : `invalid document at line ${first.line}, column ${first.column}: ${first.path ? `${first.path}: ` : ''}${first.message}${more}`,
    diagnostics: invalid.diagnostics,
  };
}

function planFailedFile(target: TargetKey, file: string): PlannedChange {
  return {
    ...baseChange(target, `(file ${file})`, { file, line: 1, column: 1 }),
    action: 'error',
    reason: 'the file could not be loaded; see the diagnostics',
  };
}

function planDesired(
  input: PlanInput,
  options: PlanOptions,
  desired: DesiredProfile,
  observed: ObservedProfile | undefined,
  record: ManagedProfileRecord | undefined,
): PlannedChange {
  // Written out rather than spread from baseChange (same keys, same order): spreading these objects
  // was most of the planner's time in a warm pass (1,000 no-ops). A no-op (nearly every profile of
  // a daemon's pass) allocates its change and its empty field list: no base object, no closure, no
  // diff object; what only a write needs (the credentials to send) is built only for a write.
  const credentials = input.credentials.get(desired.name);
  if (credentials && 'error' in credentials) return { ...desiredBase(input.target, desired, observed), action: 'error', reason: credentials.error };
  const document = desired.document;

  if (!observed) {
    const fields = creationFields(desired);
    if (credentials) fields.push(credentialsField(false));
    return {
      ...desiredBase(input.target, desired, observed),
      action: 'create',
      fields,
      ...sendableOf(credentials),
      reason: record ? 'listed in the inventory but missing from the account (deleted out of band?): it will be created again' : undefined,
    };
  }

  let reason: string | undefined;
  // Adoption is carried by the `adopt` flag (renderers print `<= adopt`), not by a note.
  const adopt = record === undefined;
  const ignored = ignoredPaths(desired.lifecycle);
  let unchanged = 0;
  // connectorType, connectorLabel, then kmsArn: a fixed field that differs forces a replacement.
  const replacing: FieldChange[] = [];
  unchanged += compareFixed(ignored, replacing, 'connectorType', observed.connectorType, document.connectorType);
  unchanged += compareFixed(ignored, replacing, 'connectorLabel', observed.connectorLabel, document.connectorLabel);
  // Describe never returns kmsArn: compare with what we last applied. A record made by import or
  // adoption may not know it; then we cannot tell, and replacing on a guess would be destructive.
  const kmsKnown = record !== undefined && (record.origin === 'created' || record.kmsArn !== undefined);
  if (kmsKnown) unchanged += compareFixed(ignored, replacing, 'kmsArn', record.kmsArn, document.kmsArn);
  else if (document.kmsArn !== undefined) {
    reason = 'kmsArn cannot be read back from AWS and was never recorded here; assumed unchanged';
  }
  const replaces = replacing.length > 0;

  const properties = document.connectorProfileConfig?.connectorProfileProperties;
  // Equal as written and as described (nearly every profile of a pass): no diff is built.
  const same = unchangedWhenEqual(document.connectionMode, properties, observed.connectionMode, observed.properties);
  let fields: FieldChange[];
  if (same !== undefined) {
    unchanged += same;
    fields = replacing; // local until here: the change's own list from now on
  } else {
    const diff = diffConfiguration({ connectionMode: document.connectionMode, properties }, { connectionMode: observed.connectionMode, properties: observed.properties });
    unchanged += diff.unchanged;
    fields = [...replacing, ...diff.fields.filter((f) => !ignored(f.path))];
  }
  let credentialsChanged = false;
  const credentialsIgnored = ignored(CREDENTIALS_PATH);
  if (credentials && !credentialsIgnored) {
    const stored = record?.credentialsFingerprint;
    if (stored !== credentials.fingerprint) {
      credentialsChanged = true;
      fields.push(credentialsField(stored === undefined));
    } else {
      unchanged += 1;
    }
  }

  if (replaces) {
    // A replacement is a create: it always sends the credentials.
    return { ...desiredBase(input.target, desired, observed), action: 'replace', adopt, fields, unchangedFields: unchanged, ...sendableOf(credentials), reason };
  }
  if (fields.length > 0) {
    // credentialsOnUpdate 'always' (the default) sends the declared credentials with every update,
    // as CloudFormation's handler and Terraform do; 'changed' relies on AppFlow keeping omitted
    // credentials (inferred, see src/emulator/SPEC.md) and sends them only when they changed or
    // are unknown. Ignored credentials are never sent on update.
    const send = !credentialsIgnored && (credentialsChanged || credentialsOnUpdate(desired.lifecycle, options.credentialsOnUpdate) === 'always');
    // Drift: something other than the credentials differs while the document is the one last applied.
    const drift = record?.documentDigest !== undefined && record.documentDigest === documentDigest(document) && fields.some((f) => !f.sensitive);
    return {
      ...desiredBase(input.target, desired, observed),
      action: 'update',
      adopt,
      fields,
      unchangedFields: unchanged,
      ...(send ? sendableOf(credentials) : { credentialsFingerprint: credentials?.fingerprint }),
      ...(drift ? { drift: true } : {}),
      reason,
    };
  }
  return { target: input.target, name: desired.name, action: 'noop', adopt, source: desired.source, fields, unchangedFields: unchanged, desired, observed, credentialsFingerprint: credentials?.fingerprint, reason };
}

function desiredBase(target: TargetKey, desired: DesiredProfile, observed: ObservedProfile | undefined): PlannedChange {
  return { target, name: desired.name, action: 'noop', adopt: false, source: desired.source, fields: [], unchangedFields: 0, desired, observed };
}

/**
 * A fixed field (one UpdateConnectorProfile cannot change) compared as written: a difference goes
 * to `replacing`; returns how many leaves it adds to the unchanged count (0 when ignored or unset).
 */
function compareFixed(ignored: (path: string) => boolean, replacing: FieldChange[], path: string, before: string | undefined, after: string | undefined): number {
  if (ignored(path)) return 0;
  if ((before ?? undefined) === (after ?? undefined)) return after !== undefined ? 1 : 0;
  replacing.push({ path, before, after, sensitive: false, forcesReplacement: true });
  return 0;
}

/** What a write sends of the credentials: their value (when read) and their fingerprint. */
function sendableOf(credentials: { fingerprint: string; value?: Sensitive<ResolvedCredentials> } | undefined): Pick<PlannedChange, 'credentials' | 'credentialsFingerprint'> {
  if (!credentials) return {};
  return { ...(credentials.value ? { credentials: credentials.value } : {}), credentialsFingerprint: credentials.fingerprint };
}

function planRemovedDocuments(
  input: PlanInput,
  options: PlanOptions,
  observedByName: Map<string, ObservedProfile>,
  desiredByName: Map<string, DesiredProfile>,
  invalidByName: Map<string, InvalidProfile>,
  warnings: string[],
): PlannedChange[] {
  const changes: PlannedChange[] = [];
  const candidates: { record: ManagedProfileRecord; observed: ObservedProfile }[] = [];
  // Only the names no document claims, sorted: a pass where every document is present sorts nothing.
  const removed = Object.keys(input.state.profiles).filter((name) => !desiredByName.has(name) && !invalidByName.has(name));
  for (const name of removed.sort()) {
    const record = input.state.profiles[name]!;
    const observed = observedByName.get(name);
    const remembered = removedDocumentLifecycle(record);
    const fileFailed = record.sourceFile !== undefined && input.failedFiles.includes(record.sourceFile);
    // The document is gone, so there is no source position; the reason names the file it came from.
    if (observed && remembered.kind === 'retain' && !fileFailed) {
      changes.push({
        ...baseChange(input.target, name, undefined),
        observed,
        forget: true,
        reason: `${removedDocument(record, input.failedFiles)}; lifecycle.deletionPolicy Retain (as last applied): forgotten from the inventory, the profile stays in the account`,
      });
    } else if (!observed) {
      changes.push({
        ...baseChange(input.target, name, undefined),
        forget: true,
        reason: `${removedDocument(record, input.failedFiles)}; the profile no longer exists in the account: apply drops it from the inventory`,
      });
    } else if (!options.prune) {
      changes.push({
        ...baseChange(input.target, name, undefined),
        observed,
        reason: `${removedDocument(record, input.failedFiles)}; the profile is kept because --prune is off`,
      });
    } else if (remembered.kind === 'protected') {
      changes.push({ ...baseChange(input.target, name, undefined), observed, action: 'error', reason: `${removedDocument(record, input.failedFiles)}; ${remembered.reason}` });
    } else {
      candidates.push({ record, observed });
    }
  }
  const verdict = evaluatePruneGuards({
    candidates: candidates.map((c) => c.record.name),
    directory: input.directory,
    ...(input.emptyTarget ? { emptyTarget: input.emptyTarget } : {}),
    failedFiles: input.failedFiles,
    invalidCount: input.invalid.length,
    options,
  });
  if (verdict.blocked) warnings.push(verdict.reason);
  for (const { record, observed } of candidates) {
    const base = { ...baseChange(input.target, record.name, undefined), observed };
    changes.push(
      verdict.blocked
        ? { ...base, pruneBlocked: true, reason: `${removedDocument(record, input.failedFiles)}; not deleted: ${verdict.reason}` }
        : { ...base, action: 'delete', fields: deletionFields(observed), reason: `${removedDocument(record, input.failedFiles)} (--prune)` },
    );
  }
  return changes;
}

function removedDocument(record: ManagedProfileRecord, failedFiles: readonly string[]): string {
  // A YAML error can make a file's later documents unreadable, name included: the profile is then
  // not found, but calling its document "removed" would send the reader looking in the wrong place.
  if (record.sourceFile && failedFiles.includes(record.sourceFile)) {
    return `document not found: its file ${record.sourceFile} failed to load, so it may still be there`;
  }
  return record.sourceFile ? `document removed (was in ${record.sourceFile})` : 'document removed';
}

function credentialsField(unknownBefore: boolean): FieldChange {
  return { path: CREDENTIALS_PATH, sensitive: true, forcesReplacement: false, ...(unknownBefore ? { unknownBefore: true } : {}) };
}

function creationFields(desired: DesiredProfile): FieldChange[] {
  const document = desired.document;
  const fields: FieldChange[] = [];
  const add = (path: string, after: unknown) => {
    if (after !== undefined && after !== null) fields.push({ path, after, sensitive: false, forcesReplacement: false });
  };
  add('connectorType', document.connectorType);
  add('connectorLabel', document.connectorLabel);
  add('kmsArn', document.kmsArn);
  const leaves = leavesOf({
    connectionMode: document.connectionMode,
    properties: document.connectorProfileConfig?.connectorProfileProperties,
  });
  for (const leaf of leaves.values()) add(leaf.path, leaf.value);
  return fields;
}

function deletionFields(observed: ObservedProfile): FieldChange[] {
  const fields: FieldChange[] = [];
  const remove = (path: string, before: unknown) => {
    if (before !== undefined && before !== null) fields.push({ path, before, sensitive: false, forcesReplacement: false });
  };
  remove('connectorType', observed.connectorType);
  remove('connectorLabel', observed.connectorLabel);
  for (const leaf of leavesOf({ connectionMode: observed.connectionMode, properties: observed.properties }).values()) {
    remove(leaf.path, leaf.value);
  }
  return fields;
}

function compareChanges(a: PlannedChange, b: PlannedChange): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  const fa = a.source?.file ?? '';
  const fb = b.source?.file ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  return (a.source?.line ?? 0) - (b.source?.line ?? 0);
}

export function summarize(changes: readonly PlannedChange[]): Record<PlanAction, number> {
  const summary = Object.fromEntries(PLAN_ACTIONS.map((action) => [action, 0])) as Record<PlanAction, number>;
  for (const change of changes) summary[change.action] += 1;
  return summary;
}

/** True when applying the plan would call AWS (what `--detailed-exitcode` reports as 2). */
export function hasPendingChanges(plan: Plan): boolean {
  const { create, update, replace, delete: deletes } = plan.summary;
  return create + update + replace + deletes > 0;
}
