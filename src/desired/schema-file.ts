// The committed JSON Schema and its validator. The loader validates against the committed file (the
// published contract), not against a schema rebuilt at run time; the validator is that file
// compiled at build time (ajv standalone code, src/desired/generated/profile-validator.ts, kept
// in sync by npm run check:generated), so no process pays for compiling it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject } from 'ajv';
import * as generated from './generated/profile-validator.js';

export const SCHEMA_FILE_NAME = 'connector-profile.schema.json';

/** Works from src/desired (tsx, vitest) and dist/src/desired (built). */
export function schemaPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', '..', 'schema', SCHEMA_FILE_NAME), join(here, '..', '..', '..', 'schema', SCHEMA_FILE_NAME)];
  return candidates.find((path) => existsSync(path)) ?? candidates[0]!;
}

let schema: Record<string, unknown> | undefined;

/** ajv's standalone validator: the function, with the last call's errors on it. */
interface StandaloneValidator {
  (value: unknown): boolean;
  errors?: ErrorObject[] | null;
}
const validator = (generated as { validate: StandaloneValidator }).validate;

export function connectorProfileSchema(): Record<string, unknown> {
  schema ??= JSON.parse(readFileSync(schemaPath(), 'utf8')) as Record<string, unknown>;
  return schema;
}

export function validateAgainstSchema(value: unknown): ErrorObject[] {
  return validator(value) ? [] : [...(validator.errors ?? [])];
}
