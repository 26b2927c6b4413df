// The state plan reads: the state directory or the shared DynamoDB table, read-only. plan never
// writes the state (no lock, no lease, no repair of a corrupt file, no new fingerprint key), so a
// problem becomes a warning and plan goes on from empty state, leaving the repair to apply.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AwsTarget } from '../aws/ports.js';
import { nameKeyed } from '../model/name-keyed.js';
import type { FingerprintScheme, StateSnapshot, StateStore, TargetState } from '../model/types.js';
import { messageOf } from '../reconcile/pass-state.js';
import { emptySnapshot, emptyTargetState, KEY_FILE, STATE_FILE } from '../state/file-state-store.js';
import type { StateLocation } from '../state/state-location.js';
import { parseStateText } from '../state/state-shape.js';
import { withAwsFailureHint } from './aws-failure-hint.js';
import { sharedStateModules } from './shared-state-modules.js';
import { UserError } from './user-error.js';

/** One target's state as plan sees it, with the key its credential fingerprints are checked with. */
export interface PlanState {
  state: TargetState;
  hmacKey: Buffer;
  warnings: string[];
  fingerprintScheme: FingerprintScheme;
}

/** The implicit target's state, from wherever --state points. */
export function readPlanState(location: StateLocation, target: Pick<AwsTarget, 'key' | 'region'>): Promise<PlanState> {
  return location.kind === 'dynamodb' ? readSharedState(location.table, target.key, target.region) : readFileState(location.dir, target.key);
}

/** The state directory for plan: read without the store's repairs or the lock (plan never writes). */
export async function readOnlyFileStore(stateDir: string): Promise<StateStore> {
  const hmacKey = (await fingerprintKey(stateDir, emptyTargetState())).hmacKey;
  return {
    load: async () => {
      const { snapshot, warnings } = await readStateReadOnly(stateDir);
      return { state: snapshot, warnings };
    },
    save: () => Promise.reject(new Error('plan never writes the state')),
    hmacKey: async () => hmacKey,
  };
}

async function readFileState(dir: string, target: string): Promise<PlanState> {
  const { snapshot, warnings } = await readStateReadOnly(dir);
  const stored = snapshot.targets[target] ?? emptyTargetState();
  const { state, hmacKey, warning } = await fingerprintKey(dir, stored);
  return { state, hmacKey, warnings: [...warnings, ...(warning ? [warning] : [])], fingerprintScheme: 'value' };
}

/** The shared state, read with a strongly consistent Query and no lease (plan never writes). */
async function readSharedState(table: string, target: string, region: string): Promise<PlanState> {
  const { createStateTableClient, createDynamoDbStateStore, SHARED_STATE_DIGEST_KEY, StateTableMissingError } = await sharedStateModules();
  const client = createStateTableClient({ region });
  try {
    const { state, warnings } = await createDynamoDbStateStore({ table, client, targets: [target] }).load();
    return { state: state.targets[target] ?? emptyTargetState(), hmacKey: SHARED_STATE_DIGEST_KEY, warnings, fingerprintScheme: 'secret-version' };
  } catch (err) {
    if (err instanceof StateTableMissingError) throw new UserError(err.message);
    throw new UserError(withAwsFailureHint(`could not read the state table ${table}: ${messageOf(err)}`, err));
  } finally {
    client.destroy();
  }
}

/**
 * Reads the state file without the store's repairs (a corrupt file is moved aside by the store,
 * which is a write): plan only warns, plans from empty state, and leaves the repair to apply.
 */
export async function readStateReadOnly(stateDir: string): Promise<{ snapshot: StateSnapshot; warnings: string[] }> {
  const path = join(stateDir, STATE_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { snapshot: emptySnapshot(), warnings: [] };
    return { snapshot: emptySnapshot(), warnings: [`state: cannot read ${path} (${code ?? messageOf(err)}); planning from empty state. Nothing is deleted.`] };
  }
  const parsed = parseStateText(text);
  if (!parsed.ok) {
    return {
      snapshot: emptySnapshot(),
      warnings: [`state: ${path} is unreadable (${parsed.reason}); planning from empty state (apply keeps the file aside). Nothing is deleted.`],
    };
  }
  return { snapshot: parsed.snapshot, warnings: parsed.warnings };
}

/**
 * The fingerprint key, read without creating or repairing it (plan never writes the state
 * directory). When it does not exist yet, nothing could have been fingerprinted with it, so plan
 * uses a throwaway key and treats every stored fingerprint as unknown (credentials "will be
 * sent"), which is exactly what the next apply will find.
 */
export async function fingerprintKey(stateDir: string, stored: TargetState): Promise<{ state: TargetState; hmacKey: Buffer; warning?: string }> {
  const path = join(stateDir, KEY_FILE);
  let problem: string | undefined;
  try {
    const text = (await readFile(path, 'utf8')).trim();
    // The key file holds 32 random bytes as 64 hex characters (src/state/hmac-key-file.ts).
    if (/^[0-9a-f]{64}$/.test(text)) return { state: stored, hmacKey: Buffer.from(text, 'hex') };
    problem = 'is not a valid key';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    problem = code === 'ENOENT' ? 'is missing' : `cannot be read (${code ?? messageOf(err)})`;
  }
  const hadFingerprints = Object.values(stored.profiles).some((r) => r.credentialsFingerprint !== undefined);
  const profiles = nameKeyed(
    Object.entries(stored.profiles).map(([name, record]) => [name, { ...record, credentialsFingerprint: undefined }] as const),
  );
  return {
    state: { ...stored, profiles },
    hmacKey: randomBytes(32),
    warning: hadFingerprints
      ? `state: the fingerprint key ${path} ${problem}; stored credential fingerprints cannot be checked, so credentials are shown as unknown`
      : undefined,
  };
}
