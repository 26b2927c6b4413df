// Optional JSON state file. Writes are atomic (temp file + rename, mode 0600) and coalesced: a
// burst of changes (say 10,000 creates) produces a handful of writes, not one per change. close()
// flushes, so a clean stop never loses a write; a crash loses at most the last ~50 ms (longer for
// very large states, see lastWriteMs).
//
// What is persisted: profiles (without credential values: AppFlow never returns them, only a digest
// is kept), secrets with their values (this file is the emulated Secrets Manager's storage), and
// live clientToken records (so a retry after a restart still replays).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Partitions } from './partitions.js';
import type { EmulatorStore, IdempotencyRecord, StoredProfile, StoredSecret } from './store.js';

interface PartitionContent {
  profiles: StoredProfile[];
  secrets: StoredSecret[];
  tokens: IdempotencyRecord[];
}

/**
 * The top level holds the default account and region (the format before partitions); other
 * accounts and regions are in `partitions` (an addition: older readers ignore it).
 */
export interface PersistedState extends PartitionContent {
  format: 'appflow-gitops-emulator-state';
  version: 1;
  region: string;
  accountId: string;
  partitions?: (PartitionContent & { accountId: string; region: string })[];
}

function contentOf(store: EmulatorStore): PartitionContent {
  return {
    profiles: store.sortedProfileNames.map((name) => store.profiles.get(name)!),
    secrets: [...store.secrets.values()],
    tokens: [...store.tokens.values()],
  };
}

export function snapshotState(partitions: Partitions): PersistedState {
  const others = partitions.all().filter((p) => p !== partitions.defaultContext && (p.store.profiles.size > 0 || p.store.secrets.size > 0 || p.store.tokens.size > 0));
  return {
    format: 'appflow-gitops-emulator-state',
    version: 1,
    region: partitions.defaultRegion,
    accountId: partitions.defaultAccountId,
    ...contentOf(partitions.defaultContext.store),
    ...(others.length > 0 ? { partitions: others.map((p) => ({ accountId: p.accountId, region: p.region, ...contentOf(p.store) })) } : {}),
  };
}

/** Reads a state file; undefined when it does not exist. Throws a readable error when it is not a state file. */
export function readStateFile(file: string): PersistedState | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read emulator state file ${file}: ${(err as Error).message}`, { cause: err });
  }
  let parsed: Partial<PersistedState>;
  try {
    parsed = JSON.parse(text) as Partial<PersistedState>;
  } catch (err) {
    throw new Error(`emulator state file ${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (parsed?.format !== 'appflow-gitops-emulator-state' || parsed.version !== 1) {
    throw new Error(`${file} is not an appflow-gitops emulator state file (expected format appflow-gitops-emulator-state, version 1)`);
  }
  return { ...parsed, profiles: parsed.profiles ?? [], secrets: parsed.secrets ?? [], tokens: parsed.tokens ?? [] } as PersistedState;
}

function restoreContent(store: EmulatorStore, content: PartitionContent): void {
  store.clear();
  for (const profile of content.profiles ?? []) store.putProfile(profile);
  for (const secret of content.secrets ?? []) store.putSecret(secret);
  for (const record of content.tokens ?? []) store.tokens.set(`${record.operation}\u0000${record.clientToken}`, record);
}

/** The top level goes to the default partition, whatever account and region the file was written with. */
export function restoreState(partitions: Partitions, state: PersistedState): void {
  partitions.clear();
  restoreContent(partitions.defaultContext.store, state);
  for (const partition of Array.isArray(state.partitions) ? state.partitions : []) {
    if (typeof partition?.accountId !== 'string' || typeof partition.region !== 'string') continue;
    restoreContent(partitions.get(partition.accountId, partition.region).store, partition);
  }
}

function writeAtomically(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode: 0o600 });
  renameSync(temp, file);
}

export class StateWriter {
  private timer: NodeJS.Timeout | undefined;
  /** Duration of the last write: the next one waits at least 4x as long, so a large state (10,000
   * profiles) costs at most ~20% of the time in rewrites during a burst of changes. */
  private lastWriteMs = 0;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => PersistedState,
    private readonly delayMs = 50,
  ) {}

  /** Marks the state changed; a write follows shortly. */
  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writeNow();
    }, Math.max(this.delayMs, 4 * this.lastWriteMs));
    this.timer.unref();
  }

  /** Writes any pending change now (close() and tests call this). */
  flush(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writeNow();
  }

  writeNow(): void {
    const started = performance.now();
    writeAtomically(this.file, `${JSON.stringify(this.snapshot())}\n`);
    this.lastWriteMs = performance.now() - started;
  }
}
