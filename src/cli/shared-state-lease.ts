// One-shot commands that write the shared DynamoDB state (apply, import) lead the target for
// their duration, exactly like a daemon replica: the lease is taken before any AWS call, every
// state save is fenced by it, AppFlow writes re-check it, and it is released at the end. When a
// daemon leads the target the command refuses in one line instead of racing it.
import type { AppFlowPort, AwsAdapters, AwsSettings } from '../aws/ports.js';
import type { Logger } from '../logging/logger.js';
import type { StateStore } from '../model/types.js';
import { sharedStateModules } from './shared-state-modules.js';
import { UserError } from './user-error.js';

export interface LeadSession {
  store: StateStore;
  appflow: AppFlowPort;
  /** Releases the lease and closes the table client. */
  close(): Promise<void>;
}

/**
 * Leads `adapters.target` in `table`. A declared target's adapters carry its credentials: its
 * table is the one in its own account and region (docs/state.md); otherwise the SDK chain's.
 */
export async function leadSharedState(table: string, adapters: AwsAdapters & { credentials?: AwsSettings['credentials'] }, logger: Logger): Promise<LeadSession> {
  const { ledElsewhere, openSharedState, StateTableMissingError } = await sharedStateModules();
  const shared = openSharedState({ table, ...(adapters.credentials ? { client: { credentials: adapters.credentials } } : {}) }, adapters.target, adapters.appflow, logger);
  try {
    await shared.store.load(); // a missing table: its one line, before anything else
    const status = await shared.acquire();
    if (status.role !== 'leader') throw new UserError(ledElsewhere(table, status));
  } catch (err) {
    await shared.stop().catch(() => undefined);
    if (err instanceof StateTableMissingError) throw new UserError(err.message);
    throw err;
  }
  return { store: shared.store, appflow: shared.appflow, close: () => shared.stop() };
}
