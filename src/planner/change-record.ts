// What an applied change changed, field by field, for the `profile.reconciled` log event and
// /status `lastChange`: path, before, after. Credentials are only ever `(sensitive)`; the values
// here are the plan's, which never hold a secret. Drift is told apart from an edit by the
// document's digest as last applied (see ManagedProfileRecord.documentDigest).
import { createHash } from 'node:crypto';
import type { ConnectorProfileDocument, FieldChange, PlannedChange } from '../model/types.js';
import { memoizeDeepFrozen } from './memo.js';
import { canonicalJson } from './normalize.js';

export const SENSITIVE_MARK = '(sensitive)';

export interface FieldRecord {
  path: string;
  before?: unknown;
  after?: unknown;
}

/** `DriftCorrected`: the account differed from what was last applied while the document did not change. */
export type ChangeReason = 'Applied' | 'DriftCorrected';

export function fieldRecords(fields: readonly FieldChange[]): FieldRecord[] {
  return fields.map((f) =>
    f.sensitive
      ? { path: f.path, before: SENSITIVE_MARK, after: SENSITIVE_MARK }
      : { path: f.path, ...(f.before !== undefined ? { before: f.before } : {}), ...(f.after !== undefined ? { after: f.after } : {}) },
  );
}

/**
 * SHA-256 of the document (secret references, never values), canonical key order. Once per edit
 * for a parse-cached document (every pass of the daemon asks for it, see memo.ts).
 */
export function documentDigest(document: ConnectorProfileDocument): string {
  return digestOf(document);
}

const digestOf = memoizeDeepFrozen((document: ConnectorProfileDocument) => createHash('sha256').update(canonicalJson(document)).digest('hex'));

export function changeReason(change: PlannedChange): ChangeReason {
  return change.drift === true ? 'DriftCorrected' : 'Applied';
}
