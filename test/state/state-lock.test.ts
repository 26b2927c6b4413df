import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileStateStore, StateLockedError } from '../../src/state/file-state-store.js';
import { readIncarnation } from '../../src/state/lock-takeover.js';
import { StateLock } from '../../src/state/state-lock.js';
import { waitFor } from '../support/wait-for.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'afg-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const empty = { formatVersion: 1 as const, targets: {} };

async function writeLock(info: Record<string, unknown>, ageMs = 0): Promise<void> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'lock');
  await writeFile(path, JSON.stringify(info));
  const when = new Date(Date.now() - ageMs);
  await utimes(path, when, when);
}

describe('state directory lock ({ lock: true })', () => {
  it('is taken on the first save, recorded with our pid, and removed on release', async () => {
    const store = createFileStateStore(dir, { lock: true });
    await store.save(empty);
    const info = JSON.parse(await readFile(join(dir, 'lock'), 'utf8'));
    expect(info.pid).toBe(process.pid);
    expect(info.hostname).toBe(hostname());
    await store.release();
    await expect(stat(join(dir, 'lock'))).rejects.toThrow();
  });

  it('refuses to save while a live process on this host holds it', async () => {
    await writeLock({ pid: process.ppid, hostname: hostname(), instance: 'other', acquiredAt: 'then' });
    const store = createFileStateStore(dir, { lock: true });
    const error = await store.save(empty).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateLockedError);
    expect((error as Error).message).toMatch(new RegExp(`locked by process ${process.ppid}`));
    await expect(stat(join(dir, 'state.json'))).rejects.toThrow();
  });

  it('takes over a lock whose process is gone', async () => {
    await writeLock({ pid: 2 ** 22 + 12345, hostname: hostname(), instance: 'dead', acquiredAt: 'then' });
    const store = createFileStateStore(dir, { lock: true });
    await store.save(empty);
    expect(JSON.parse(await readFile(join(dir, 'lock'), 'utf8')).pid).toBe(process.pid);
    await store.release();
  });

  it('takes over a lock of our own pid left by an earlier process (pid reuse in a container)', async () => {
    await writeLock({ pid: process.pid, hostname: hostname(), instance: 'previous-run', acquiredAt: 'then' });
    const store = createFileStateStore(dir, { lock: true });
    await store.save(empty);
    await store.release();
  });

  it('treats another host’s lock as held until its heartbeat is stale', async () => {
    await writeLock({ pid: 1, hostname: 'some-other-pod', instance: 'x', acquiredAt: 'then' });
    await expect(createFileStateStore(dir, { lock: true }).save(empty)).rejects.toBeInstanceOf(StateLockedError);
    await writeLock({ pid: 1, hostname: 'some-other-pod', instance: 'x', acquiredAt: 'then' }, 10 * 60_000);
    const store = createFileStateStore(dir, { lock: true });
    await store.save(empty);
    await store.release();
  });

  it('is shared by stores of the same process and not needed by default', async () => {
    const a = createFileStateStore(dir, { lock: true });
    const b = createFileStateStore(dir, { lock: true });
    await a.save(empty);
    await b.save(empty);
    await b.release();
    expect((await stat(join(dir, 'lock'))).isFile()).toBe(true); // b did not own it
    await writeLock({ pid: process.ppid, hostname: hostname(), instance: 'other', acquiredAt: 'then' });
    await createFileStateStore(dir).save(empty); // no lock requested: not blocked
  });

  it('takes over past a takeover claim left by a contender that died mid-takeover, but not past a live one', async () => {
    await writeLock({ pid: 2 ** 22 + 12345, hostname: hostname(), instance: 'dead', acquiredAt: 'then' });
    const lock = join(dir, 'lock');
    const { fingerprint } = (await readIncarnation(lock))!;
    await writeFile(`${lock}.takeover-${fingerprint}-0`, JSON.stringify({ pid: process.ppid, hostname: hostname(), instance: 'live', acquiredAt: 'now' }));
    const error = await createFileStateStore(dir, { lock: true }).save(empty).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateLockedError);
    expect((error as Error).message).toMatch(new RegExp(`locked by process ${process.ppid}`));

    await writeFile(`${lock}.takeover-${fingerprint}-0`, JSON.stringify({ pid: 2 ** 22 + 54321, hostname: hostname(), instance: 'died', acquiredAt: 'then' }));
    const store = createFileStateStore(dir, { lock: true });
    await store.save(empty);
    expect(JSON.parse(await readFile(lock, 'utf8')).pid).toBe(process.pid);
    await store.release();
  });
});

describe('the lock heartbeat', () => {
  it('keeps refreshing the lock file mtime while held, so other hosts see a live holder; removed on release', async () => {
    const lock = new StateLock(join(dir, 'lock'), { heartbeatMs: 20 });
    await lock.acquire();
    try {
      // Pretend the last beat was an hour ago: a holder that beats moves it back to now.
      const hourAgo = new Date(Date.now() - 3_600_000);
      await utimes(join(dir, 'lock'), hourAgo, hourAgo);
      await waitFor(async () => (await stat(join(dir, 'lock'))).mtimeMs > Date.now() - 60_000, 10_000);
    } finally {
      await lock.release();
    }
    await expect(stat(join(dir, 'lock'))).rejects.toThrow();
  });
});

