// Adds imported profiles to the inventory. Pure: state in, state out.
//
// No credentialsFingerprint: the values in the user's new secrets were never sent by this tool,
// so the first plan must show the credentials as unknown and send them once. No kmsArn: Describe
// does not return it, and recording a guess would make the planner see a replacement.
// Exception: re-importing a profile whose file comes out byte-identical (`keepExisting`) keeps its
// record, so a harmless re-run does not throw away a fingerprint and re-send credentials.
import type { ManagedProfileRecord, TargetState } from '../model/types.js';
import type { ImportedProfile } from './import-profiles.js';

export interface ImportedRecordInput {
  profile: ImportedProfile;
  sourceFile: string;
  /** The file was already identical: keep an existing record of the same connector as it is. */
  keepExisting?: boolean;
}

export function recordImportedProfiles(state: TargetState, imported: ImportedRecordInput[], now: Date): TargetState {
  const profiles = { ...state.profiles };
  for (const { profile, sourceFile, keepExisting } of imported) {
    const existing = profiles[profile.name];
    const label = profile.document['connectorLabel'];
    if (keepExisting && existing && existing.connectorType === profile.connectorType && existing.connectorLabel === (typeof label === 'string' ? label : undefined)) {
      continue;
    }
    const record: ManagedProfileRecord = {
      name: profile.name,
      origin: 'imported',
      connectorType: profile.connectorType,
      sourceFile,
      lastAppliedAt: now.toISOString(),
    };
    if (typeof label === 'string') record.connectorLabel = label;
    profiles[profile.name] = record;
  }
  return { ...state, profiles };
}
