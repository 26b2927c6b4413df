// Remembers what loading each profile file produced, between the passes of a long-running process
// (the daemon), so a pass parses, validates and locates only the files whose text changed.
// Parsing YAML with positions, validating and locating the secret references of 1,000 unchanged
// files was most of a warm no-op pass on this project's 2-core reference machine.
//
// The text is the cache key together with the path, the format and the loader's options. A file
// is not even read again while one stat shows it unchanged since a read (device, inode, size,
// modification and change times: git's index check, see src/desired/file-identity.ts), which
// skips the open, read, close and UTF-8 check of 1,000 files per warm pass; a file written less
// than two seconds before its stat is read every time (the racy case), so an edit is never missed.
// What is kept is plain data (values, diagnostics, positions), not the YAML trees, so a daemon
// holds a few KB per file. A clean file (no diagnostic at all: nearly every file of a fleet) is
// kept deep-frozen and handed out as is, the same objects every pass: copying 1,000 documents per
// pass was a tenth of a warm pass, and the same objects let the planner remember what it derived
// from them (digests, canonical forms, fingerprints: see src/planner/memo.ts). Frozen, so a stage
// that tried to change one would throw rather than change the next pass (the loader copies what it
// changes: a duplicate name drops a document). A file with diagnostics is copied out, as before.
import { clonePlain } from '../model/clone-plain.js';
import { deepFreeze } from '../model/deep-frozen.js';
import { sameIdentity, settled, type FileIdentity, type FileStat } from './file-identity.js';
import type { CredentialReference, Diagnostic, SourceLocation } from '../model/types.js';
import type { DocumentVerdict } from './validate-document.js';

/** A validated document, without its YAML tree: only the positions needed later. */
export interface CheckedDocument {
  start: SourceLocation;
  /** Where connectorProfileName's value is (duplicate-name diagnostics point there). */
  nameAt: SourceLocation;
  verdict: DocumentVerdict;
  /** The document's secret references, each with the position of its value (plan errors point there). */
  credentialRefs: CredentialReference[];
}

/** Everything loading one file's text produced: its parse problems and its checked documents. */
export interface LoadedFile {
  /** Parse problems (at most MAX_DIAGNOSTICS_PER_FILE). */
  diagnostics: Diagnostic[];
  /** Parse problems counted beyond that cap. */
  omittedDiagnostics: number;
  documents: CheckedDocument[];
}

interface Entry {
  text: string;
  format: 'yaml' | 'json';
  variant: string;
  /** Deep-frozen. */
  loaded: LoadedFile;
  /** True when `loaded` has no diagnostic: handed out as is (frozen), not copied. */
  clean: boolean;
  /** The sweep generation in which this file was last looked up or stored. */
  seenIn: number;
  /** The file's identity just before `text` was read, when that stat can stand for the text (settled). */
  identity?: FileIdentity;
}

// Moved to src/model/ (the state store copies its cached snapshot with it too); still exported here.
export { clonePlain };

export interface ParseCacheOptions {
  /** The wall clock (ms) that stats are compared with; tests move it. */
  now?: () => number;
}

export class ProfileParseCache {
  readonly #entries = new Map<string, Entry>();
  /** Sweeps so far; an entry not seen in the current generation is gone from the directory. */
  #generation = 0;
  /** Entries seen in the current generation: when all were, a sweep has nothing to look at. */
  #seenCount = 0;
  /** The wall clock (ms): take it just before a stat (statFile's `takenAtMs`). */
  readonly now: () => number;

  constructor(options: ParseCacheOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /**
   * What loading the file at `key` gave, without reading it: only when `stat` (taken just now)
   * shows the very file whose text was last read there, stat'ed just before that read and settled
   * by then (see file-identity.ts), with the same format and options. Otherwise undefined: read
   * the file and ask `get`.
   */
  unchanged(key: string, stat: FileStat, format: 'yaml' | 'json', variant = ''): LoadedFile | undefined {
    const entry = this.#entries.get(key);
    if (!entry?.identity || entry.format !== format || entry.variant !== variant || !sameIdentity(entry.identity, stat.identity)) return undefined;
    this.#see(entry);
    return this.#handOut(entry);
  }

  /**
   * What loading `text` at `key` (path) gave, if this exact text was loaded there before with the
   * same options (`variant`). A clean file's result is the stored one, deep-frozen (the same
   * objects every time); one with diagnostics is a fresh copy every time. `stat`: the file's,
   * taken just before `text` was read, remembered for `unchanged` when it is settled.
   */
  get(key: string, text: string, format: 'yaml' | 'json', variant = '', stat?: FileStat): LoadedFile | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#see(entry);
    if (entry.text !== text || entry.format !== format || entry.variant !== variant) return undefined;
    entry.identity = identityToKeep(stat);
    return this.#handOut(entry);
  }

  /**
   * Keeps a frozen copy of `loaded` (the caller may go on changing its own) and returns what a
   * `get` of the same text would: the stored value for a clean file, so the caller can use the
   * same objects from this pass on. `stat` as for `get`.
   */
  set(key: string, text: string, format: 'yaml' | 'json', loaded: LoadedFile, variant = '', stat?: FileStat): LoadedFile {
    const clean = isClean(loaded);
    const stored = deepFreeze(clonePlain(loaded));
    // A replaced entry already counted as seen in this generation is not counted twice.
    const seenIn = this.#entries.get(key)?.seenIn ?? this.#generation - 1;
    const identity = identityToKeep(stat);
    const entry: Entry = { text, format, variant, loaded: stored, clean, seenIn, ...(identity ? { identity } : {}) };
    this.#entries.set(key, entry);
    this.#see(entry);
    return clean ? stored : loaded;
  }

  #handOut(entry: Entry): LoadedFile {
    return entry.clean ? entry.loaded : clonePlain(entry.loaded);
  }

  /**
   * Forgets every file not looked up since the previous sweep (deleted or renamed files). When every
   * entry was seen (a pass over an unchanged directory), there is nothing to look at.
   */
  sweep(): void {
    if (this.#seenCount < this.#entries.size) {
      for (const [key, entry] of this.#entries) if (entry.seenIn !== this.#generation) this.#entries.delete(key);
    }
    this.#generation += 1;
    this.#seenCount = 0;
  }

  #see(entry: Entry): void {
    if (entry.seenIn === this.#generation) return;
    entry.seenIn = this.#generation;
    this.#seenCount += 1;
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** A stat stands for the text read after it only when the file had settled (file-identity.ts). */
function identityToKeep(stat: FileStat | undefined): FileIdentity | undefined {
  return stat && settled(stat) ? stat.identity : undefined;
}

function isClean(loaded: LoadedFile): boolean {
  return loaded.diagnostics.length === 0 && loaded.omittedDiagnostics === 0 && loaded.documents.every((d) => d.verdict.diagnostics.length === 0 && !d.verdict.omittedDiagnostics);
}
