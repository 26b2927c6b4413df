// The committed JSON Schema, compiled once. The loader validates against the committed file (the
// published contract), not against a schema rebuilt at run time.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

export const SCHEMA_FILE_NAME = 'connector-profile.schema.json';

/** Works from src/desired (tsx, vitest) and dist/src/desired (built). */
export function schemaPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', '..', 'schema', SCHEMA_FILE_NAME), join(here, '..', '..', '..', 'schema', SCHEMA_FILE_NAME)];
  return candidates.find((path) => existsSync(path)) ?? candidates[0]!;
}

let schema: Record<string, unknown> | undefined;
let validator: ValidateFunction | undefined;

export function connectorProfileSchema(): Record<string, unknown> {
  schema ??= JSON.parse(readFileSync(schemaPath(), 'utf8')) as Record<string, unknown>;
  return schema;
}

export function validateAgainstSchema(value: unknown): ErrorObject[] {
  validator ??= new Ajv({ allErrors: true, verbose: true, strictSchema: true, strictNumbers: true, strictTypes: true, strictTuples: true, strictRequired: false, unicodeRegExp: true }).compile(connectorProfileSchema());
  return validator(value) ? [] : [...(validator.errors ?? [])];
}
