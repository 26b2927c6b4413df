// Pure mapping between a target's state and the table's items (layout in ./table.ts). One item
// per inventory record and per intent, so a write touches only what changed and a large
// inventory never meets DynamoDB's 400 KB item limit.
import { STATE_FORMAT_VERSION, type StateSnapshot, type TargetState } from '../../model/types.js';
import { parseStateText } from '../state-shape.js';
import { targetPartition } from './table.js';
import { nameKeyed } from '../../model/name-keyed.js';

export interface StateItem {
  pk: string;
  sk: string;
  [attribute: string]: unknown;
}

const PROFILE_PREFIX = 'profile#';
const INTENT_PREFIX = 'intent#';
const TARGET_PREFIX = 'target#';

/**
 * TTL of an intent item: AppFlow keeps a clientToken for 8 hours, and the reconciler retires
 * intents well before that; DynamoDB's TTL only sweeps what a crashed fleet left behind.
 */
const INTENT_TTL_SECONDS = 8 * 60 * 60;

export function itemId(item: Pick<StateItem, 'pk' | 'sk'>): string {
  return `${item.pk}\u0000${item.sk}`;
}

export function targetItems(targetKey: string, state: TargetState): StateItem[] {
  const pk = targetPartition(targetKey);
  const items: StateItem[] = [];
  for (const record of Object.values(state.profiles)) items.push({ pk, sk: `${PROFILE_PREFIX}${record.name}`, record });
  for (const intent of Object.values(state.intents)) {
    const created = Date.parse(intent.createdAt);
    const expiresAt = Math.floor((Number.isFinite(created) ? created : Date.now()) / 1000) + INTENT_TTL_SECONDS;
    items.push({ pk, sk: `${INTENT_PREFIX}${intent.name}`, intent, expiresAt });
  }
  return items;
}

/** True for the items this module writes (not the lease, not anything else sharing the table). */
export function isStateItem(item: Pick<StateItem, 'pk' | 'sk'>): boolean {
  return item.pk.startsWith(TARGET_PREFIX) && (item.sk.startsWith(PROFILE_PREFIX) || item.sk.startsWith(INTENT_PREFIX));
}

/**
 * Assembles a snapshot from items and checks it with the file backend's own validation, so both
 * backends accept and drop exactly the same records (a malformed record is dropped with a warning).
 */
export function itemsToSnapshot(items: readonly StateItem[]): { snapshot: StateSnapshot; warnings: string[] } {
  const targets: Record<string, { profiles: Record<string, unknown>; intents: Record<string, unknown> }> = {};
  for (const item of items) {
    if (!isStateItem(item)) continue;
    const key = item.pk.slice(TARGET_PREFIX.length);
    const target = (targets[key] ??= { profiles: nameKeyed(), intents: nameKeyed() });
    if (item.sk.startsWith(PROFILE_PREFIX)) target.profiles[item.sk.slice(PROFILE_PREFIX.length)] = item.record;
    else target.intents[item.sk.slice(INTENT_PREFIX.length)] = item.intent;
  }
  const parsed = parseStateText(JSON.stringify({ formatVersion: STATE_FORMAT_VERSION, targets }));
  if (!parsed.ok) return { snapshot: { formatVersion: STATE_FORMAT_VERSION, targets: {} }, warnings: [`state: ${parsed.reason}`] };
  return { snapshot: parsed.snapshot, warnings: parsed.warnings };
}
