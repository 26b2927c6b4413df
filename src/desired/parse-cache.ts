// Remembers parsed profile files between the passes of a long-running process (the daemon), so a
// pass re-parses only the files whose text changed. Parsing YAML (with positions kept for
// diagnostics) is most of a pass's CPU time: for 1,000 unchanged files it was about a third of a
// no-op pass on this project's 2-core reference machine.
//
// The text itself is still read every pass (a cheap read) and is the cache key together with the
// path and format: no mtime heuristics, so an edit is never missed. What comes back is never an
// object a previous pass handed out: every document's plain value is rebuilt from the cached YAML
// tree (toJS), because later stages own and may change the values they are given. The YAML trees
// are only read (for diagnostic positions), never changed.
import { MAX_ALIAS_COUNT, type ParsedFile } from './parse-documents.js';

interface Entry {
  text: string;
  format: 'yaml' | 'json';
  parsed: ParsedFile;
}

export class ProfileParseCache {
  readonly #entries = new Map<string, Entry>();
  readonly #seen = new Set<string>();

  /** The parse of `text` at `key` (path), if this exact text was parsed there before; fresh values. */
  get(key: string, text: string, format: 'yaml' | 'json'): ParsedFile | undefined {
    this.#seen.add(key);
    const entry = this.#entries.get(key);
    if (!entry || entry.text !== text || entry.format !== format) return undefined;
    return {
      // Same aliases budget as parse-documents.ts: a value that converted once converts again.
      documents: entry.parsed.documents.map((doc) => ({ ...doc, start: { ...doc.start }, value: doc.yaml.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown })),
      diagnostics: [...entry.parsed.diagnostics],
      omittedDiagnostics: entry.parsed.omittedDiagnostics ?? 0,
    };
  }

  set(key: string, text: string, format: 'yaml' | 'json', parsed: ParsedFile): void {
    this.#seen.add(key);
    this.#entries.set(key, { text, format, parsed });
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
