// Issue 11 items 2 and 10: stale-lock takeover with real processes. Several processes race for a
// lock left behind by a dead process; in every trial exactly one may end up holding it.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../support/cli.js';

ensureBuilt(['state/state-lock.ts', 'state/lock-takeover.ts']);

const CONTENDERS = 4;
const TRIALS = 40;
/** Above Linux's largest pid (2^22): never a live process. */
const DEAD_PID = 2 ** 22 + 12345;

let dir: string;
let children: ChildProcess[] = [];

function nextResult(child: ChildProcess): Promise<string> {
  return once(child, 'message').then(([message]) => (message as { result: string }).result);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'afg-lock-race-'));
  const fixture = join(import.meta.dirname, 'fixtures', 'lock-contender.mjs');
  children = Array.from({ length: CONTENDERS }, () => fork(fixture, [], { stdio: 'ignore' }));
  expect(await Promise.all(children.map(nextResult))).toEqual(Array(CONTENDERS).fill('ready'));
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

async function writeLock(path: string, info: Record<string, unknown>, ageMs = 0): Promise<void> {
  await writeFile(path, `${JSON.stringify(info)}\n`);
  const when = new Date(Date.now() - ageMs);
  await utimes(path, when, when);
}

/** All contenders go at once on a fresh lock file; returns how many hold it, then lets go. */
async function trial(path: string, options: Record<string, unknown> = {}): Promise<string[]> {
  const results = children.map(nextResult);
  for (const child of children) child.send({ go: path, options });
  const outcome = await Promise.all(results);
  const released = children.map(nextResult);
  for (const child of children) child.send({ release: true });
  await Promise.all(released);
  return outcome;
}

describe('stale lock takeover (real processes)', () => {
  it(`${CONTENDERS} processes started together against a dead pid's lock: exactly one holds it, in each of ${TRIALS} trials`, async () => {
    const holders: number[] = [];
    for (let i = 0; i < TRIALS; i++) {
      const path = join(dir, `dead-${i}.lock`);
      await writeLock(path, { pid: DEAD_PID, hostname: hostname(), instance: 'dead', acquiredAt: '2020-01-01T00:00:00.000Z' });
      const outcome = await trial(path);
      expect(outcome.every((r) => r === 'held' || r === 'locked'), outcome.join(',')).toBe(true);
      holders.push(outcome.filter((r) => r === 'held').length);
    }
    const bad = holders.filter((n) => n !== 1).length;
    console.log(`lock race: ${TRIALS} trials x ${CONTENDERS} processes; holders per trial ${JSON.stringify(holders)}; trials with other than one holder: ${bad}`);
    expect(bad).toBe(0);
    // Nothing of the takeover is left behind but the new lock files (released: none).
    expect((await readdir(dir)).filter((f) => !/^dead-\d+\.lock$/.test(f))).toEqual([]);
  }, 120_000);

  it('a live, unrelated pid on this host whose heartbeat is older than the stale limit holds nothing: one contender takes over', async () => {
    const path = join(dir, 'pid1.lock');
    // pid 1 is alive in every container and on every host, and is not us.
    await writeLock(path, { pid: 1, hostname: hostname(), instance: 'init', acquiredAt: '2020-01-01T00:00:00.000Z' }, 6 * 365 * 24 * 3_600_000);
    const outcome = await trial(path);
    expect(outcome.filter((r) => r === 'held')).toHaveLength(1);
    // With a fresh heartbeat the same pid 1 lock is respected.
    await writeLock(path, { pid: 1, hostname: hostname(), instance: 'init', acquiredAt: '2020-01-01T00:00:00.000Z' });
    expect((await trial(path)).filter((r) => r === 'held')).toHaveLength(0);
  }, 60_000);
});
