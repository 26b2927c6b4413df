// The JSON Schema of appflow-gitops.yaml, composed from the sections (./sections.ts) and
// compiled once per process with the same strict ajv settings as the profile schema.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { ConfigSection, JsonSchema } from './config-section.js';
import { CONFIG_SECTIONS } from './sections.js';

export function composeConfigSchema(sections: readonly ConfigSection[] = CONFIG_SECTIONS): JsonSchema {
  const keys = sections.map((s) => s.key);
  const repeated = keys.find((key, i) => keys.indexOf(key) !== i);
  if (repeated !== undefined) throw new Error(`config section '${repeated}' is defined twice`);
  return {
    $id: 'https://appflow-gitops.dev/schema/appflow-gitops-config.json',
    title: 'appflow-gitops.yaml',
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(sections.map((s) => [s.key, s.schema])),
  };
}

const compiled = new WeakMap<readonly ConfigSection[], ValidateFunction>();

export function validateConfigValue(value: unknown, sections: readonly ConfigSection[] = CONFIG_SECTIONS): ErrorObject[] {
  let validate = compiled.get(sections);
  if (!validate) {
    validate = new Ajv({ allErrors: true, verbose: true, strictSchema: true, strictNumbers: true, strictTypes: true, strictTuples: true, strictRequired: false, unicodeRegExp: true })
      .compile(composeConfigSchema(sections));
    compiled.set(sections, validate);
  }
  return validate(value) ? [] : [...(validate.errors ?? [])];
}
