// Builds ReconcileReports for daemon tests that run without AWS.
import type { PlanAction, PlannedChange } from '../../src/model/types.js';
import type { ProfileOutcome, ReconcileReport } from '../../src/reconcile/types.js';

export interface FakeProfile {
  name: string;
  action?: PlanAction;
  result?: ProfileOutcome['result'];
  error?: ProfileOutcome['error'];
  file?: string;
  /** Changes the input key (document content). */
  revision?: number;
}

export function fakeReport(id: string, profiles: FakeProfile[], onlyNames?: ReadonlySet<string>): ReconcileReport {
  const changes: PlannedChange[] = profiles.map((p) => ({
    target: 'us-east-1/123456789012',
    name: p.name,
    action: p.action ?? 'noop',
    adopt: false,
    fields: [],
    unchangedFields: 0,
    source: { file: p.file ?? `${p.name}.yaml`, line: 1, column: 1 },
    desired: {
      name: p.name,
      document: { connectorProfileName: p.name, revision: p.revision ?? 0 } as never,
      source: { file: p.file ?? `${p.name}.yaml`, line: 1, column: 1 },
      credentialRefs: [],
    },
  }));
  const outcomes: ProfileOutcome[] = profiles.map((p) => {
    const skipped = onlyNames !== undefined && !onlyNames.has(p.name) && (p.action ?? 'noop') !== 'noop';
    return {
      name: p.name,
      action: p.action ?? 'noop',
      result: skipped ? 'skipped' : (p.result ?? (p.action && p.action !== 'noop' ? 'applied' : 'unchanged')),
      error: skipped ? undefined : p.error,
      attempts: skipped ? 0 : 1,
      durationMs: 3,
      source: { file: p.file ?? `${p.name}.yaml`, line: 1, column: 1 },
    };
  });
  const summary = { create: 0, update: 0, replace: 0, delete: 0, noop: 0, error: 0 } as Record<PlanAction, number>;
  for (const c of changes) summary[c.action] += 1;
  return {
    id,
    plan: { target: 'us-east-1/123456789012', changes, warnings: [], summary },
    outcomes,
    ok: outcomes.every((o) => o.result !== 'failed' && o.result !== 'blocked'),
    startedAt: new Date(0).toISOString(),
    durationMs: 3,
    warnings: [],
  };
}
