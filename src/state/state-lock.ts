// An advisory lock that stops two processes from writing the same state directory, since each
// one would overwrite the other's intents and inventory (last writer wins). The lock file is
// created with O_EXCL and records who holds it; a holder refreshes its mtime (heartbeat) so a
// lock left by a crashed process is recognised as stale:
//   - same host and the recorded pid is no longer alive  -> stale at once;
//   - same host, same pid, but another instance id       -> the pid was reused after a restart: stale;
//   - same host, a live pid, but no heartbeat for staleAfterMs -> stale: a live pid is not proof
//     of a holder (the pid may be reused by an unrelated process, e.g. pid 1 in a new container);
//   - another host (container on a shared volume)        -> stale once the heartbeat is older than staleAfterMs.
// A stale lock is taken over through lock-takeover.ts, so two processes can never both take it.
import { randomUUID } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { utimes, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { createExclusive, readHolder, readIncarnation, takeOverStaleLock, type LockIncarnation, type LockInfo } from './lock-takeover.js';

export type { LockInfo } from './lock-takeover.js';

export class StateLockedError extends Error {
  constructor(
    readonly path: string,
    readonly holder: LockInfo | undefined,
  ) {
    const who = holder ? `process ${holder.pid} on ${holder.hostname} since ${holder.acquiredAt}` : 'another process';
    super(
      `state directory is locked by ${who} (${path}). Another appflow-gitops is writing this state; ` +
        'stop it, or remove the lock file if that process is gone.',
    );
    this.name = 'StateLockedError';
  }
}

const DEFAULT_STALE_AFTER_MS = 120_000;
/** Create, find stale, take over, create again; a few rounds absorb locks released meanwhile. */
const MAX_ATTEMPTS = 4;

/** One id per process: distinguishes this process from an earlier one that had the same pid. */
const INSTANCE_ID = randomUUID();

export interface LockOptions {
  staleAfterMs?: number;
  heartbeatMs?: number;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class StateLock {
  #held = false;
  /** True when this object created the lock file (and so removes it); false when sharing another object's lock. */
  #owner = false;
  #timer: NodeJS.Timeout | undefined;
  readonly #onExit = (): void => {
    // Synchronous on purpose: 'exit' handlers cannot await.
    if (this.#held && this.#owner) {
      try {
        unlinkSync(this.path);
      } catch {
        /* already gone */
      }
    }
  };

  constructor(
    readonly path: string,
    private readonly options: LockOptions = {},
  ) {}

  get held(): boolean {
    return this.#held;
  }

  #isStale({ holder, ageMs }: LockIncarnation): boolean {
    const staleAfter = this.options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
    if (ageMs > staleAfter) return true; // no heartbeat for too long, whoever it names
    if (!holder) return false; // unreadable (being written, or garbage): wait for the age rule
    if (holder.hostname !== hostname()) return false;
    if (holder.pid === process.pid) return holder.instance !== INSTANCE_ID;
    return !pidAlive(holder.pid);
  }

  /** Takes the lock or throws StateLockedError. Re-entrant within this process. */
  async acquire(): Promise<void> {
    if (this.#held) return;
    const info: LockInfo = { pid: process.pid, hostname: hostname(), instance: INSTANCE_ID, acquiredAt: new Date().toISOString() };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      if (await createExclusive(this.path, info)) {
        this.#startHolding();
        return;
      }
      const current = await readIncarnation(this.path);
      if (!current) continue; // released meanwhile: try again
      const holder = current.holder;
      if (holder?.instance === INSTANCE_ID && holder.pid === process.pid) {
        // Another StateLock object of this same process holds it: sharing is fine within a process.
        this.#held = true;
        return;
      }
      if (!this.#isStale(current)) throw new StateLockedError(this.path, holder);
      const takeover = await takeOverStaleLock(this.path, current, info, (claim) => this.#isStale(claim));
      if (takeover.outcome === 'busy') throw new StateLockedError(this.path, takeover.claimHolder);
    }
    throw new StateLockedError(this.path, await readHolder(this.path));
  }

  #startHolding(): void {
    this.#held = true;
    this.#owner = true;
    process.on('exit', this.#onExit);
    const heartbeat = this.options.heartbeatMs ?? 30_000;
    this.#timer = setInterval(() => {
      const now = new Date();
      utimes(this.path, now, now).catch(() => undefined);
    }, heartbeat);
    this.#timer.unref();
  }

  async release(): Promise<void> {
    if (!this.#held) return;
    this.#held = false;
    if (!this.#owner) return;
    this.#owner = false;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    process.off('exit', this.#onExit);
    const holder = await readHolder(this.path);
    if (holder?.instance === INSTANCE_ID) await unlink(this.path).catch(() => undefined);
  }
}
