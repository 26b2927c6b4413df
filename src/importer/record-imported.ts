// Adds imported profiles to the inventory. Pure: state in, state out.
//
// No credentialsFingerprint: the values in the user's new secrets were never sent by this tool,
// so the first plan must show the credentials as unknown and send them once. No kmsArn: Describe
// does not return it, and recording a guess would make the planner see a replacement.
//
// A profile that already has a record of the same connector is left exactly as it is, whatever
// happened to its file (unchanged, overwritten, written to another --out): the record is the only
// place that remembers the credentials fingerprint and the kmsArn last applied, and `import` learns
// neither. Replacing it would make the next plan re-send credentials and stop detecting kmsArn
// changes; origin `created`/`adopted` would also turn into `imported`. Only unmanaged profiles
// (no record, or a record of another connector type, i.e. a different profile of the same name)
// get a new `imported` record.
import type { ManagedProfileRecord, TargetState } from '../model/types.js';
import type { ImportedProfile } from './import-profiles.js';
import { nameKeyed } from '../model/name-keyed.js';

export interface ImportedRecordInput {
  profile: ImportedProfile;
  sourceFile: string;
  /** Kept for callers; an existing record of the same connector is now always kept. */
  keepExisting?: boolean;
}

export interface RecordImportedResult {
  state: TargetState;
  /** Names that got a new `imported` record (existing records are kept and not counted). */
  added: string[];
}

export function recordImportedProfiles(state: TargetState, imported: ImportedRecordInput[], now: Date): RecordImportedResult {
  const profiles = nameKeyed(Object.entries(state.profiles));
  const added: string[] = [];
  for (const { profile, sourceFile } of imported) {
    const existing = profiles[profile.name];
    if (existing && existing.connectorType === profile.connectorType) continue;
    const label = profile.document['connectorLabel'];
    const record: ManagedProfileRecord = {
      name: profile.name,
      origin: 'imported',
      connectorType: profile.connectorType,
      sourceFile,
      lastAppliedAt: now.toISOString(),
    };
    if (typeof label === 'string') record.connectorLabel = label;
    profiles[profile.name] = record;
    added.push(profile.name);
  }
  return { state: { ...state, profiles }, added };
}
