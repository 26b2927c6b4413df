// `appflow-gitops import` as a function: read profiles from AppFlow, convert, write files, record
// them in the inventory. I/O goes through the ports handed in, so tests drive it with the real
// SDK adapters against the emulator and the CLI wires the real ones.
import { stat } from 'node:fs/promises';
import type { AppFlowPort, AwsTarget } from '../aws/ports.js';
import type { LoadResult, ObservedProfile, StateStore } from '../model/types.js';
import { importProfiles, type ImportedProfile, type SkippedProfile } from './import-profiles.js';
import { recordImportedProfiles, type ImportedRecordInput } from './record-imported.js';
import { buildImportSummary, type ImportSummary } from './summary.js';
import { planProfileFiles, writeProfileFiles } from './write-profile-file.js';
import { nameKeyed } from '../model/name-keyed.js';

export interface RunImportOptions {
  outDir: string;
  stateDir: string;
  /** Import only these profiles (DescribeConnectorProfiles by name). */
  names?: string[];
  /** Import only profiles of this connector type (canonical ConnectorType spelling). */
  connectorType?: string;
  force: boolean;
}

export interface RunImportDeps {
  appflow: AppFlowPort;
  target: AwsTarget;
  store: StateStore;
  /** The profiles-directory loader (src/desired/load-profiles.ts), used to check the written files. */
  loadProfiles: (dir: string) => Promise<LoadResult>;
  now?: () => Date;
}

/** A failure the user can act on; the CLI prints its message on one line. */
export class ImportError extends Error {
  override name = 'ImportError';
}

export interface RunImportResult {
  summary: ImportSummary;
  /** False when some profile was skipped or a written file does not validate. */
  ok: boolean;
  /** State-store warnings (e.g. unreadable state kept aside). */
  warnings: string[];
}

/**
 * The caller holds the state directory's lock before calling (the CLI takes it first thing): the
 * inventory is loaded, extended and saved below, and a state loaded without the lock could
 * overwrite what a daemon or an apply saved meanwhile.
 */
export async function runImport(deps: RunImportDeps, options: RunImportOptions): Promise<RunImportResult> {
  const observed = await readObserved(deps, options);
  const conversion = importProfiles(observed);
  const skipped: SkippedProfile[] = [...conversion.skipped];
  const importable = await withoutDefinitionsElsewhere(deps, options.outDir, conversion.profiles, skipped);
  if (importable.length === 0) {
    throw new ImportError(`nothing imported: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
  }

  const files = await planProfileFiles(options.outDir, importable, options.force);
  const refused = files.filter((file) => file.status === 'refused');
  if (refused.length > 0) {
    throw new ImportError(
      `refusing to overwrite ${refused.length === 1 ? 'a file that differs' : `${refused.length} files that differ`} from the import ` +
        `(${refused.map((f) => f.path).join(', ')}); nothing was written. Re-run with --force to overwrite them and see the changes`,
    );
  }
  await writeProfileFiles(options.outDir, files);

  const validation = await validateWritten(deps, options.outDir, new Set(files.map((f) => f.profile.fileName)));
  const valid = files.filter((file) => !validation.failedFiles.has(file.profile.fileName));
  const { recorded, warnings } = await recordInInventory(
    deps,
    valid.map((file) => ({ profile: file.profile, sourceFile: file.profile.fileName, keepExisting: file.status === 'unchanged' })),
  );

  const summary = buildImportSummary({
    target: deps.target.key,
    outDir: options.outDir,
    stateDir: options.stateDir,
    files,
    skipped,
    validation: validation.messages,
    recorded,
  });
  return { summary, ok: skipped.length === 0 && validation.messages.length === 0, warnings };
}

async function readObserved(deps: RunImportDeps, options: RunImportOptions): Promise<ObservedProfile[]> {
  const where = `AppFlow (${deps.target.key})`;
  let observed: ObservedProfile[];
  try {
    observed = options.names
      ? await deps.appflow.describeByNames(options.names)
      : await deps.appflow.describeAll(options.connectorType ? { connectorType: options.connectorType } : undefined);
  } catch (err) {
    // The cause lets the CLI add a "what to check" hint (src/cli/aws-failure-hint.ts).
    throw new ImportError(`reading connector profiles from ${where} failed: ${awsErrorText(err)}`, { cause: err });
  }
  if (options.names) {
    const found = new Set(observed.map((p) => p.name));
    const missing = options.names.filter((name) => !found.has(name));
    if (missing.length > 0) throw new ImportError(`no connector profile named ${missing.join(', ')} in ${where}`);
    if (options.connectorType) {
      const wrongType = observed.filter((p) => p.connectorType !== options.connectorType);
      if (wrongType.length > 0) {
        throw new ImportError(`${wrongType.map((p) => `${p.name} is a ${p.connectorType} profile`).join(', ')}, not ${options.connectorType}`);
      }
    }
  }
  if (observed.length === 0) {
    throw new ImportError(`no connector profiles found in ${where}${options.connectorType ? ` with connector type ${options.connectorType}` : ''}`);
  }
  return observed;
}

/**
 * A profile already defined in another file of the output directory would become a duplicate
 * name (an error for validate and plan), and --force cannot fix that: it only replaces the file
 * the importer would write. Such profiles are skipped with the location of the other definition.
 */
async function withoutDefinitionsElsewhere(deps: RunImportDeps, outDir: string, profiles: ImportedProfile[], skipped: SkippedProfile[]): Promise<ImportedProfile[]> {
  if (!(await isDirectory(outDir))) return profiles;
  const loaded = await deps.loadProfiles(outDir);
  const definedIn = new Map<string, string>();
  for (const desired of loaded.profiles) definedIn.set(desired.name, `${desired.source.file}:${desired.source.line}`);
  for (const invalid of loaded.invalid) if (invalid.name !== undefined) definedIn.set(invalid.name, `${invalid.source.file}:${invalid.source.line}`);
  return profiles.filter((profile) => {
    const location = definedIn.get(profile.name);
    if (location === undefined || location.startsWith(`${profile.fileName}:`)) return true;
    skipped.push({ name: profile.name, reason: `already defined in ${location} under ${outDir}; the import would duplicate it` });
    return false;
  });
}

async function validateWritten(deps: RunImportDeps, outDir: string, written: Set<string>): Promise<{ messages: string[]; failedFiles: Set<string> }> {
  const loaded = await deps.loadProfiles(outDir);
  const messages: string[] = [];
  const failedFiles = new Set<string>();
  for (const d of loaded.diagnostics) {
    if (d.severity !== 'error' || !written.has(d.file)) continue;
    failedFiles.add(d.file);
    messages.push(`${d.file}:${d.line}:${d.column}: ${d.path}: ${d.message}`);
  }
  return { messages, failedFiles };
}

async function recordInInventory(
  deps: RunImportDeps,
  imported: ImportedRecordInput[],
): Promise<{ recorded: number; warnings: string[] }> {
  if (imported.length === 0) return { recorded: 0, warnings: [] };
  const { state, warnings } = await deps.store.load();
  const key = deps.target.key;
  const current = state.targets[key] ?? { profiles: nameKeyed(), intents: nameKeyed() };
  const result = recordImportedProfiles(current, imported, (deps.now ?? (() => new Date()))());
  if (result.added.length === 0) return { recorded: 0, warnings };
  state.targets[key] = result.state;
  await deps.store.save(state);
  return { recorded: result.added.length, warnings };
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** `Code: message` of an SDK error, on one line and without a stack. */
export function awsErrorText(err: unknown): string {
  if (err instanceof Error) {
    const code = err.name && err.name !== 'Error' ? `${err.name}: ` : '';
    return `${code}${err.message.split('\n')[0]}`;
  }
  return String(err);
}
