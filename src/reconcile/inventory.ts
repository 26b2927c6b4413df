// Inventory bookkeeping after a confirmed write: what the state directory remembers about each
// managed profile. Pure mutations of TargetState; the executor persists after each one.
import { documentDigest } from '../planner/change-record.js';
import type { ManagedOrigin, ManagedProfileRecord, PlannedChange, TargetState } from '../model/types.js';

export interface AppliedWrite {
  change: PlannedChange;
  /** Origin to record when the profile is not in the inventory yet. */
  origin: ManagedOrigin;
  /** True when the write carried credentials: their fingerprint becomes the stored one. */
  sentCredentials: boolean;
  nowMs: number;
}

/** Records a created, updated or adopted profile as the document describes it. */
export function recordApplied(state: TargetState, applied: AppliedWrite): ManagedProfileRecord {
  const { change, origin, sentCredentials, nowMs } = applied;
  const previous = state.profiles[change.name];
  const document = change.desired?.document;
  const record: ManagedProfileRecord = {
    name: change.name,
    origin: previous?.origin ?? origin,
    connectorType: document?.connectorType ?? change.observed?.connectorType ?? previous?.connectorType ?? 'unknown',
  };
  const connectorLabel = document ? document.connectorLabel : previous?.connectorLabel;
  if (connectorLabel !== undefined) record.connectorLabel = connectorLabel;
  // Describe never returns kmsArn, so this record is the only memory of it. An adoption or a mere
  // update cannot set it (UpdateConnectorProfile does not take kmsArn): keep what we knew.
  const kmsArn = applied.origin === 'created' && !previous ? document?.kmsArn : previous?.kmsArn;
  if (kmsArn !== undefined) record.kmsArn = kmsArn;
  const fingerprint = sentCredentials ? change.credentialsFingerprint : previous?.credentialsFingerprint;
  if (fingerprint !== undefined) record.credentialsFingerprint = fingerprint;
  const sourceFile = change.source?.file ?? previous?.sourceFile;
  if (sourceFile !== undefined) record.sourceFile = sourceFile;
  record.lastAppliedAt = new Date(nowMs).toISOString();
  const digest = document ? documentDigest(document) : previous?.documentDigest;
  if (digest !== undefined) record.documentDigest = digest;
  const lifecycle = change.desired ? change.desired.lifecycle : previous?.lifecycle;
  if (lifecycle !== undefined) record.lifecycle = structuredClone(lifecycle);
  state.profiles[change.name] = record;
  return record;
}

/** A fresh record for a profile this tool just created (replace: the old record goes first). */
export function recordCreated(state: TargetState, change: PlannedChange, sentCredentials: boolean, nowMs: number): void {
  delete state.profiles[change.name];
  recordApplied(state, { change, origin: 'created', sentCredentials, nowMs });
}

export function forgetProfile(state: TargetState, name: string): void {
  delete state.profiles[name];
}

/**
 * Keeps the source file and the lifecycle current for a no-op, without pretending anything was
 * applied: removing preventDestroy from a document and applying it is what lifts the protection
 * the inventory remembers. Returns true when changed.
 */
export function refreshSourceFile(state: TargetState, change: PlannedChange): boolean {
  const record = state.profiles[change.name];
  if (!record || !change.desired) return false;
  let changed = false;
  const file = change.source?.file;
  if (file && record.sourceFile !== file) {
    record.sourceFile = file;
    changed = true;
  }
  // A no-op: the account matches this document, so it is now the one "last applied" for drift.
  if (change.action === 'noop' && !change.suspended && record.documentDigest !== undefined) {
    const digest = documentDigest(change.desired.document);
    if (record.documentDigest !== digest) {
      record.documentDigest = digest;
      changed = true;
    }
  }
  const lifecycle = change.desired.lifecycle;
  // Neither side has one (most profiles): nothing to compare, nothing to serialise.
  if ((lifecycle !== undefined || record.lifecycle !== undefined) && JSON.stringify(lifecycle ?? null) !== JSON.stringify(record.lifecycle ?? null)) {
    if (lifecycle === undefined) delete record.lifecycle;
    else record.lifecycle = structuredClone(lifecycle);
    changed = true;
  }
  return changed;
}
