// Field-level diff of what UpdateConnectorProfile can change: `connectionMode` and
// `connectorProfileProperties`, both sides normalized first (see normalize.ts). Leaves are
// scalars and whole lists (a list is compared as one value: the model gives no reason to treat
// any AppFlow list as unordered).
import type { FieldChange } from '../model/types.js';
import { canonicalJson, isPlainObject, modelDefaultAt, normalizeProperties } from './normalize.js';

export const PROPERTIES_PATH = 'connectorProfileProperties';

export interface ComparableConfiguration {
  connectionMode?: string;
  /** `connectorProfileProperties`, raw (normalized here). */
  properties?: unknown;
}

export interface ConfigurationDiff {
  fields: FieldChange[];
  /** Leaves compared and found equal. */
  unchanged: number;
}

export interface Leaf {
  /** Dotted path including the `connectorProfileProperties.` prefix. */
  path: string;
  /** Segments below `connectorProfileProperties` (empty for top-level fields). */
  segments: string[];
  value: unknown;
}

/** Diff desired against observed. Fields come out sorted by path. */
export function diffConfiguration(desired: ComparableConfiguration, observed: ComparableConfiguration): ConfigurationDiff {
  const before = leavesOf(observed);
  const after = leavesOf(desired);
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort(comparePaths);
  const fields: FieldChange[] = [];
  let unchanged = 0;
  for (const path of paths) {
    const b = before.get(path);
    const a = after.get(path);
    if (b && a && canonicalJson(b.value) === canonicalJson(a.value)) {
      unchanged += 1;
      continue;
    }
    const segments = (a ?? b)!.segments;
    fields.push({
      path,
      before: b ? b.value : displayDefault(segments),
      after: a ? a.value : displayDefault(segments),
      sensitive: false,
      forcesReplacement: false,
    });
  }
  return { fields, unchanged };
}

/** Every leaf of a configuration, normalized, keyed by dotted path. */
export function leavesOf(config: ComparableConfiguration): Map<string, Leaf> {
  const leaves = new Map<string, Leaf>();
  if (config.connectionMode !== undefined && config.connectionMode !== null) {
    leaves.set('connectionMode', { path: 'connectionMode', segments: [], value: config.connectionMode });
  }
  collect(normalizeProperties(config.properties), [], leaves);
  return leaves;
}

function collect(value: unknown, segments: string[], leaves: Map<string, Leaf>): void {
  if (isPlainObject(value)) {
    for (const key of Object.keys(value)) collect(value[key], [...segments, key], leaves);
    return;
  }
  const path = formatPath(PROPERTIES_PATH, segments);
  leaves.set(path, { path, segments, value });
}

/** `a.b.c`, with keys that are not plain identifiers (free-form map keys) written `["key"]`. */
export function formatPath(prefix: string, segments: readonly string[]): string {
  let path = prefix;
  for (const segment of segments) {
    path += /^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
  }
  return path;
}

/** An absent leaf is shown as the model default when it has one (normalization dropped it). */
function displayDefault(segments: string[]): unknown {
  return segments.length === 0 ? undefined : modelDefaultAt(segments);
}

/** connectionMode first, then properties by path. */
function comparePaths(a: string, b: string): number {
  if (a === b) return 0;
  if (a === 'connectionMode') return -1;
  if (b === 'connectionMode') return 1;
  return a < b ? -1 : 1;
}
