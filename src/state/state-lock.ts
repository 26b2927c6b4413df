// An advisory lock that stops two processes from writing the same state directory, since each
// one would overwrite the other's intents and inventory (last writer wins). The lock file is
// created with O_EXCL and records who holds it; a holder refreshes its mtime (heartbeat) so a
// lock left by a crashed process is recognised as stale:
//   - same host and the recorded pid is no longer alive  -> stale at once;
//   - same host, same pid, but another instance id       -> the pid was reused after a restart: stale;
//   - another host (container on a shared volume)        -> stale once the heartbeat is older than staleAfterMs.
import { randomUUID } from 'node:crypto';
import { constants, unlinkSync } from 'node:fs';
import { open, readFile, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';

export interface LockInfo {
  pid: number;
  hostname: string;
  instance: string;
  acquiredAt: string;
}

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

async function readHolder(path: string): Promise<LockInfo | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as LockInfo;
    return typeof parsed.pid === 'number' && typeof parsed.hostname === 'string' ? parsed : undefined;
  } catch {
    return undefined;
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

  async #isStale(holder: LockInfo | undefined): Promise<boolean> {
    const staleAfter = this.options.staleAfterMs ?? 120_000;
    let ageMs: number;
    try {
      ageMs = Date.now() - (await stat(this.path)).mtimeMs;
    } catch {
      return true; // vanished meanwhile
    }
    if (!holder) return ageMs > staleAfter; // unreadable (being written, or garbage)
    if (holder.hostname === hostname()) {
      if (holder.pid === process.pid) return holder.instance !== INSTANCE_ID;
      return !pidAlive(holder.pid);
    }
    return ageMs > staleAfter;
  }

  /** Takes the lock or throws StateLockedError. Re-entrant within this process. */
  async acquire(): Promise<void> {
    if (this.#held) return;
    const info: LockInfo = { pid: process.pid, hostname: hostname(), instance: INSTANCE_ID, acquiredAt: new Date().toISOString() };
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        const handle = await open(this.path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
        try {
          await handle.writeFile(`${JSON.stringify(info)}\n`);
          await handle.sync();
        } finally {
          await handle.close();
        }
        this.#held = true;
        this.#owner = true;
        process.on('exit', this.#onExit);
        const heartbeat = this.options.heartbeatMs ?? 30_000;
        this.#timer = setInterval(() => {
          const now = new Date();
          utimes(this.path, now, now).catch(() => undefined);
        }, heartbeat);
        this.#timer.unref();
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = await readHolder(this.path);
      if (holder?.instance === INSTANCE_ID && holder.pid === process.pid) {
        // Another StateLock object of this same process holds it: sharing is fine within a process.
        this.#held = true;
        return;
      }
      if (!(await this.#isStale(holder))) throw new StateLockedError(this.path, holder);
      await unlink(this.path).catch(() => undefined);
    }
    throw new StateLockedError(this.path, await readHolder(this.path));
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
