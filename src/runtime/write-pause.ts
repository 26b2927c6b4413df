// `appflow-gitops suspend` / `resume`: a daemon-wide pause of every write, for incidents. Passes
// keep running (they read, plan and report drift) but write nothing. The pause is a small file in
// the state directory, so it survives a restart: a pod restarted mid-incident must not resume
// writing on its own.
import { readFile, rm } from 'node:fs/promises';
import { writeFileAtomic } from '../state/atomic-write.js';

export const PAUSE_FILE = 'suspended.json';

export interface PauseState {
  suspended: boolean;
  /** ISO-8601 time the pause began. */
  since?: string;
}

export class WritePause {
  readonly #file: string | undefined;
  #since: string | undefined;

  /** Without a file the pause lives in memory only (tests, embedding code). */
  constructor(file: string | undefined) {
    this.#file = file;
  }

  /** Reads the persisted pause. An unreadable or malformed file counts as paused: failing safe means no writes. */
  async load(): Promise<void> {
    if (!this.#file) return;
    let text: string;
    try {
      text = await readFile(this.#file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      this.#since = new Date().toISOString();
      return;
    }
    try {
      const parsed = JSON.parse(text) as { since?: unknown };
      this.#since = typeof parsed.since === 'string' ? parsed.since : new Date().toISOString();
    } catch {
      this.#since = new Date().toISOString();
    }
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
      if (this.#file) await writeFileAtomic(this.#file, `${JSON.stringify({ suspended: true, since })}\n`);
      this.#since = since;
    }
    return this.state();
  }

  async resume(): Promise<PauseState> {
    if (this.#file) await rm(this.#file, { force: true });
    this.#since = undefined;
    return this.state();
  }
}
