// Turns ajv errors into located, readable diagnostics: each names the field, points at the
// offending node, states the constraint (pattern, allowed values, range) and, for typos, the
// closest known name. Values under connectorProfileCredentials are never echoed.
import type { ErrorObject } from 'ajv';
import type { Diagnostic, SourceLocation } from '../model/types.js';
import { connectorTypesWithoutProfile } from './connector-member.js';
import { makeDiagnostic } from './diagnostics.js';
import { suggest } from './did-you-mean.js';
import { displayPath, keyLocation, pointerSegments, valueLocation } from './node-positions.js';
import type { ParsedDocument } from './parse-documents.js';
import { looksLikeSecretReference, SECRET_REFERENCE_EXAMPLE, SECRET_REFERENCE_PATTERN } from './secret-reference.js';

export interface SchemaErrorOptions {
  allowPlaintextCredentials?: boolean;
}

type SchemaObject = Record<string, unknown>;

const CONNECTOR_OBJECTS = new Set(['ConnectorProfileProperties', 'ConnectorProfileCredentials']);

export function isUnderCredentials(segments: readonly string[]): boolean {
  return segments[0] === 'connectorProfileConfig' && segments[1] === 'connectorProfileCredentials';
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function article(type: string): string {
  if (type === 'object') return 'an object';
  if (type === 'array') return 'a list';
  if (type === 'integer') return 'an integer';
  return `a ${type}`;
}

/** A short, printable rendering of a (non-secret) value. */
function quote(value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value) ?? String(value);
  return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
}

function connectorTypeOf(doc: ParsedDocument): string | undefined {
  const value = doc.value as { connectorType?: unknown } | null;
  return typeof value?.connectorType === 'string' ? value.connectorType : undefined;
}

export function schemaErrorsToDiagnostics(
  doc: ParsedDocument,
  errors: readonly ErrorObject[],
  options: SchemaErrorOptions = {},
): Diagnostic[] {
  const mapped = errors.map((error) => mapError(doc, error, options)).filter((m): m is Mapped => m !== undefined);
  // A misspelled required field is reported once, as an unknown field with a suggestion
  // ("conectionMode: did you mean connectionMode?"); "missing connectionMode" would only repeat it.
  const suggested = new Set(mapped.flatMap((m) => (m.suggestionKey ? [m.suggestionKey] : [])));
  return mapped.filter((m) => !(m.missingKey && suggested.has(m.missingKey))).map((m) => m.diagnostic);
}

interface Mapped {
  diagnostic: Diagnostic;
  /** `pointer|name` of a suggested field name (unknown-field errors). */
  suggestionKey?: string;
  /** `pointer|field` of a missing required field: dropped when an unknown field there is its likely misspelling. */
  missingKey?: string;
}

function mapError(doc: ParsedDocument, error: ErrorObject, options: SchemaErrorOptions): Mapped | undefined {
  const segments = pointerSegments(error.instancePath);
  const path = displayPath(segments);
  const credentials = isUnderCredentials(segments);
  const parentSchema = (error.parentSchema ?? {}) as SchemaObject;
  const params = error.params as Record<string, unknown>;
  const at = valueLocation(doc, segments);
  const data = error.data;

  // propertyNames: ajv reports the failing keyword (with error.propertyName) and then a summary.
  if (error.keyword === 'if' || error.keyword === 'propertyNames') return undefined;
  if (error.propertyName !== undefined) {
    const key = error.propertyName;
    const where = keyLocation(doc, segments, key);
    const constraint = error.keyword === 'pattern' ? `must match the pattern ${String(params.pattern)}` : error.message ?? 'is invalid';
    return { diagnostic: makeDiagnostic(where, `schema.key-${error.keyword}`, `key ${quote(key)} ${constraint}`, displayPath([...segments, key])) };
  }

  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys((parentSchema.properties as SchemaObject | undefined) ?? {});
      if (segments.length === 0 && key === 'clientToken') {
        return { diagnostic: makeDiagnostic(keyLocation(doc, segments, key), 'schema.unknown-field', 'clientToken is not part of a profile file: appflow-gitops sends its own idempotency token with each write; remove the field', key) };
      }
      const suggestion = suggest(key, known);
      let message = `unknown field '${key}'`;
      if (suggestion) message += `; did you mean '${suggestion}'?`;
      else if (known.length > 0) message += ` (known fields: ${known.join(', ')})`;
      else message += ' (this object takes no fields)';
      const diagnostic = makeDiagnostic(keyLocation(doc, segments, key), 'schema.unknown-field', message, displayPath([...segments, key]));
      return suggestion ? { diagnostic, suggestionKey: `${error.instancePath}|${suggestion}` } : { diagnostic };
    }
    case 'required': {
      const missing = String(params.missingProperty);
      const fieldPath = displayPath([...segments, missing]);
      if (error.schemaPath.includes('/then/')) {
        const type = connectorTypeOf(doc) ?? '?';
        if (missing === 'connectorLabel') {
          return { diagnostic: makeDiagnostic(at, 'profile.connector-label', `connectorLabel is required when connectorType is ${type} (the label of the registered custom connector)`, fieldPath) };
        }
        const present = data && typeof data === 'object' ? Object.keys(data) : [];
        const found = present.length > 0 ? ` (found: ${present.join(', ')})` : '';
        const diagnostic = makeDiagnostic(at, 'profile.member-mismatch', `connectorType '${type}' needs the member '${missing}' here${found}`, path);
        return { diagnostic, missingKey: `${error.instancePath}|${missing}` };
      }
      return { diagnostic: makeDiagnostic(at, 'schema.required', `missing required field '${missing}'`, fieldPath), missingKey: `${error.instancePath}|${missing}` };
    }
    case 'type': {
      const expected = String(params.type);
      let message = `must be ${article(expected)} (got ${describeType(data)})`;
      if (expected === 'string' && (typeof data === 'number' || typeof data === 'boolean') && !credentials) {
        message += `; quote the value: "${String(data)}"`;
      } else if (expected === 'string' && data && typeof data === 'object' && !Array.isArray(data) && credentials) {
        message += '; quote secret references ("{{resolve:...}}"): unquoted braces are a YAML mapping';
      } else if (expected === 'object' && data === null) {
        message += '; write {} for an empty object';
      }
      return { diagnostic: makeDiagnostic(at, 'schema.type', message, path) };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const value = typeof data === 'string' ? data : undefined;
      if (segments.length === 1 && segments[0] === 'connectorType' && value && connectorTypesWithoutProfile().includes(value)) {
        return {
          diagnostic: makeDiagnostic(at, 'schema.enum', `connector type '${value}' has no connector profile in AppFlow (${connectorTypesWithoutProfile().join(', ')} are used in flows without one); allowed: ${allowed.join(', ')}`, path),
        };
      }
      const suggestion = value ? suggest(value, allowed) : undefined;
      let message = `must be one of ${allowed.join(', ')}`;
      if (!credentials) message += ` (got ${quote(data)})`;
      if (suggestion) message += `; did you mean '${suggestion}'?`;
      return { diagnostic: makeDiagnostic(at, 'schema.enum', message, path) };
    }
    case 'pattern': {
      if (error.schema === SECRET_REFERENCE_PATTERN) return credentialDiagnostic(at, path, data, options);
      let message = `must match the pattern ${String(params.pattern)}`;
      if (!credentials) message += ` (got ${quote(data)})`;
      return { diagnostic: makeDiagnostic(at, 'schema.pattern', message, path) };
    }
    case 'minLength':
    case 'maxLength': {
      const length = typeof data === 'string' ? data.length : 0;
      const message = error.keyword === 'minLength'
        ? `must be at least ${String(params.limit)} characters long (got ${length})`
        : `must be at most ${String(params.limit)} characters long (got ${length})`;
      return { diagnostic: makeDiagnostic(at, `schema.${error.keyword}`, message, path) };
    }
    case 'minimum':
    case 'maximum': {
      const { minimum, maximum } = parentSchema as { minimum?: number; maximum?: number };
      const range = minimum !== undefined && maximum !== undefined
        ? `between ${minimum} and ${maximum}`
        : error.keyword === 'minimum' ? `at least ${String(minimum)}` : `at most ${String(maximum)}`;
      return { diagnostic: makeDiagnostic(at, 'schema.range', `must be ${range} (got ${quote(data)})`, path) };
    }
    case 'minItems':
    case 'maxItems':
      return { diagnostic: makeDiagnostic(at, `schema.${error.keyword}`, `must have ${error.keyword === 'minItems' ? 'at least' : 'at most'} ${String(params.limit)} items`, path) };
    case 'minProperties':
    case 'maxProperties': {
      if (CONNECTOR_OBJECTS.has(String(parentSchema.title))) {
        const present = data && typeof data === 'object' ? Object.keys(data) : [];
        const type = connectorTypeOf(doc);
        const which = type ? `the one for connectorType '${type}'` : 'the one for connectorType';
        const found = present.length > 0 ? ` (found: ${present.join(', ')})` : ' (found none)';
        return { diagnostic: makeDiagnostic(at, 'profile.member-count', `must hold exactly one connector member, ${which}${found}`, path) };
      }
      const bound = error.keyword === 'minProperties' ? 'at least' : 'at most';
      return { diagnostic: makeDiagnostic(at, `schema.${error.keyword}`, `must have ${bound} ${String(params.limit)} entries`, path) };
    }
    default:
      return { diagnostic: makeDiagnostic(at, `schema.${error.keyword}`, error.message ?? 'is invalid', path) };
  }
}

function credentialDiagnostic(at: SourceLocation, path: string, data: unknown, options: SchemaErrorOptions): Mapped {
  if (typeof data === 'string' && looksLikeSecretReference(data)) {
    return {
      diagnostic: makeDiagnostic(at, 'credential.bad-reference',
        `malformed secret reference (value not shown); write ${SECRET_REFERENCE_EXAMPLE} with an optional :VERSION_STAGE:VERSION_ID tail, where SECRET_ID is a secret name or ARN`, path),
    };
  }
  if (options.allowPlaintextCredentials) {
    return {
      diagnostic: makeDiagnostic(at, 'credential.plaintext',
        'plaintext credential accepted because of --allow-plaintext-credentials (value not shown); use a Secrets Manager reference outside local experiments', path, 'warning'),
    };
  }
  return {
    diagnostic: makeDiagnostic(at, 'credential.plaintext',
      `plaintext credential is not allowed (value not shown); store it in AWS Secrets Manager and write a reference: ${SECRET_REFERENCE_EXAMPLE}`, path),
  };
}
