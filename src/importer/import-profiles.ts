// Turns observed AppFlow profiles into profile documents in our format, plus the secrets the user
// must create for their credential references. Pure: no AWS, no files.
import type { ObservedProfile } from '../model/types.js';
import { connectorMemberName, connectorShapeId } from './connector-shapes.js';
import { credentialLayoutFor, type PlainMember } from './credential-members.js';
import { fileNameFor, secretJsonKey, secretNameFor, secretReference } from './naming.js';
import { sanitizeProperties } from './sanitize-properties.js';

export interface SecretToCreate {
  /** Secret name (`appflow-gitops/<profileName>`). */
  name: string;
  /** JSON keys the SecretString must hold, in file order. */
  keys: string[];
  /** Profile that references it. */
  profile: string;
}

export interface ImportedProfile {
  name: string;
  connectorType: string;
  /** File name relative to the output directory. */
  fileName: string;
  /** The profile document (CreateConnectorProfile request shape without clientToken). */
  document: Record<string, unknown>;
  /** Undefined when the connector has no credential members. */
  secret?: SecretToCreate;
  /** Mechanism members written plain, with the value assumed. */
  plainMembers: PlainMember[];
  /** Assumptions that could not be read back; written as comments into the file. */
  notes: string[];
  /** Observed fields left out of the document, with why. */
  omitted: { path: string; reason: string }[];
}

export interface SkippedProfile {
  name: string;
  reason: string;
}

export interface ImportConversion {
  profiles: ImportedProfile[];
  skipped: SkippedProfile[];
}

/** Converts every observed profile, in name order so output and files are deterministic. */
export function importProfiles(observed: ObservedProfile[]): ImportConversion {
  const profiles: ImportedProfile[] = [];
  const skipped: SkippedProfile[] = [];
  const fileOwners = new Map<string, string>();
  const secretOwners = new Map<string, string>();
  for (const profile of [...observed].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const result = importProfile(profile);
    if ('reason' in result) {
      skipped.push(result);
      continue;
    }
    // Case-insensitive file systems (macOS, Windows) would merge `Foo.yaml` and `foo.yaml`.
    const fileKey = result.fileName.toLowerCase();
    const fileOwner = fileOwners.get(fileKey);
    if (fileOwner !== undefined) {
      skipped.push({ name: profile.name, reason: `its file name ${result.fileName} differs only in case from that of profile ${fileOwner}; import it separately with --names and another --out` });
      continue;
    }
    const secretOwner = result.secret ? secretOwners.get(result.secret.name) : undefined;
    if (secretOwner !== undefined) {
      skipped.push({ name: profile.name, reason: `its secret name ${result.secret!.name} is the same as that of profile ${secretOwner} (! and # become _ in secret names)` });
      continue;
    }
    fileOwners.set(fileKey, profile.name);
    if (result.secret) secretOwners.set(result.secret.name, profile.name);
    profiles.push(result);
  }
  return { profiles, skipped };
}

export function importProfile(observed: ObservedProfile): ImportedProfile | SkippedProfile {
  const member = connectorMemberName(observed.connectorType);
  const propertiesShape = member ? connectorShapeId('properties', member) : undefined;
  if (!member || !propertiesShape) {
    return { name: observed.name, reason: `connector type ${observed.connectorType} has no connector profile properties in the AppFlow model` };
  }
  const omitted: ImportedProfile['omitted'] = [];
  for (const key of Object.keys(observed.properties)) {
    if (key !== member) omitted.push({ path: `connectorProfileConfig.connectorProfileProperties.${key}`, reason: `does not belong to connector type ${observed.connectorType}` });
  }
  const rawProperties = observed.properties[member];
  const connectorProperties = rawProperties !== null && typeof rawProperties === 'object' && !Array.isArray(rawProperties) ? (rawProperties as Record<string, unknown>) : {};
  const sanitized = sanitizeProperties(propertiesShape, connectorProperties, `connectorProfileConfig.connectorProfileProperties.${member}`);
  omitted.push(...sanitized.omitted);

  const layout = credentialLayoutFor(member, sanitized.value);
  const secretName = secretNameFor(observed.name);
  const credentials: Record<string, unknown> = {};
  for (const plain of layout.plain) setPath(credentials, plain.path, plain.value);
  const keys: string[] = [];
  for (const path of layout.secretMembers) {
    const key = secretJsonKey(path);
    keys.push(key);
    setPath(credentials, path, secretReference(secretName, key));
  }

  const config: Record<string, unknown> = { connectorProfileProperties: { [member]: sanitized.value } };
  if (Object.keys(credentials).length > 0) config['connectorProfileCredentials'] = { [member]: credentials };
  const document: Record<string, unknown> = { connectorProfileName: observed.name, connectorType: observed.connectorType };
  if (observed.connectorLabel !== undefined && observed.connectorLabel !== '') document['connectorLabel'] = observed.connectorLabel;
  document['connectionMode'] = observed.connectionMode;
  document['connectorProfileConfig'] = config;

  const imported: ImportedProfile = {
    name: observed.name,
    connectorType: observed.connectorType,
    fileName: fileNameFor(observed.name),
    document,
    plainMembers: layout.plain,
    notes: layout.notes,
    omitted,
  };
  if (keys.length > 0) imported.secret = { name: secretName, keys, profile: observed.name };
  return imported;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    if (next === undefined || next === null || typeof next !== 'object') node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}
