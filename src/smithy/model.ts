// A small reader for the vendored Smithy JSON AST models in models/. The schema generator and the
// emulator's request validator both read constraints through this module, so the two can never
// disagree about what the AWS model says.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type ShapeType =
  | 'structure' | 'string' | 'enum' | 'integer' | 'long' | 'boolean' | 'timestamp'
  | 'list' | 'map' | 'operation' | 'service' | 'union' | 'blob' | 'double' | 'float';

export type Traits = Record<string, unknown>;

export interface MemberRef {
  target: string;
  traits?: Traits;
}

export interface Shape {
  type: ShapeType;
  traits?: Traits;
  members?: Record<string, MemberRef>;
  member?: MemberRef;
  key?: MemberRef;
  value?: MemberRef;
  input?: { target: string };
  output?: { target: string };
  errors?: { target: string }[];
}

export interface SmithyModel {
  shapes: Record<string, Shape>;
}

/** Constraints of a shape (or member), merged from the target shape's and the member's traits. */
export interface Constraints {
  required?: boolean;
  length?: { min?: number; max?: number };
  range?: { min?: number; max?: number };
  /** The model's regular expression as written (AWS models anchor most with ^...$). */
  pattern?: string;
  /** Wire values of an enum shape (the `enumValue` traits), in model order. */
  enumValues?: string[];
  sensitive?: boolean;
  defaultValue?: unknown;
  documentation?: string;
}

/** Path of a vendored model file. Works from src/ (tsx, vitest) and from dist/src/ (built). */
export function vendoredModelPath(file: 'appflow-connector-profiles.json' | 'secretsmanager-subset.json'): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', '..', 'models', file), join(here, '..', '..', '..', 'models', file)];
  return candidates.find((path) => existsSync(path)) ?? candidates[0]!;
}

const cache = new Map<string, SmithyModel>();

export function loadSmithyModel(file: 'appflow-connector-profiles.json' | 'secretsmanager-subset.json'): SmithyModel {
  let model = cache.get(file);
  if (!model) {
    model = JSON.parse(readFileSync(vendoredModelPath(file), 'utf8')) as SmithyModel;
    cache.set(file, model);
  }
  return model;
}

export function getShape(model: SmithyModel, id: string): Shape {
  const shape = model.shapes[id];
  if (!shape) {
    if (id.startsWith('smithy.api#')) return { type: preludeType(id) };
    throw new Error(`shape ${id} is not in the model`);
  }
  return shape;
}

function preludeType(id: string): ShapeType {
  const name = id.slice('smithy.api#'.length).toLowerCase();
  if (name === 'primitiveboolean') return 'boolean';
  if (name === 'primitiveinteger') return 'integer';
  return name as ShapeType;
}

/** Short name of a shape id: `com.amazonaws.appflow#ConnectorType` → `ConnectorType`. */
export function shapeName(id: string): string {
  return id.slice(id.indexOf('#') + 1);
}

/**
 * Constraints of each member, worked out once: a model is never changed after loading, and the
 * planner and the credential checks ask for every property of every profile on every pass (the
 * trait merge was the largest single item of planning in a warm daemon pass). Keyed by the member
 * object, which belongs to exactly one parsed model.
 */
const constraintsByMember = new WeakMap<MemberRef, Readonly<Constraints>>();

/** Constraints for a member: its target shape's traits overlaid with the member's own. Shared and frozen: do not change. */
export function memberConstraints(model: SmithyModel, member: MemberRef): Readonly<Constraints> {
  let constraints = constraintsByMember.get(member);
  if (!constraints) {
    constraints = Object.freeze(mergeConstraints(model, member));
    constraintsByMember.set(member, constraints);
  }
  return constraints;
}

function mergeConstraints(model: SmithyModel, member: MemberRef): Constraints {
  const target = getShape(model, member.target);
  const traits: Traits = { ...(target.traits ?? {}), ...(member.traits ?? {}) };
  const constraints: Constraints = {};
  if ('smithy.api#required' in traits) constraints.required = true;
  if (traits['smithy.api#length']) constraints.length = traits['smithy.api#length'];
  if (traits['smithy.api#range']) constraints.range = traits['smithy.api#range'];
  if (typeof traits['smithy.api#pattern'] === 'string') constraints.pattern = traits['smithy.api#pattern'];
  if ('smithy.api#sensitive' in traits) constraints.sensitive = true;
  if ('smithy.api#default' in traits) constraints.defaultValue = traits['smithy.api#default'];
  if (typeof traits['smithy.api#documentation'] === 'string') constraints.documentation = traits['smithy.api#documentation'];
  if (target.type === 'enum') constraints.enumValues = enumValues(target);
  return constraints;
}

export function enumValues(shape: Shape): string[] {
  return Object.entries(shape.members ?? {}).map(([name, m]) => {
    const value = m.traits?.['smithy.api#enumValue'];
    return typeof value === 'string' ? value : name;
  });
}
