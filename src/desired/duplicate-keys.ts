// Duplicate mapping keys, found in linear time. The yaml library's own check (uniqueKeys)
// compares each key with every earlier key of its mapping, which for a 1 MiB mapping of 100,000
// distinct keys took minutes; a set per mapping finds the same duplicates in milliseconds.
import type { Document } from 'yaml';
import { yamlLibrary } from './yaml-library.js';

/** Start offsets of the keys that repeat an earlier key of the same mapping (the library's rule: equal scalar values). */
export function duplicateKeyOffsets(doc: Document.Parsed): number[] {
  const offsets: number[] = [];
  const { isMap, isScalar, visit } = yamlLibrary();
  visit(doc, {
    Map(_key, map) {
      if (!isMap(map)) return;
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        if (seen.has(pair.key.value)) offsets.push(pair.key.range?.[0] ?? 0);
        else seen.add(pair.key.value);
      }
    },
  });
  return offsets;
}
