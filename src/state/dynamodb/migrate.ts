// `state migrate --from DIR --to dynamodb://TABLE`: copies a file state's inventory into the
// table, per target. Refuses (changing nothing) when the file state has pending write intents
// (a write whose outcome is not known yet: settle it with one `apply` on the file state first) or
// when the table already holds state for one of the targets (never merge over a live fleet).
//
// Credential fingerprints are not copied: the file backend's are HMACs of secret values under a
// key that must not travel to the table, and the table's scheme (secret versions) cannot be
// computed from them. The first pass after a migration therefore sends each profile's
// credentials once, exactly as after a lost state directory, and records version fingerprints.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StateSnapshot } from '../../model/types.js';
import { STATE_FILE } from '../file-state-store.js';
import { parseStateText } from '../state-shape.js';
import type { DynamoDbStateStore } from './dynamodb-state-store.js';
import { nameKeyed } from '../../model/name-keyed.js';

export class MigrationRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationRefused';
  }
}

export interface MigrationSummary {
  targets: { target: string; profiles: number }[];
  fingerprintsDropped: number;
  warnings: string[];
}

export async function readFileStateStrict(dir: string): Promise<{ snapshot: StateSnapshot; warnings: string[] }> {
  const path = join(dir, STATE_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new MigrationRefused(code === 'ENOENT' ? `no state file at ${path}` : `cannot read ${path} (${code ?? String(err)})`);
  }
  const parsed = parseStateText(text);
  if (!parsed.ok) throw new MigrationRefused(`${path} is unreadable (${parsed.reason}); nothing migrated`);
  return { snapshot: parsed.snapshot, warnings: parsed.warnings };
}

export async function migrateFileState(fromDir: string, to: DynamoDbStateStore): Promise<MigrationSummary> {
  const { snapshot, warnings } = await readFileStateStrict(fromDir);
  const pending = Object.entries(snapshot.targets).flatMap(([target, state]) => Object.keys(state.intents).map((name) => `${target}: ${name}`));
  if (pending.length > 0) {
    throw new MigrationRefused(
      `${fromDir} has ${pending.length} pending write intent${pending.length === 1 ? '' : 's'} (${pending.slice(0, 5).join(', ')}${pending.length > 5 ? ', ...' : ''}); ` +
        'run apply once with this state directory to settle them, then migrate',
    );
  }
  const existing = (await to.load()).state;
  const occupied = Object.keys(snapshot.targets).filter((target) => {
    const there = existing.targets[target];
    return there !== undefined && (Object.keys(there.profiles).length > 0 || Object.keys(there.intents).length > 0);
  });
  if (occupied.length > 0) {
    throw new MigrationRefused(`table ${to.table} already holds state for ${occupied.join(', ')}; nothing migrated`);
  }
  let fingerprintsDropped = 0;
  const copy: StateSnapshot = { formatVersion: snapshot.formatVersion, targets: {} };
  for (const [target, state] of Object.entries(snapshot.targets)) {
    const profiles = nameKeyed(
      Object.entries(state.profiles).map(([name, record]) => {
        if (record.credentialsFingerprint !== undefined) fingerprintsDropped += 1;
        const { credentialsFingerprint: _dropped, ...rest } = record;
        return [name, rest] as const;
      }),
    );
    copy.targets[target] = { profiles, intents: nameKeyed() };
  }
  await to.save(copy);
  return {
    targets: Object.entries(copy.targets).map(([target, state]) => ({ target, profiles: Object.keys(state.profiles).length })),
    fingerprintsDropped,
    warnings,
  };
}
