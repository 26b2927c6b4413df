// What `import` tells the user: files written, secrets to create (with placeholder values only:
// the real values cannot be read from AppFlow and are never known to this tool), what was assumed
// or left out. One data structure, rendered as text for people and as versioned JSON for scripts.
import type { SkippedProfile } from './import-profiles.js';
import type { FileStatus, PlannedProfileFile } from './write-profile-file.js';

export const KMS_ARN_NOTE =
  'kmsArn cannot be read back from AppFlow: every file leaves it out, so each profile keeps the KMS key it uses today.';
export const CREDENTIALS_NOTE =
  'Credential values cannot be read back from AppFlow: create the secrets below (with the real values) before plan/apply.';

export interface SecretInstruction {
  name: string;
  profile: string;
  keys: string[];
  /** `aws secretsmanager create-secret ...` with `<key>` placeholders instead of values. */
  createCommand: string;
}

export interface ImportSummary {
  formatVersion: '1';
  target: string;
  outDir: string;
  stateDir: string;
  profiles: {
    name: string;
    connectorType: string;
    file: string;
    status: FileStatus;
    secret?: string;
    assumptions: string[];
    omitted: { path: string; reason: string }[];
    diff?: string;
  }[];
  skipped: SkippedProfile[];
  secrets: SecretInstruction[];
  notes: string[];
  /** Problems the loader found in the written files (should be none). */
  validation: string[];
  /** Profiles recorded in the inventory as imported. */
  recorded: number;
}

export function secretInstruction(secret: { name: string; profile: string; keys: string[] }): SecretInstruction {
  const placeholder: Record<string, string> = {};
  for (const key of secret.keys) placeholder[key] = `<${key}>`;
  return {
    name: secret.name,
    profile: secret.profile,
    keys: secret.keys,
    createCommand: `aws secretsmanager create-secret --name ${shellQuote(secret.name)} --secret-string ${shellQuote(JSON.stringify(placeholder))}`,
  };
}

export function buildImportSummary(input: {
  target: string;
  outDir: string;
  stateDir: string;
  files: PlannedProfileFile[];
  skipped: SkippedProfile[];
  validation: string[];
  recorded: number;
}): ImportSummary {
  return {
    formatVersion: '1',
    target: input.target,
    outDir: input.outDir,
    stateDir: input.stateDir,
    profiles: input.files.map((file) => {
      const entry: ImportSummary['profiles'][number] = {
        name: file.profile.name,
        connectorType: file.profile.connectorType,
        file: file.path,
        status: file.status,
        assumptions: file.profile.notes,
        omitted: file.profile.omitted,
      };
      if (file.profile.secret) entry.secret = file.profile.secret.name;
      if (file.diff) entry.diff = file.diff;
      return entry;
    }),
    skipped: input.skipped,
    secrets: input.files.flatMap((file) => (file.profile.secret ? [secretInstruction(file.profile.secret)] : [])),
    notes: [CREDENTIALS_NOTE, KMS_ARN_NOTE],
    validation: input.validation,
    recorded: input.recorded,
  };
}

export function renderImportSummaryText(summary: ImportSummary): string {
  const lines: string[] = [];
  for (const profile of summary.profiles) {
    if (profile.diff) lines.push(profile.diff.trimEnd(), '');
  }
  lines.push(`Imported ${plural(summary.profiles.length, 'connector profile')} from ${summary.target} into ${summary.outDir}:`);
  const width = Math.max(0, ...summary.profiles.map((p) => p.file.length));
  for (const profile of summary.profiles) {
    lines.push(`  ${profile.status.padEnd(11)} ${profile.file.padEnd(width)}  ${profile.name} (${profile.connectorType})`);
    for (const field of profile.omitted) lines.push(`              left out ${field.path}: ${field.reason}`);
  }
  if (summary.skipped.length > 0) {
    lines.push('', `Not imported (${summary.skipped.length}):`);
    for (const skipped of summary.skipped) lines.push(`  ${skipped.name}: ${skipped.reason}`);
  }
  lines.push('', CREDENTIALS_NOTE);
  if (summary.secrets.length === 0) lines.push('  (no secrets needed)');
  for (const secret of summary.secrets) {
    lines.push(`  ${secret.name}  (profile ${secret.profile})  keys: ${secret.keys.join(', ')}`);
    lines.push(`    ${secret.createCommand}`);
  }
  lines.push('', KMS_ARN_NOTE);
  const assumed = summary.profiles.filter((p) => p.assumptions.length > 0);
  if (assumed.length > 0) lines.push('Some credential mechanisms were assumed; check the comments at the top of these files: ' + assumed.map((p) => p.file).join(', '));
  if (summary.validation.length > 0) {
    lines.push('', 'The written files do not pass validate:');
    for (const problem of summary.validation) lines.push(`  ${problem}`);
  }
  if (summary.recorded > 0) {
    lines.push('', `Recorded ${plural(summary.recorded, 'profile')} in the inventory (${summary.stateDir}) as imported; the first apply sends their credentials once.`);
  }
  return `${lines.join('\n')}\n`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** POSIX single-quoting: safe for any text, including the JSON placeholders. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9/_+=.@,:-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
