// `appflow-gitops suspend` / `resume`: a daemon-wide pause of every write, for incidents. Passes
// keep running (they read, plan and report drift) but write nothing. The pause is persisted, so it
// survives a restart: a pod restarted mid-incident must not resume writing on its own. Where it is
// kept is a storage port: a small file in the state directory, or an item per target in the
// shared DynamoDB state (src/runtime/shared-state.ts), which every replica reads.
import { readFile, rm } from 'node:fs/promises';
import { writeFileAtomic } from '../state/atomic-write.js';

export const PAUSE_FILE = 'suspended.json';

export interface PauseState {
  suspended: boolean;
  /** ISO-8601 time the pause began. */
  since?: string;
}

/** Where a pause is kept. */
export interface PauseStorage {
  /**
   * True when other processes may set or lift the pause (the shared table): the daemon then reads
   * it again before each pass and on a timer (refresh()).
   */
  readonly shared?: boolean;
  /** When the persisted pause began; undefined when there is none. Throws when it cannot tell. */
  read(): Promise<string | undefined>;
  /** Persists a pause (an existing one keeps its own start). */
  write(since: string): Promise<void>;
  clear(): Promise<void>;
}

/** The pause as a file (STATE/suspended.json). A malformed file counts as paused since now. */
export function filePauseStorage(file: string): PauseStorage {
  return {
    async read() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
      try {
        const parsed = JSON.parse(text) as { since?: unknown };
        return typeof parsed.since === 'string' ? parsed.since : new Date().toISOString();
      } catch {
        return new Date().toISOString();
      }
    },
    write: (since) => writeFileAtomic(file, `${JSON.stringify({ suspended: true, since })}\n`),
    clear: () => rm(file, { force: true }),
  };
}

export class WritePause {
  readonly #storage: PauseStorage | undefined;
  readonly #onChange: ((state: PauseState) => void) | undefined;
  #since: string | undefined;
  // Reads of a shared pause overlap (a pass's refresh, the heartbeat's, a suspend or resume sent
  // here), and their answers may arrive in any order. Each read and each change takes a number
  // as it starts; an answer is used only if nothing numbered later has been applied, so an older
  // read that arrives last cannot lift a pause a newer read found (or undo a suspend sent here).
  #issued = 0;
  #applied = 0;

  /**
   * A file path or a storage; without either the pause lives in memory only (tests, embedding
   * code). `onChange` hears a pause set or lifted elsewhere, found by refresh().
   */
  constructor(storage: string | PauseStorage | undefined, onChange?: (state: PauseState) => void) {
    this.#storage = typeof storage === 'string' ? filePauseStorage(storage) : storage;
    this.#onChange = onChange;
  }

  /** Reads the persisted pause. A pause that cannot be read counts as paused: failing safe means no writes. */
  async load(): Promise<void> {
    if (!this.#storage) return;
    const number = ++this.#issued;
    let since: string | undefined;
    try {
      since = await this.#storage.read();
    } catch {
      since = new Date().toISOString();
    }
    if (number <= this.#applied) return;
    this.#applied = number;
    this.#since = since;
  }

  /**
   * Reads a shared pause again (set or lifted through another replica); a no-op for a pause only
   * this process changes. A failed read keeps what was known: a table that cannot be reached for
   * a moment neither lifts a pause nor sets one. Resolves true when the pause changed.
   */
  async refresh(): Promise<boolean> {
    if (!this.#storage?.shared) return false;
    const number = ++this.#issued;
    let since: string | undefined;
    try {
      since = await this.#storage.read();
    } catch {
      return false;
    }
    if (number <= this.#applied) return false; // stale: a newer read or change is already applied
    this.#applied = number;
    const changed = (since === undefined) !== (this.#since === undefined);
    this.#since = since === undefined ? undefined : (this.#since ?? since);
    if (changed) this.#onChange?.(this.state());
    return changed;
  }

  get suspended(): boolean {
    return this.#since !== undefined;
  }

  state(): PauseState {
    return this.#since === undefined ? { suspended: false } : { suspended: true, since: this.#since };
  }

  async suspend(nowMs: number): Promise<PauseState> {
    if (this.#since === undefined) {
      const since = new Date(nowMs).toISOString();
      await this.#storage?.write(since);
      this.#since = since;
      this.#applied = ++this.#issued;
    }
    return this.state();
  }

  async resume(): Promise<PauseState> {
    await this.#storage?.clear();
    this.#since = undefined;
    this.#applied = ++this.#issued;
    return this.state();
  }
}
