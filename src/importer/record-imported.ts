// Adds imported profiles to the inventory. Pure: state in, state out.
//
// No credentialsFingerprint: the values in the user's new secrets were never sent by this tool,
// so the first plan must show the credentials as unknown and send them once. No kmsArn: Describe
// does not return it, and recording a guess would make the planner see a replacement.
import type { ManagedProfileRecord, TargetState } from '../model/types.js';
import type { ImportedProfile } from './import-profiles.js';

export function recordImportedProfiles(state: TargetState, imported: { profile: ImportedProfile; sourceFile: string }[], now: Date): TargetState {
  const profiles = { ...state.profiles };
  for (const { profile, sourceFile } of imported) {
    const record: ManagedProfileRecord = {
      name: profile.name,
      origin: 'imported',
      connectorType: profile.connectorType,
      sourceFile,
      lastAppliedAt: now.toISOString(),
    };
    const label = profile.document['connectorLabel'];
    if (typeof label === 'string') record.connectorLabel = label;
    profiles[profile.name] = record;
  }
  return { ...state, profiles };
}
