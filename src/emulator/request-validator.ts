// Generic Smithy constraint validation of a decoded JSON request body against an input shape,
// producing AWS's wording. Everything comes from the vendored model (via src/smithy/model.ts), so
// new members or constraints in the model are picked up without code changes.
//
// AWS wording (Coral-style, as the brief and AWS error messages show it):
//   1 validation error detected: Value 'x y' at 'connectorProfileName' failed to satisfy
//   constraint: Member must satisfy regular expression pattern: [\w/!@#+=.-]+
//   N validation errors detected: <error>; <error>
// Sensitive members never echo their value: `Value at 'path' failed to satisfy constraint: ...`.
import {
  getShape,
  memberConstraints,
  type Constraints,
  type MemberRef,
  type Shape,
  type SmithyModel,
} from '../smithy/model.js';
import { ApiError } from './api-error.js';

/** A JSON value whose type does not match the model (e.g. a string where an integer belongs). */
export class SerializationError extends ApiError {
  constructor(message: string) {
    super(400, 'SerializationException', message);
  }
}

const regexCache = new Map<string, RegExp>();

function compiled(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    // No `u` flag: several model patterns use identity escapes (e.g. `\!`) that `u` rejects.
    re = new RegExp(pattern);
    regexCache.set(pattern, re);
  }
  return re;
}

/**
 * The pattern as AWS prints it. AWS evaluates patterns as full-string matches and prints them
 * without the `^…$` the published model adds. A few ARN patterns in the model are anchored only at
 * the start (`^arn:aws:kms:.*:[0-9]+:`); their full-match equivalent ends in `.*` (inferred).
 */
export function displayPattern(pattern: string): string {
  let shown = pattern.startsWith('^') ? pattern.slice(1) : pattern;
  if (shown.endsWith('$') && !shown.endsWith('\\$')) shown = shown.slice(0, -1);
  else if (pattern.startsWith('^')) shown = `${shown}.*`;
  return shown;
}

/** Java-like rendering of a value, as AWS's messages show it. */
function renderValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(renderValue).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${k}=${renderValue(v)}`).join(', ')}}`;
  }
  return String(value);
}

function lengthOf(value: unknown, shape: Shape): number {
  if (shape.type === 'blob' && typeof value === 'string') return Buffer.from(value, 'base64').length; // bytes, sent as base64
  if (typeof value === 'string') return [...value].length; // Smithy counts Unicode code points
  if (Array.isArray(value)) return value.length;
  if (value !== null && typeof value === 'object') return Object.keys(value).length;
  return 0;
}

/** How member names appear in paths: AppFlow (restJson1) members are already lowerCamel; JSON-protocol
 * services with PascalCase members (Secrets Manager) are reported with a lower-case first letter,
 * as Coral does (`'secretId'`; inferred from other awsJson services' messages). */
export type MemberNaming = 'as-modelled' | 'lower-first';

class Collector {
  readonly errors: string[] = [];

  constructor(readonly naming: MemberNaming) {}

  name(member: string): string {
    return this.naming === 'lower-first' ? member.charAt(0).toLowerCase() + member.slice(1) : member;
  }

  add(path: string, value: unknown, showValue: boolean, constraint: string): void {
    const shown = value === undefined || value === null ? 'Value null' : showValue ? `Value '${renderValue(value)}'` : 'Value';
    this.errors.push(`${shown} at '${path}' failed to satisfy constraint: ${constraint}`);
  }
}

/** Does this shape (or anything inside it) hold a sensitive value? Decides whether a container's value may be printed. */
// Constraints are resolved once per model member (the model is immutable), not once per request.
const constraintsMemo = new WeakMap<MemberRef, Constraints>();

function constraintsOf(model: SmithyModel, ref: MemberRef): Constraints {
  let known = constraintsMemo.get(ref);
  if (!known) {
    known = memberConstraints(model, ref);
    constraintsMemo.set(ref, known);
  }
  return known;
}

const sensitiveMemo = new WeakMap<MemberRef, boolean>();

function containsSensitive(model: SmithyModel, ref: MemberRef): boolean {
  let known = sensitiveMemo.get(ref);
  if (known === undefined) {
    known = containsSensitiveUncached(model, ref, new Set());
    sensitiveMemo.set(ref, known);
  }
  return known;
}

function containsSensitiveUncached(model: SmithyModel, ref: MemberRef, seen: Set<string>): boolean {
  if (memberConstraints(model, ref).sensitive) return true;
  if (seen.has(ref.target)) return false;
  seen.add(ref.target);
  const shape = getShape(model, ref.target);
  const children: MemberRef[] = [
    ...Object.values(shape.members ?? {}),
    ...(shape.member ? [shape.member] : []),
    ...(shape.key ? [shape.key] : []),
    ...(shape.value ? [shape.value] : []),
  ];
  return shape.type !== 'enum' && children.some((child) => containsSensitiveUncached(model, child, seen));
}

function checkType(shape: Shape, value: unknown, path: string): void {
  const fail = (expected: string) => {
    throw new SerializationError(`Expected ${expected} at '${path}' but found ${Array.isArray(value) ? 'an array' : typeof value}`);
  };
  switch (shape.type) {
    case 'string':
    case 'enum':
    case 'blob':
      if (typeof value !== 'string') fail('a string');
      break;
    case 'integer':
    case 'long':
      if (typeof value !== 'number' || !Number.isInteger(value)) fail('an integer');
      break;
    case 'double':
    case 'float':
    case 'timestamp':
      if (typeof value !== 'number') fail('a number');
      break;
    case 'boolean':
      if (typeof value !== 'boolean') fail('a boolean');
      break;
    case 'list':
      if (!Array.isArray(value)) fail('a list');
      break;
    case 'structure':
    case 'union':
    case 'map':
      if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('an object');
      break;
    default:
      break;
  }
}

function checkConstraints(c: Constraints, shape: Shape, value: unknown, path: string, show: boolean, out: Collector): void {
  if (c.length) {
    const len = lengthOf(value, shape);
    if (c.length.min !== undefined && len < c.length.min) out.add(path, value, show, `Member must have length greater than or equal to ${c.length.min}`);
    if (c.length.max !== undefined && len > c.length.max) out.add(path, value, show, `Member must have length less than or equal to ${c.length.max}`);
  }
  if (c.range && typeof value === 'number') {
    if (c.range.min !== undefined && value < c.range.min) out.add(path, value, show, `Member must have value greater than or equal to ${c.range.min}`);
    if (c.range.max !== undefined && value > c.range.max) out.add(path, value, show, `Member must have value less than or equal to ${c.range.max}`);
  }
  if (c.pattern && typeof value === 'string' && !compiled(c.pattern).test(value)) {
    out.add(path, value, show, `Member must satisfy regular expression pattern: ${displayPattern(c.pattern)}`);
  }
  if (c.enumValues && typeof value === 'string' && !c.enumValues.includes(value)) {
    out.add(path, value, show, `Member must satisfy enum value set: [${c.enumValues.join(', ')}]`);
  }
}

function validateValue(model: SmithyModel, ref: MemberRef, value: unknown, path: string, out: Collector): void {
  const shape = getShape(model, ref.target);
  checkType(shape, value, path);
  const constraints = constraintsOf(model, ref);
  checkConstraints(constraints, shape, value, path, !containsSensitive(model, ref), out);
  if (shape.type === 'structure' || shape.type === 'union') {
    validateStructure(model, shape, value as Record<string, unknown>, `${path}.`, out);
  } else if (shape.type === 'list' && shape.member) {
    (value as unknown[]).forEach((item, i) => {
      if (item === null) return; // AWS drops nulls in lists (inferred)
      validateValue(model, shape.member!, item, `${path}.${i + 1}.member`, out);
    });
  } else if (shape.type === 'map' && shape.key && shape.value) {
    // Entries are named by position, never by key: some map keys are sensitive (CredentialsMapKey).
    Object.entries(value as Record<string, unknown>).forEach(([key, item], i) => {
      validateValue(model, shape.key!, key, `${path}.${i + 1}.key`, out);
      if (item !== null) validateValue(model, shape.value!, item, `${path}.${i + 1}.value`, out);
    });
  }
}

function validateStructure(model: SmithyModel, shape: Shape, body: Record<string, unknown>, prefix: string, out: Collector): void {
  for (const [name, member] of Object.entries(shape.members ?? {})) {
    const value = body[name];
    const path = `${prefix}${out.name(name)}`;
    if (value === undefined || value === null) {
      if (constraintsOf(model, member).required) out.add(path, null, false, 'Member must not be null');
      continue;
    }
    validateValue(model, member, value, path, out);
  }
}

/** All constraint violations of `body` against input shape `shapeId`, as AWS phrases them (empty when valid). */
export function constraintViolations(model: SmithyModel, shapeId: string, body: Record<string, unknown>, naming: MemberNaming = 'as-modelled'): string[] {
  const out = new Collector(naming);
  validateStructure(model, getShape(model, shapeId), body, '', out);
  return out.errors;
}

/** AWS's summary message for a list of violations. */
export function validationMessage(errors: string[]): string {
  return `${errors.length} validation error${errors.length === 1 ? '' : 's'} detected: ${errors.join('; ')}`;
}

/** Throws ValidationException (or SerializationException for wrong JSON types) when `body` breaks the model. */
export function validateRequest(model: SmithyModel, shapeId: string, body: Record<string, unknown>, naming: MemberNaming = 'as-modelled'): void {
  const errors = constraintViolations(model, shapeId, body, naming);
  if (errors.length > 0) throw new ApiError(400, 'ValidationException', validationMessage(errors));
}
