// Canonical form of `connectorProfileProperties`, so that values the service fills in or formats
// differently never show up as perpetual diffs. Both sides (the document and what Describe
// returns) go through the same function; the diff then compares canonical values only.
//
// Rules (each is documented in docs/plan.md (Normalization) and tested in test/planner/normalize.test.ts):
//  1. Key order is irrelevant: objects come out with sorted keys.
//  2. Members equal to the model's `smithy.api#default` are dropped (read from the vendored model,
//     not hard-coded): today every AppFlow boolean (`isSandboxEnvironment`,
//     `usePrivateLinkForMetadataAndAuthorization`, `isRedshiftServerless`, `disableSSO`, ...)
//     defaults to false, so `false` and "absent" compare equal.
//  3. null, empty objects, empty maps and empty lists are the same as absent.
//  4. Snowflake `stage` may come back with an `@` prefix: one leading `@` is ignored.
// Not a rule: integers and numeric strings are NOT coerced. The model types the only numeric
// property (SAPOData `portNumber`) as an integer and the schema only accepts integers, so there
// is nothing the service would coerce.
import { getShape, loadSmithyModel, memberConstraints, type Shape, type SmithyModel } from '../smithy/model.js';

export const PROPERTIES_SHAPE_ID = 'com.amazonaws.appflow#ConnectorProfileProperties';

/** Value rewrites for specific members, keyed `shapeId$member`. */
const VALUE_RULES: Record<string, (value: unknown) => unknown> = {
  // Terraform's AWS provider documents that AppFlow may return the stage as `@DB.SCHEMA.STAGE`.
  'com.amazonaws.appflow#SnowflakeConnectorProfileProperties$stage': (value) =>
    typeof value === 'string' && value.startsWith('@') ? value.slice(1) : value,
};

let cachedModel: SmithyModel | undefined;
function model(): SmithyModel {
  cachedModel ??= loadSmithyModel('appflow-connector-profiles.json');
  return cachedModel;
}

function shapeOrUndefined(id: string | undefined): Shape | undefined {
  if (!id) return undefined;
  try {
    return getShape(model(), id);
  } catch {
    return undefined;
  }
}

/** Canonical `connectorProfileProperties` ({} when nothing remains). */
export function normalizeProperties(properties: unknown): Record<string, unknown> {
  const normalized = normalizeValue(properties, PROPERTIES_SHAPE_ID);
  return isPlainObject(normalized) ? normalized : {};
}

/**
 * Canonical form of `value` whose model shape is `shapeId` (undefined when the value is not in the
 * model, e.g. a key of a free-form map: then only the generic rules 1 and 3 apply).
 * Returns undefined for "absent".
 */
export function normalizeValue(value: unknown, shapeId: string | undefined): unknown {
  if (value === null || value === undefined) return undefined;
  const shape = shapeOrUndefined(shapeId);
  if (Array.isArray(value)) {
    const itemShape = shape?.type === 'list' ? shape.member?.target : undefined;
    const items = value.map((item) => normalizeValue(item, itemShape)).filter((item) => item !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const child = normalizeChild(shape, shapeId, key, value[key]);
      if (child !== undefined) out[key] = child;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value;
}

function normalizeChild(shape: Shape | undefined, shapeId: string | undefined, key: string, raw: unknown): unknown {
  if (shape?.type === 'map') return normalizeValue(raw, shape.value?.target);
  const member = shape?.type === 'structure' ? shape.members?.[key] : undefined;
  if (!member) return normalizeValue(raw, undefined);
  const rule = VALUE_RULES[`${shapeId}$${key}`];
  const child = normalizeValue(rule ? rule(raw) : raw, member.target);
  const { defaultValue } = memberConstraints(model(), member);
  if (defaultValue !== undefined && child !== undefined && canonicalJson(child) === canonicalJson(defaultValue)) {
    return undefined;
  }
  return child;
}

/**
 * The model's default for the member at `path` below `connectorProfileProperties`
 * (e.g. ['Salesforce', 'isSandboxEnvironment'] → false). Used to show `false -> true` rather than
 * `null -> true` when a defaulted member is set.
 */
export function modelDefaultAt(path: readonly string[]): unknown {
  let shapeId: string | undefined = PROPERTIES_SHAPE_ID;
  let defaultValue: unknown;
  for (const segment of path) {
    const shape = shapeOrUndefined(shapeId);
    if (!shape) return undefined;
    if (shape.type === 'map') {
      shapeId = shape.value?.target;
      defaultValue = undefined;
      continue;
    }
    const member = shape.type === 'structure' ? shape.members?.[segment] : undefined;
    if (!member) return undefined;
    defaultValue = memberConstraints(model(), member).defaultValue;
    shapeId = member.target;
  }
  return defaultValue;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** JSON with recursively sorted object keys: equal values give equal text whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeysDeep(value));
}

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      if (value[key] !== undefined) out[key] = sortKeysDeep(value[key]);
    }
    return out;
  }
  return value;
}
