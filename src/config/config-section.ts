// What a section of appflow-gitops.yaml is: a top-level key, the JSON Schema of its value, and a
// function that turns a schema-valid value into immutable settings (plus any check a schema
// cannot express, as located diagnostics). Sections are listed in ./sections.ts; the config
// schema is composed from them, so a new section never edits the loader.
import type { Diagnostic } from '../model/types.js';
import type { ParsedDocument } from '../desired/parse-documents.js';

export type JsonSchema = Record<string, unknown>;

export interface SectionBuild<T> {
  value: T;
  diagnostics: Diagnostic[];
}

export interface ConfigSection<T = unknown> {
  /** The top-level key in appflow-gitops.yaml. */
  readonly key: string;
  /** JSON Schema of the key's value (draft-07, the dialect ajv compiles by default). */
  readonly schema: JsonSchema;
  /**
   * Called only when the whole file passed the schema, with the key's value (undefined when the
   * key is absent). Diagnostics use `doc` for positions (see src/desired/node-positions.ts).
   * The returned value should be frozen: settings are read by many modules and never change.
   */
  build(value: unknown, doc: ParsedDocument | undefined): SectionBuild<T>;
}

/** Identity helper that keeps the section's value type for typed look-ups (configSection()). */
export function defineSection<T>(section: ConfigSection<T>): ConfigSection<T> {
  return section;
}

/** Deep-freezes plain data (objects and arrays) so settings cannot be changed by a reader. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as Record<string, unknown>)) deepFreeze(child);
  }
  return value;
}
