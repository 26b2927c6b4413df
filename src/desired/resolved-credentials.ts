// The model's constraints on credential members (patterns, lengths) apply to the secret values,
// not to the references written in the file: the schema cannot check them, so they are checked
// here once the references are resolved. Messages name the member and the secret, never the value.
import type { ConnectorProfileDocument, ResolvedCredentials } from '../model/types.js';
import { getShape, loadSmithyModel, memberConstraints, type MemberRef, type SmithyModel } from '../smithy/model.js';
import { matchesModelPattern, fullMatchPattern } from './model-pattern.js';
import { parseSecretReference } from './secret-reference.js';

const CREDENTIALS_SHAPE = 'com.amazonaws.appflow#ConnectorProfileCredentials';

/**
 * Checks `resolved` (connectorProfileCredentials with every reference replaced by its value)
 * against the model. Returns one message per violation, each starting with the field path.
 */
export function checkResolvedCredentials(document: ConnectorProfileDocument, resolved: ResolvedCredentials): string[] {
  const model = loadSmithyModel('appflow-connector-profiles.json');
  const problems: string[] = [];
  const written = document.connectorProfileConfig?.connectorProfileCredentials as Record<string, unknown> | undefined;
  walkStructure(model, CREDENTIALS_SHAPE, resolved, ['connectorProfileConfig', 'connectorProfileCredentials'], written, problems);
  return problems;
}

function origin(written: unknown): string {
  const ref = typeof written === 'string' ? parseSecretReference(written) : undefined;
  return ref ? ` (from secret '${ref.secretId}', key '${ref.jsonKey}')` : '';
}

function walkStructure(model: SmithyModel, shapeId: string, value: unknown, path: string[], written: unknown, problems: string[]): void {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return;
  const members = getShape(model, shapeId).members ?? {};
  for (const [name, child] of Object.entries(value as Record<string, unknown>)) {
    const member = members[name];
    if (!member) continue; // unknown fields are the schema's business
    const writtenChild = written && typeof written === 'object' ? (written as Record<string, unknown>)[name] : undefined;
    walkMember(model, member, child, [...path, name], writtenChild, problems);
  }
}

function walkMember(model: SmithyModel, member: MemberRef, value: unknown, path: string[], written: unknown, problems: string[]): void {
  const target = getShape(model, member.target);
  if (value === undefined || value === null) return;
  switch (target.type) {
    case 'structure':
      walkStructure(model, member.target, value, path, written, problems);
      return;
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) return;
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        const writtenItem = written && typeof written === 'object' ? (written as Record<string, unknown>)[key] : undefined;
        walkMember(model, target.value!, item, [...path, key], writtenItem, problems);
      }
      return;
    }
    case 'string':
    case 'enum':
      checkString(model, member, value, path.join('.'), origin(written), problems);
      return;
    default:
      return;
  }
}

function checkString(model: SmithyModel, member: MemberRef, value: unknown, path: string, from: string, problems: string[]): void {
  if (typeof value !== 'string') {
    problems.push(`${path}: the resolved value${from} must be a string, not ${value === null ? 'null' : typeof value}`);
    return;
  }
  const constraints = memberConstraints(model, member);
  const { min, max } = constraints.length ?? {};
  if (min !== undefined && value.length < min) problems.push(`${path}: the resolved value${from} must be at least ${min} characters long`);
  if (max !== undefined && value.length > max) problems.push(`${path}: the resolved value${from} must be at most ${max} characters long (it has ${value.length})`);
  if (constraints.pattern !== undefined && !matchesModelPattern(constraints.pattern, value)) {
    problems.push(`${path}: the resolved value${from} does not match the pattern ${fullMatchPattern(constraints.pattern)} that AppFlow requires`);
  }
  if (constraints.enumValues && !constraints.enumValues.includes(value)) {
    problems.push(`${path}: the resolved value${from} must be one of ${constraints.enumValues.join(', ')}`);
  }
}
