// Keeps the observed connector properties that a profile file may hold, and lists what it drops.
// Describe may return fields that CreateConnectorProfile does not accept (read-only or newer
// fields, nulls); writing them would make the imported file fail `validate`. Dropping nothing
// else matters just as much: every accepted value must survive, or the first plan would show a
// change the user never made. Pure.
import { shapeById } from './connector-shapes.js';

export interface SanitizedProperties {
  value: Record<string, unknown>;
  /** Dotted paths of observed fields that were left out, with why. */
  omitted: { path: string; reason: string }[];
}

/** `properties` is the observed `connectorProfileProperties.<member>` object; `shapeId` its model structure. */
export function sanitizeProperties(shapeId: string, properties: Record<string, unknown>, basePath: string): SanitizedProperties {
  const omitted: SanitizedProperties['omitted'] = [];
  const value = sanitizeStructure(shapeId, properties, basePath, omitted);
  return { value, omitted };
}

function sanitizeStructure(shapeId: string, input: Record<string, unknown>, path: string, omitted: SanitizedProperties['omitted']): Record<string, unknown> {
  const members = shapeById(shapeId).members ?? {};
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(input)) {
    const memberPath = `${path}.${key}`;
    if (raw === undefined || raw === null) continue; // absent in the model's sense: nothing to keep
    const member = members[key];
    if (!member) {
      omitted.push({ path: memberPath, reason: 'not accepted by CreateConnectorProfile (read-only or unknown field)' });
      continue;
    }
    const kept = sanitizeValue(member.target, raw, memberPath, omitted);
    if (kept !== undefined) out[key] = kept;
  }
  return out;
}

function sanitizeValue(shapeId: string, raw: unknown, path: string, omitted: SanitizedProperties['omitted']): unknown {
  const shape = shapeById(shapeId);
  const mismatch = (expected: string) => {
    omitted.push({ path, reason: `expected ${expected}, AppFlow returned ${describeType(raw)}` });
    return undefined;
  };
  switch (shape.type) {
    case 'structure':
      return isRecord(raw) ? sanitizeStructure(shapeId, raw, path, omitted) : mismatch('an object');
    case 'map': {
      if (!isRecord(raw)) return mismatch('an object');
      const out: Record<string, unknown> = {};
      for (const [key, entry] of Object.entries(raw)) {
        const kept = sanitizeValue(shape.value!.target, entry, `${path}.${key}`, omitted);
        if (kept !== undefined) out[key] = kept;
      }
      return out;
    }
    case 'list': {
      if (!Array.isArray(raw)) return mismatch('a list');
      return raw
        .map((entry, i) => sanitizeValue(shape.member!.target, entry, `${path}[${i}]`, omitted))
        .filter((entry) => entry !== undefined);
    }
    case 'boolean':
      return typeof raw === 'boolean' ? raw : mismatch('a boolean');
    case 'integer':
    case 'long':
      return typeof raw === 'number' && Number.isInteger(raw) ? raw : mismatch('an integer');
    case 'double':
    case 'float':
      return typeof raw === 'number' ? raw : mismatch('a number');
    case 'string':
    case 'enum':
      return typeof raw === 'string' ? raw : mismatch('a string');
    default:
      return mismatch(`a ${shape.type}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a timestamp';
  return `a ${typeof value}`;
}
