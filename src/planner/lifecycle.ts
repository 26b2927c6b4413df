// A profile's `lifecycle:` applied to its planned change. Pure, like the rest of the planner:
// ignoreChanges filters what is compared, suspend turns a write into a reported no-op,
// preventDestroy turns a replacement or a delete into an error, deletionPolicy Retain turns a
// delete into forgetting the name.
import type { CredentialsOnUpdate, FieldChange, ManagedProfileRecord, PlannedChange, ProfileLifecycle } from '../model/types.js';
import { DEFAULT_CREDENTIALS_ON_UPDATE } from '../model/types.js';

const CONFIG_PREFIX = 'connectorProfileConfig.';

const NOTHING_IGNORED = (): boolean => false;

/**
 * ignoreChanges names document paths (`connectorProfileConfig.connectorProfileProperties.X.y`);
 * the plan's field paths drop the `connectorProfileConfig.` prefix. A path covers itself and
 * everything below it.
 */
export function ignoredPaths(lifecycle: ProfileLifecycle | undefined): (fieldPath: string) => boolean {
  if (!lifecycle?.ignoreChanges?.length) return NOTHING_IGNORED;
  const prefixes = lifecycle.ignoreChanges.map((p) => (p.startsWith(CONFIG_PREFIX) ? p.slice(CONFIG_PREFIX.length) : p));
  return (fieldPath) => prefixes.some((p) => fieldPath === p || fieldPath.startsWith(`${p}.`) || fieldPath.startsWith(`${p}[`));
}

export function credentialsOnUpdate(lifecycle: ProfileLifecycle | undefined, fallback: CredentialsOnUpdate | undefined): CredentialsOnUpdate {
  return lifecycle?.credentialsOnUpdate ?? fallback ?? DEFAULT_CREDENTIALS_ON_UPDATE;
}

const WRITES = new Set(['create', 'update', 'replace']);

/** suspend and preventDestroy on a planned change for a profile whose document is present. */
export function applyDocumentLifecycle(change: PlannedChange, lifecycle: ProfileLifecycle | undefined): PlannedChange {
  if (!lifecycle) return change;
  if (lifecycle.preventDestroy && change.action === 'replace') {
    const fixed = change.fields.filter((f) => f.forcesReplacement).map((f) => f.path);
    return {
      ...change,
      action: 'error',
      reason: `lifecycle.preventDestroy: the plan would replace this profile (${fixed.join(', ')} cannot change in place); remove preventDestroy and apply, or undo the change`,
    };
  }
  if (lifecycle.suspend) {
    const drift = WRITES.has(change.action) ? describeDrift(change) : 'matches the document';
    return {
      ...change,
      action: change.action === 'error' ? 'error' : 'noop',
      suspended: true,
      credentials: undefined,
      reason: change.action === 'error' ? change.reason : `suspended (lifecycle.suspend): not written; ${drift}`,
    };
  }
  return change;
}

/** `would update: connectionMode, connectorProfileProperties.Datadog.instanceUrl differ`, never a credential value. */
function describeDrift(change: PlannedChange): string {
  if (change.action === 'create') return 'would create it (not in the account)';
  const paths = change.fields.map((f: FieldChange) => f.path);
  const shown = paths.slice(0, 5).join(', ') + (paths.length > 5 ? ` and ${paths.length - 5} more` : '');
  return `would ${change.action}: ${shown} differ${paths.length === 1 ? 's' : ''}`;
}

export type RemovedVerdict = { kind: 'retain' } | { kind: 'protected'; reason: string } | { kind: 'none' };

/** What the lifecycle remembered in the inventory says about deleting a profile whose document is gone. */
export function removedDocumentLifecycle(record: ManagedProfileRecord): RemovedVerdict {
  const lifecycle = record.lifecycle;
  if (lifecycle?.deletionPolicy === 'Retain') return { kind: 'retain' };
  if (lifecycle?.preventDestroy) {
    return {
      kind: 'protected',
      reason: 'lifecycle.preventDestroy (as last applied): --prune would delete this profile; restore its document without preventDestroy and apply it first, then remove the document',
    };
  }
  return { kind: 'none' };
}
