// Reads appflow-gitops.yaml (at the root of the profiles directory, or --config FILE) into an
// immutable AppConfig. Same machinery and message style as profile files: size and encoding
// checks, YAML with positions, the composed JSON Schema, did-you-mean for unknown keys. Never
// throws for anything in the file: problems come back as located diagnostics.
import { relative, resolve, sep } from 'node:path';
import type { Diagnostic } from '../model/types.js';
import { compareDiagnostics, hasErrors, makeDiagnostic } from '../desired/diagnostics.js';
import { parseProfileText, type ParsedDocument } from '../desired/parse-documents.js';
import { readProfileFile } from '../desired/read-profile-file.js';
import { schemaErrorsToDiagnostics } from '../desired/schema-errors.js';
import { defaultConfig, type AppConfig } from './app-config.js';
import type { ConfigSection } from './config-section.js';
import { validateConfigValue } from './config-schema.js';
import { configFilePath } from './config-file-path.js';
import { CONFIG_SECTIONS } from './sections.js';
import { implicitTarget, type TargetSettings } from './target-settings.js';
import { targetsSection } from './targets-section.js';

export interface ConfigLoadOptions {
  profilesDir: string;
  /** --config FILE; when absent, PROFILES_DIR/appflow-gitops.yaml if it exists. */
  configFile?: string;
  /** For tests of sections that are not (yet) in the shared list. */
  sections?: readonly ConfigSection[];
}

export interface ConfigLoad {
  /** Set when the file (if any) has no error. */
  config?: AppConfig;
  /** Errors and warnings, files relative to the profiles directory (as profile diagnostics). */
  diagnostics: Diagnostic[];
  /** Absolute path of the file that was read, if any (the profile loader skips it). */
  path?: string;
}

export { configFilePath };

/** Path relative to the profiles directory with '/' separators (so withDirectory() shows it from the cwd). */
function displayName(profilesDir: string, absolute: string): string {
  return relative(resolve(profilesDir), absolute).split(sep).join('/');
}

export async function loadConfig(opts: ConfigLoadOptions): Promise<ConfigLoad> {
  const path = configFilePath(opts);
  if (path === undefined) return { config: defaultConfig(), diagnostics: [] };
  const file = displayName(opts.profilesDir, path);
  const read = await readProfileFile(path, file);
  if ('diagnostic' in read) {
    const missing = read.diagnostic.message.includes('ENOENT');
    const diagnostic = missing ? { ...read.diagnostic, code: 'config.missing', message: 'config file does not exist (--config)' } : read.diagnostic;
    return { diagnostics: [diagnostic], path };
  }
  const parsed = parseProfileText(file, read.text, 'yaml');
  if (parsed.diagnostics.length > 0) return { diagnostics: parsed.diagnostics, path };
  const documents = parsed.documents.filter((d) => d.value !== null && d.value !== undefined);
  if (documents.length > 1) {
    return { diagnostics: [makeDiagnostic(documents[1]!.start, 'config.several-documents', 'the config file must hold one YAML document (found a second after ---)')], path };
  }
  const doc = documents[0];
  if (doc === undefined) return { config: Object.freeze({ ...defaultConfig(), file }), diagnostics: [], path };
  const outcome = checkConfigDocument(doc, opts.sections ?? CONFIG_SECTIONS);
  outcome.diagnostics.sort(compareDiagnostics);
  return outcome.config ? { config: Object.freeze({ ...outcome.config, file }), diagnostics: outcome.diagnostics, path } : { diagnostics: outcome.diagnostics, path };
}

/** Schema first; the sections' own checks only run on a schema-valid file (they rely on its shapes). */
export function checkConfigDocument(doc: ParsedDocument, sections: readonly ConfigSection[]): { config?: AppConfig; diagnostics: Diagnostic[] } {
  const value = doc.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const known = sections.map((s) => s.key).join(', ');
    return { diagnostics: [makeDiagnostic(doc.start, 'config.not-object', `the config file must be a mapping of sections (${known})`)] };
  }
  const diagnostics = schemaErrorsToDiagnostics(doc, validateConfigValue(value, sections));
  if (hasErrors(diagnostics)) return { diagnostics };

  const built = new Map<string, unknown>();
  for (const section of sections) {
    const present = Object.hasOwn(value, section.key);
    const result = section.build(present ? (value as Record<string, unknown>)[section.key] : undefined, doc);
    diagnostics.push(...result.diagnostics);
    if (present) built.set(section.key, result.value);
  }
  if (hasErrors(diagnostics)) return { diagnostics };
  const targets = (built.get(targetsSection.key) as readonly TargetSettings[] | undefined) ?? [implicitTarget()];
  return { config: { targets, sections: built }, diagnostics };
}
