// loadProfiles: the profiles directory → valid DesiredProfiles, invalid documents, and every
// diagnostic with its position. Never throws for anything found in the directory: a broken file
// becomes diagnostics, and `failedFiles` tells the planner that the desired state is incomplete.
import type { Diagnostic, DesiredProfile, InvalidProfile, LoadResult, SourceLocation } from '../model/types.js';
import { deepFreeze, isDeepFrozen } from '../model/deep-frozen.js';
import { collectCredentialReferences } from './credential-refs.js';
import { capPerFile, compareDiagnostics, makeDiagnostic } from './diagnostics.js';
import { discoverProfileFiles, type DiscoveredFile, type Discovery } from './discover-files.js';
import { statFile, type FileStat } from './file-identity.js';
import { rememberLoad, sameAsLastLoad } from './load-memo.js';
import { valueLocation } from './node-positions.js';
import { parseProfileText, parseProfileValues } from './parse-documents.js';
import type { CheckedDocument as Checked, LoadedFile, ProfileParseCache } from './parse-cache.js';
import { readProfileFile } from './read-profile-file.js';
import { validateDocument } from './validate-document.js';

export type { LoadResult };

/** Options of the loader (desired/ owns them: the model layer knows nothing of parsing). */
export interface LoadOptions {
  /** Accept plaintext credential strings (local experiments only; a warning diagnostic is emitted). */
  allowPlaintextCredentials?: boolean;
  /**
   * Parsed files kept between passes of a long-running process (the daemon): unchanged files are
   * not parsed again. Optional; one-shot commands do without.
   */
  parseCache?: ProfileParseCache;
  /** Absolute paths that are not profiles (a --config file inside the directory); DIR/appflow-gitops.yaml is always skipped. */
  excludeFiles?: readonly string[];
  /**
   * The targets a file belongs to (src/config/placement.ts): two documents with one name clash
   * only when they share a target. Default: every file in one scope.
   */
  scopesOf?: (relativePath: string) => readonly string[];
  /**
   * Load only these files (relative paths) of what discovery finds: the daemon's pass over the
   * files a watch event named (src/runtime/partial-pass.ts). Which files are profiles is still
   * decided by discovery; the result says nothing about the rest of the directory (never 'empty'),
   * and the parse cache is not swept (the other files were not looked at).
   */
  onlyFiles?: ReadonlySet<string>;
  /** The directory's discovery when the caller already made it (with `excludeFiles`): not made again. */
  discovery?: Discovery;
}

function formatLocation(at: SourceLocation): string {
  return `${at.file}:${at.line}:${at.column}`;
}

export async function loadProfiles(dir: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const discovery = onlyTheseFiles(opts.discovery ?? (await discoverProfileFiles(dir, opts.excludeFiles)), opts.onlyFiles);
  const result: LoadResult = { directory: discovery.directory, profiles: [], invalid: [], diagnostics: [...discovery.diagnostics], failedFiles: [...discovery.unreadable], filesRead: 0 };
  if (discovery.directory !== 'ok') return result;
  // A link that cannot be followed is a failed file: the plan shows it with its reason.
  for (const d of discovery.diagnostics) if (d.severity === 'error' && d.code !== 'file.unreadable') result.invalid.push({ source: locationOf(d), diagnostics: [d] });

  const checked: Checked[] = [];
  const omitted = new Map<string, number>();
  /** What each file gave (undefined when it failed): the previous load is handed out again when all are the same. */
  const loadedFiles: (LoadedFile | undefined)[] = [];
  for (let index = 0; index < discovery.files.length; index++) {
    const file = discovery.files[index]!;
    // Reading and parsing are synchronous work (see read-profile-file.ts): give timers and HTTP
    // requests (the daemon's probes) a turn every few dozen files.
    if (index > 0 && index % YIELD_EVERY_FILES === 0) await yieldToEventLoop();
    // One file can never stop the pass: whatever goes wrong inside is that file's diagnostic.
    const fileChecked: Checked[] = [];
    let loaded: LoadedFile | undefined;
    try {
      // A file the daemon's cache shows unchanged is settled here, without an await: most of a
      // warm pass's 1,000 files (the async read path costs each a promise and a turn).
      const known = unchangedFile(file, opts);
      loaded = known.loaded ? takeLoaded(known.loaded, file, result, fileChecked, omitted) : await loadFile(file, opts, result, fileChecked, omitted, known.stat);
      checked.push(...fileChecked);
    } catch (err) {
      loaded = undefined;
      const name = err instanceof Error ? err.constructor.name : typeof err;
      const diagnostic = makeDiagnostic({ file: file.relativePath, line: 1, column: 1 }, 'file.internal', `file could not be loaded (internal ${name}); the other files are unaffected`);
      result.diagnostics = result.diagnostics.filter((d) => d.file !== file.relativePath);
      result.invalid = result.invalid.filter((entry) => entry.source.file !== file.relativePath);
      result.diagnostics.push(diagnostic);
      result.invalid.push({ source: locationOf(diagnostic), diagnostics: [diagnostic] });
      omitted.delete(file.relativePath);
    }
    loadedFiles.push(loaded);
  }
  const cache = opts.onlyFiles ? undefined : opts.parseCache;
  cache?.sweep();
  const again = cache && sameAsLastLoad(cache, loadedFiles, result);
  if (again) return again;

  const nameRepeated = markDuplicateNames(checked, opts.scopesOf);

  for (const { start, verdict, credentialRefs } of checked) {
    result.diagnostics.push(...verdict.diagnostics);
    if (verdict.omittedDiagnostics) omitted.set(start.file, (omitted.get(start.file) ?? 0) + verdict.omittedDiagnostics);
    if (verdict.document && verdict.name !== undefined) {
      const { lifecycle, document } = withoutLifecycle(verdict.document);
      result.profiles.push({ name: verdict.name, document, source: start, credentialRefs, ...(lifecycle ? { lifecycle } : {}) });
    } else {
      const invalid: InvalidProfile = { source: start, diagnostics: verdict.diagnostics };
      if (verdict.name !== undefined) invalid.name = verdict.name;
      result.invalid.push(invalid);
    }
  }

  const failed = new Set(result.failedFiles);
  for (const d of result.diagnostics) if (d.severity === 'error' && d.file) failed.add(d.file);
  result.failedFiles = [...failed].sort();
  result.diagnostics = capPerFile(result.diagnostics.sort(compareDiagnostics), omitted);
  if (checked.length === 0 && result.failedFiles.length === 0 && !opts.onlyFiles) result.directory = 'empty';
  return cache ? rememberLoad(cache, loadedFiles, result, nameRepeated) : result;
}

/** The part of a discovery that concerns `only` (every file when undefined). */
function onlyTheseFiles(discovery: Discovery, only: ReadonlySet<string> | undefined): Discovery {
  if (!only) return discovery;
  return {
    ...discovery,
    files: discovery.files.filter((f) => only.has(f.relativePath)),
    diagnostics: discovery.diagnostics.filter((d) => only.has(d.file)),
    unreadable: discovery.unreadable.filter((path) => only.has(path)),
  };
}

function cacheKey(file: DiscoveredFile): string {
  return `${file.absolutePath}\u0000${file.relativePath}`;
}

function cacheVariant(opts: LoadOptions): string {
  return opts.allowPlaintextCredentials === true ? 'plaintext' : '';
}

/**
 * The daemon: one stat first, and no read at all while it shows the file last read unchanged
 * (`loaded`). `stat` is for the read when it must be made (undefined without a cache).
 */
function unchangedFile(file: DiscoveredFile, opts: LoadOptions): { loaded?: LoadedFile; stat?: FileStat } {
  const cache = opts.parseCache;
  if (!cache) return {};
  const stat = statFile(file.absolutePath, cache.now());
  if (!stat) return {};
  const loaded = cache.unchanged(cacheKey(file), stat, file.format, cacheVariant(opts));
  return loaded ? { loaded, stat } : { stat };
}

/**
 * Reads, parses and validates one file into `result` (read and parse problems) and `checked` (its
 * documents); returns what loading it gave (undefined when it could not be read). `stat`: the
 * file's, taken by unchangedFile just before (the daemon's cache keeps it with the text).
 */
async function loadFile(file: DiscoveredFile, opts: LoadOptions, result: LoadResult, checked: Checked[], omitted: Map<string, number>, stat: FileStat | undefined): Promise<LoadedFile | undefined> {
  const cache = opts.parseCache;
  const key = cacheKey(file);
  const variant = cacheVariant(opts);
  const read = await readProfileFile(file.absolutePath, file.relativePath);
  if ('diagnostic' in read) {
    result.diagnostics.push(read.diagnostic);
    result.invalid.push({ source: locationOf(read.diagnostic), diagnostics: [read.diagnostic] });
    return undefined;
  }
  let loaded = cache?.get(key, read.text, file.format, variant, stat);
  if (!loaded) {
    loaded = checkFileText(file.relativePath, read.text, file.format, opts.allowPlaintextCredentials === true);
    // The cache's own (frozen) copy from this pass on, so every pass hands out the same objects.
    if (cache) loaded = cache.set(key, read.text, file.format, loaded, variant, stat);
  }
  return takeLoaded(loaded, file, result, checked, omitted);
}

/** What one file gave, into `result` (its parse problems) and `checked` (its documents). */
function takeLoaded(loaded: LoadedFile, file: DiscoveredFile, result: LoadResult, checked: Checked[], omitted: Map<string, number>): LoadedFile {
  result.filesRead++;
  if (loaded.omittedDiagnostics) omitted.set(file.relativePath, loaded.omittedDiagnostics);
  if (loaded.diagnostics.length > 0) {
    result.diagnostics.push(...loaded.diagnostics);
    result.invalid.push({ source: locationOf(loaded.diagnostics[0]!), diagnostics: loaded.diagnostics });
  }
  checked.push(...loaded.documents);
  return loaded;
}

/** Parses and validates one file's text: a pure function of it (what the parse cache keeps). */
function checkFileText(relativePath: string, text: string, format: 'yaml' | 'json', allowPlaintextCredentials: boolean): LoadedFile {
  // Values only, when the fast parse is sure of the file; positions come on first use (a diagnostic).
  const parsed = parseProfileValues(relativePath, text, format) ?? parseProfileText(relativePath, text, format);
  const documents: Checked[] = [];
  for (const doc of parsed.documents) {
    if (doc.value === null || doc.value === undefined) continue; // empty document (comments only, trailing ---)
    const verdict = validateDocument(doc, allowPlaintextCredentials);
    const nameAt = verdict.name === undefined ? doc.start : valueLocation(doc, ['connectorProfileName']);
    const credentialRefs = verdict.document
      ? collectCredentialReferences(verdict.document).map(({ path, ref }) => ({
          // Spelled out: V8 gives each `{ ...ref, source }` a hidden class of its own (about 3 MB of
          // them at 10,000 profiles), where one literal shape is shared by all.
          path,
          ref,
          source: valueLocation(doc, ['connectorProfileConfig', 'connectorProfileCredentials', ...path]),
        }))
      : [];
    documents.push({ start: doc.start, nameAt, verdict, credentialRefs });
  }
  return { diagnostics: parsed.diagnostics, omittedDiagnostics: parsed.omittedDiagnostics ?? 0, documents };
}

type ValidDocument = NonNullable<Checked['verdict']['document']>;
type SplitDocument = { document: DesiredProfile['document']; lifecycle: DesiredProfile['lifecycle'] };

/** Split once per deep-frozen (parse-cached) document, so its profile's document is the same object every pass. */
const splitDocuments = new WeakMap<ValidDocument, SplitDocument>();

/** `lifecycle:` is this tool's, not AppFlow's: out of the document before anything could send it. */
function withoutLifecycle(valid: ValidDocument): SplitDocument {
  const known = splitDocuments.get(valid);
  if (known) return known;
  const { lifecycle, ...document } = valid;
  const split = { document, lifecycle };
  if (!isDeepFrozen(valid)) return split;
  deepFreeze(split);
  splitDocuments.set(valid, split);
  return split;
}

/** Files read and parsed between two turns of the event loop (a few ms of work). */
const YIELD_EVERY_FILES = 50;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function locationOf(d: Diagnostic): SourceLocation {
  return { file: d.file, line: d.line, column: d.column };
}

/**
 * The same name in two documents: both are errors (neither wins), each naming the other. With
 * targets, only documents that share a target clash (`opts.scopesOf` names a file's targets):
 * the same name in two accounts is two profiles. Returns true when any name appears more than
 * once, whether or not the copies clash.
 */
function markDuplicateNames(checked: Checked[], scopesOf: (file: string) => readonly string[] = () => ['']): boolean {
  const byName = new Map<string, number[]>();
  for (const [index, entry] of checked.entries()) {
    if (entry.verdict.name === undefined) continue;
    const group = byName.get(entry.verdict.name) ?? [];
    group.push(index);
    byName.set(entry.verdict.name, group);
  }
  let repeated = false;
  for (const [name, indices] of byName) {
    if (indices.length < 2) continue;
    repeated = true;
    const group = indices.map((index) => checked[index]!);
    const scopes = group.map((entry) => new Set(scopesOf(entry.start.file)));
    const clashes = group.map((_, i) => group.map((__, j) => j).filter((j) => j !== i && [...scopes[i]!].some((scope) => scopes[j]!.has(scope))));
    group.forEach((entry, i) => {
      if (clashes[i]!.length === 0) return;
      const others = clashes[i]!.map((j) => formatLocation(group[j]!.nameAt)).join(', ');
      // A copy of the entry with its own verdict: a parse-cached entry is frozen and shared by
      // every pass, and the clash must not stick to the file once the other copy is gone.
      const { document: _dropped, ...verdict } = entry.verdict;
      checked[indices[i]!] = {
        ...entry,
        verdict: {
          ...verdict,
          diagnostics: [
            ...entry.verdict.diagnostics,
            makeDiagnostic(entry.nameAt, 'profile.duplicate-name', `connectorProfileName '${name}' is also defined at ${others}; each profile must be defined once`, 'connectorProfileName'),
          ],
        },
      };
    });
  }
  return repeated;
}

export type { DesiredProfile };
