// What a policy sees of one planned write: the CEL variables `profile`, `observed`, `change`,
// `target` and `now`. Credentials appear only as the references the document holds; a plaintext
// credential (allowed with --allow-plaintext-credentials for local experiments) is replaced by a
// marker before any expression can see it.
import { isPlainCredentialMember } from '../desired/credential-policy.js';
import { credentialStrings } from '../desired/credential-refs.js';
import type { ConnectorProfileDocument, DesiredProfile, ObservedProfile, PlannedChange } from '../model/types.js';
import type { PolicyAction, PolicyTarget } from './types.js';

export const REDACTED_CREDENTIAL = '(sensitive value)';

export interface PolicyInputContext {
  target: PolicyTarget;
  /** Injected: the same plan evaluated at the same instant gives the same verdicts. */
  now: Date;
}

export function policyInput(change: PlannedChange & { action: PolicyAction }, context: PolicyInputContext): Record<string, unknown> {
  const observed = change.observed ? observedDocument(change.observed) : null;
  const profile = change.desired ? desiredDocument(change.desired) : (observed ?? { connectorProfileName: change.name });
  return {
    profile,
    observed,
    change: { action: change.action, paths: change.fields.map((field) => field.path) },
    target: context.target,
    now: context.now,
  };
}

/**
 * The document as written, with any credential that is not a reference replaced by a marker. The
 * loader already found the references (`credentialRefs`); any other secret member is plaintext.
 */
export function desiredDocument(desired: DesiredProfile): ConnectorProfileDocument {
  const { document } = desired;
  const references = new Set(desired.credentialRefs.map((ref) => ref.path.join('\u0000')));
  const plaintext = credentialStrings(document).filter((leaf) => isSecretMember(leaf.path) && !references.has(leaf.path.join('\u0000')));
  if (plaintext.length === 0) return document;
  const copy = structuredClone(document);
  const credentials = copy.connectorProfileConfig.connectorProfileCredentials as Record<string, unknown>;
  for (const leaf of plaintext) setLeaf(credentials, leaf.path, REDACTED_CREDENTIAL);
  return copy;
}

function isSecretMember(path: readonly string[]): boolean {
  const member = path[path.length - 1];
  return member === undefined || !isPlainCredentialMember(member);
}

function setLeaf(root: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node: Record<string, unknown> = root;
  for (const segment of path.slice(0, -1)) node = node[segment] as Record<string, unknown>;
  node[path[path.length - 1]!] = value;
}

/** An observed profile in the document's shape, so one expression reads both the same way. */
export function observedDocument(observed: ObservedProfile): Record<string, unknown> {
  return {
    connectorProfileName: observed.name,
    connectorType: observed.connectorType,
    ...(observed.connectorLabel !== undefined ? { connectorLabel: observed.connectorLabel } : {}),
    connectionMode: observed.connectionMode,
    connectorProfileConfig: { connectorProfileProperties: observed.properties },
  };
}
