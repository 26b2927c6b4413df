// Validates one parsed document: shape (JSON Schema), then the checks a schema cannot express
// (constraints of plaintext credential values when they are allowed).
import type { ConnectorProfileDocument, Diagnostic } from '../model/types.js';
import { collectCredentialReferences, credentialStrings } from './credential-refs.js';
import { makeDiagnostic, MAX_DIAGNOSTICS_PER_FILE } from './diagnostics.js';
import { valueLocation } from './node-positions.js';
import type { ParsedDocument } from './parse-documents.js';
import { checkResolvedCredentials } from './resolved-credentials.js';
import { schemaErrorsToDiagnostics } from './schema-errors.js';
import { validateAgainstSchema } from './schema-file.js';
import { parseSecretReference } from './secret-reference.js';

export interface DocumentVerdict {
  name?: string;
  diagnostics: Diagnostic[];
  /** Set when the document has no error (warnings allowed). */
  document?: ConnectorProfileDocument;
  /** Schema errors beyond those turned into diagnostics (counted, not located). */
  omittedDiagnostics?: number;
}

/**
 * Schema errors located per document. Locating one costs a walk of the YAML tree, so a document
 * of 100,000 unknown keys (a 1 MiB file) took minutes when all were located; only a file's first
 * MAX_DIAGNOSTICS_PER_FILE are shown anyway, and this leaves room for the ones dropped as repeats.
 */
const SCHEMA_ERRORS_LOCATED = 2 * MAX_DIAGNOSTICS_PER_FILE;

export function validateDocument(doc: ParsedDocument, allowPlaintextCredentials: boolean): DocumentVerdict {
  const value = doc.value;
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    const got = Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    return {
      diagnostics: [makeDiagnostic(doc.start, 'profile.not-object', `a profile document must be a mapping (connectorProfileName, connectorType, connectionMode, connectorProfileConfig), got ${got}`)],
    };
  }
  const name = (value as { connectorProfileName?: unknown }).connectorProfileName;
  const verdict: DocumentVerdict = { diagnostics: [] };
  if (typeof name === 'string' && name.length > 0) verdict.name = name;

  const errors = validateAgainstSchema(value);
  verdict.diagnostics.push(...schemaErrorsToDiagnostics(doc, errors.slice(0, SCHEMA_ERRORS_LOCATED), { allowPlaintextCredentials }));
  // ajv's 'if' and 'propertyNames' errors only summarise others and are never shown.
  const omitted = errors.slice(SCHEMA_ERRORS_LOCATED).filter((e) => e.keyword !== 'if' && e.keyword !== 'propertyNames').length;
  if (omitted > 0) verdict.omittedDiagnostics = omitted;
  if (omitted > 0 || verdict.diagnostics.some((d) => d.severity === 'error')) return verdict;

  const document = value as ConnectorProfileDocument;
  if (allowPlaintextCredentials) verdict.diagnostics.push(...checkPlaintextValues(doc, document));
  if (!verdict.diagnostics.some((d) => d.severity === 'error')) verdict.document = document;
  return verdict;
}

/** Plaintext values (allowed for experiments) must still satisfy the model, like resolved secrets. */
function checkPlaintextValues(doc: ParsedDocument, document: ConnectorProfileDocument): Diagnostic[] {
  const referenced = new Set(collectCredentialReferences(document).map((r) => r.path.join('\u0000')));
  const plaintext: Record<string, unknown> = {};
  for (const leaf of credentialStrings(document)) {
    if (referenced.has(leaf.path.join('\u0000')) || parseSecretReference(leaf.value)) continue;
    let node = plaintext;
    leaf.path.forEach((segment, i) => {
      if (i === leaf.path.length - 1) node[segment] = leaf.value;
      else node = (node[segment] ??= {}) as Record<string, unknown>;
    });
  }
  return checkResolvedCredentials(document, plaintext).map((problem) => {
    const separator = problem.indexOf(': ');
    const path = problem.slice(0, separator);
    const message = problem.slice(separator + 2).replace('the resolved value', 'the plaintext value');
    return makeDiagnostic(valueLocation(doc, path.split('.')), 'credential.constraint', message, path);
  });
}
