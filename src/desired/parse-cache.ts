// Remembers what loading each profile file produced, between the passes of a long-running process
// (the daemon), so a pass parses, validates and locates only the files whose text changed.
// Parsing YAML with positions, validating and locating the secret references of 1,000 unchanged
// files was most of a warm no-op pass on this project's 2-core reference machine.
//
// The text itself is still read every pass (a cheap read) and is the cache key together with the
// path, the format and the loader's options: no mtime heuristics, so an edit is never missed.
// What is kept is plain data (values, diagnostics, positions), not the YAML trees, so a daemon
// holds a few KB per file; and it is copied in and out (clonePlain, below), because later stages own
// and may change what they are given (duplicate names drop a document, the plan fills values).
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
  loaded: LoadedFile;
}

export class ProfileParseCache {
  readonly #entries = new Map<string, Entry>();
  readonly #seen = new Set<string>();

  /**
   * What loading `text` at `key` (path) gave, if this exact text was loaded there before with the
   * same options (`variant`); a fresh copy every time.
   */
  get(key: string, text: string, format: 'yaml' | 'json', variant = ''): LoadedFile | undefined {
    this.#seen.add(key);
    const entry = this.#entries.get(key);
    if (!entry || entry.text !== text || entry.format !== format || entry.variant !== variant) return undefined;
    return clonePlain(entry.loaded);
  }

  /** Keeps a copy of `loaded`: the caller may go on changing its own. */
  set(key: string, text: string, format: 'yaml' | 'json', loaded: LoadedFile, variant = ''): void {
    this.#seen.add(key);
    this.#entries.set(key, { text, format, variant, loaded: clonePlain(loaded) });
  }

  /** Forgets every file not looked up since the previous sweep (deleted or renamed files). */
  sweep(): void {
    for (const key of this.#entries.keys()) if (!this.#seen.has(key)) this.#entries.delete(key);
    this.#seen.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** Deeper than any profile (the loader refuses nesting past MAX_NESTING_DEPTH): not a plain tree, let structuredClone decide. */
const PLAIN_CLONE_MAX_DEPTH = 64;

/**
 * A deep copy of plain data (objects, arrays, primitives: what loading a file gives). Copying
 * 1,000 cached files with structuredClone (serialise, then deserialise) was the loader's largest
 * cost in a warm pass; walking the values is several times faster. Anything else (a class
 * instance, a very deep value) is left to structuredClone, so the copy is never wrong.
 */
export function clonePlain<T>(value: T): T {
  const copied = copyPlain(value, 0);
  return copied === NOT_PLAIN ? structuredClone(value) : (copied as T);
}

const NOT_PLAIN = Symbol('not plain');

function copyPlain(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return typeof value === 'function' || typeof value === 'symbol' ? NOT_PLAIN : value;
  if (depth > PLAIN_CLONE_MAX_DEPTH) return NOT_PLAIN;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = copyPlain(value[i], depth + 1);
      if (item === NOT_PLAIN) return NOT_PLAIN;
      out[i] = item;
    }
    return out;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return NOT_PLAIN;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    // An own `__proto__` key (YAML allows it) would set the copy's prototype if assigned.
    if (key === '__proto__') return NOT_PLAIN;
    const item = copyPlain((value as Record<string, unknown>)[key], depth + 1);
    if (item === NOT_PLAIN) return NOT_PLAIN;
    out[key] = item;
  }
  return out;
}
