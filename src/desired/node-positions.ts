// Finds the yaml node behind a JSON-pointer path so every diagnostic points at the offending
// node: a value, a key (unknown fields), or the enclosing object (missing fields).
import type { Node, Pair } from 'yaml';
import type { SourceLocation } from '../model/types.js';
import { locate, type ParsedDocument } from './parse-documents.js';
import { yamlLibrary } from './yaml-library.js';

/** `/a/b~1c/0` → ['a', 'b/c', '0']. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Dotted display path: ['a', 'b', '0'] → `a.b[0]` (array indices in brackets). */
export function displayPath(segments: readonly string[]): string {
  let out = '';
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) out += `[${segment}]`;
    else out += out ? `.${segment}` : segment;
  }
  return out;
}

function pairFor(node: unknown, key: string): Pair<unknown, unknown> | undefined {
  const { isMap, isPair, isScalar } = yamlLibrary();
  if (!isMap(node)) return undefined;
  return node.items.find((pair) => isPair(pair) && isScalar(pair.key) && String(pair.key.value) === key);
}

/** The node at `segments`, or the deepest existing ancestor when the path does not exist. */
export function nodeAt(doc: ParsedDocument, segments: readonly string[]): Node | undefined {
  const { isAlias, isMap, isSeq } = yamlLibrary();
  let node = doc.yaml.contents as Node | null | undefined;
  for (const segment of segments) {
    if (!node || isAlias(node)) return node ?? undefined;
    let next: unknown;
    if (isMap(node)) next = pairFor(node, segment)?.value;
    else if (isSeq(node)) next = node.items[Number(segment)];
    if (!next || typeof next !== 'object') return node;
    node = next as Node;
  }
  return node ?? undefined;
}

function nodeLocation(doc: ParsedDocument, node: Node | undefined): SourceLocation {
  const offset = node?.range?.[0];
  return offset === undefined ? doc.start : locate(doc.start.file, doc.lineCounter, offset);
}

/** Location of the value at `segments`. */
export function valueLocation(doc: ParsedDocument, segments: readonly string[]): SourceLocation {
  return doc.scalarAt?.(segments) ?? nodeLocation(doc, nodeAt(doc, segments));
}

/** Location of the key `key` inside the object at `segments` (falls back to the object). */
export function keyLocation(doc: ParsedDocument, segments: readonly string[], key: string): SourceLocation {
  const parent = nodeAt(doc, segments);
  const pair = pairFor(parent, key);
  const keyNode = pair && yamlLibrary().isScalar(pair.key) ? (pair.key as Node) : parent;
  return nodeLocation(doc, keyNode);
}
