// Limits that bound what one profile file can cost, checked on the yaml parser's concrete syntax
// tree (CST) before any document is composed. The CST parser works with its own stack, but
// composing documents, converting them to plain values and validating them recurse once per
// nesting level, so a file of 6,000 `[` would exhaust the call stack; and a file of 100,000
// tiny documents costs seconds and gigabytes however small each one is.
import type { CST } from 'yaml';
import { yamlLibrary } from './yaml-library.js';

/** Deepest nesting of mappings and lists accepted; a connector profile needs fewer than 10. */
export const MAX_NESTING_DEPTH = 64;
/** Documents (`---`) in one file; a file of profiles for a whole fleet stays far below it. */
export const MAX_DOCUMENTS_PER_FILE = 1000;

export type CstScan =
  | { tokens: CST.Token[] }
  | { tooManyDocuments: number /* offset of the first document over the limit */ }
  | { tooDeep: number /* offset of the first collection over the limit */ };

/**
 * The file's CST tokens, or where it breaks a limit. Stops reading at the first document over the
 * limit, so a file of a million documents costs as much as one of a thousand.
 */
export function scanYamlStructure(text: string, addNewLine: (offset: number) => void): CstScan {
  const tokens: CST.Token[] = [];
  let documents = 0;
  for (const token of new (yamlLibrary().Parser)(addNewLine).parse(text)) {
    if (token.type === 'document') {
      documents++;
      if (documents > MAX_DOCUMENTS_PER_FILE) return { tooManyDocuments: token.offset };
      const deep = offsetBeyondDepth(token, MAX_NESTING_DEPTH);
      if (deep !== undefined) return { tooDeep: deep };
    }
    tokens.push(token);
  }
  return { tokens };
}

/** Offset of the first collection nested deeper than `limit`, found without recursion. */
export function offsetBeyondDepth(document: CST.Document, limit: number): number | undefined {
  const pending: [CST.Token, number][] = document.value ? [[document.value, 0]] : [];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [token, depth] = next;
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    if (depth + 1 > limit) return token.offset;
    for (const item of token.items) {
      if ('key' in item && item.key) pending.push([item.key, depth + 1]);
      if (item.value) pending.push([item.value, depth + 1]);
    }
  }
  return undefined;
}
