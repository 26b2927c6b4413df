// Field-level diff of what UpdateConnectorProfile can change: `connectionMode` and
// `connectorProfileProperties`, both sides normalized first (see normalize.ts). Leaves are
// scalars and whole lists (a list is compared as one value: the model gives no reason to treat
// any AppFlow list as unordered).
import type { FieldChange } from '../model/types.js';
import { isDeepFrozen } from '../model/deep-frozen.js';
import { memoizeDeepFrozen } from './memo.js';
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
  const same = unchangedWhenEqual(desired.connectionMode, desired.properties, observed.connectionMode, observed.properties);
  if (same !== undefined) return { fields: [], unchanged: same };
  const afterProperties = canonicalProperties(desired.properties);
  const beforeProperties = canonicalProperties(observed.properties);
  // Compare first: nearly every profile of a pass is unchanged, and then every leaf is unchanged
  // (equal canonical trees have the same leaves with the same values). Only a difference builds the
  // field-by-field diff below, which gives the same answer for equal trees, only slower.
  if (modeOf(desired) === modeOf(observed) && plainEqual(afterProperties, beforeProperties)) {
    return { fields: [], unchanged: leafCountOf(afterProperties) + (modeOf(desired) === undefined ? 0 : 1) };
  }
  const before = leavesFrom(observed.connectionMode, beforeProperties);
  const after = leavesFrom(desired.connectionMode, afterProperties);
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

/**
 * The unchanged leaf count of a configuration equal as written and as described, else undefined
 * (then only diffConfiguration can tell). Normalization is a function of the value, so equal raw
 * trees have equal canonical trees, and the observed side (new objects every pass) need not be
 * normalized. Takes the members themselves: the planner's no-op allocates nothing to ask.
 */
export function unchangedWhenEqual(desiredMode: string | undefined, desiredProperties: unknown, observedMode: string | undefined, observedProperties: unknown): number | undefined {
  const mode = desiredMode ?? undefined;
  if (mode !== (observedMode ?? undefined) || !samePropertyTrees(desiredProperties, observedProperties)) return undefined;
  return canonicalLeafCountOf(desiredProperties) + (mode === undefined ? 0 : 1);
}

/**
 * A parse-cached document's properties, and the remembered Describe answer's properties last
 * found equal to them. The daemon's passes compare the same two deep-frozen trees while neither
 * the file nor the account changed (src/desired/parse-cache.ts, src/aws/remembered-reads.ts): the
 * answer is the one found before, and neither tree can have changed since.
 */
const equalObservedOf = new WeakMap<object, object>();

function samePropertyTrees(desired: unknown, observed: unknown): boolean {
  if (!isDeepFrozen(desired) || !isDeepFrozen(observed)) return plainEqual(desired, observed);
  if (equalObservedOf.get(desired) === observed) return true;
  const equal = plainEqual(desired, observed);
  if (equal) equalObservedOf.set(desired, observed);
  return equal;
}

/** Every leaf of a configuration, normalized, keyed by dotted path. */
export function leavesOf(config: ComparableConfiguration): Map<string, Leaf> {
  return leavesFrom(config.connectionMode, canonicalProperties(config.properties));
}

function leavesFrom(connectionMode: string | undefined, properties: Record<string, unknown>): Map<string, Leaf> {
  const leaves = new Map<string, Leaf>();
  if (connectionMode !== undefined && connectionMode !== null) {
    leaves.set('connectionMode', { path: 'connectionMode', segments: [], value: connectionMode });
  }
  collect(properties, [], leaves);
  return leaves;
}

/**
 * normalizeProperties, once per edit for a parse-cached document's properties (frozen, since every
 * pass shares it; see memo.ts), and once per answer for the daemon's remembered Describe answers
 * (src/aws/remembered-reads.ts). A one-shot command's answers are new objects: normalized each time.
 */
const canonicalProperties = memoizeDeepFrozen(normalizeProperties);

function modeOf(config: ComparableConfiguration): string | undefined {
  return config.connectionMode ?? undefined;
}

/** The leaf count of properties once normalized: one memo lookup for a parse-cached document's properties, not two. */
const canonicalLeafCountOf = memoizeDeepFrozen((properties: unknown) => leafCountOf(canonicalProperties(properties)));

/** leafCount, remembered for a parse-cached document's (deep-frozen) canonical properties: a warm pass's no-ops count each once per edit, not once per pass. */
const leafCountOf = memoizeDeepFrozen(leafCount);

/** The leaves `collect` would find: values that are not plain objects (lists are one leaf). */
function leafCount(value: unknown): number {
  if (!isPlainObject(value)) return 1;
  let count = 0;
  for (const key of Object.keys(value)) count += leafCount(value[key]);
  return count;
}

/** Deep equality of normalized data (plain objects, arrays, primitives compared with ===). */
function plainEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!plainEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b) || !isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (!Object.hasOwn(b, key) || !plainEqual(a[key], b[key])) return false;
  return true;
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
