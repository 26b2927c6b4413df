// Helpers to drive a spawned `appflow-gitops run` daemon from the benchmark: start it, wait for
// readiness, and read its CPU time and RSS from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliPath = join(repoRoot, 'bin', 'appflow-gitops.js');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface DaemonHandle {
  child: ChildProcess;
  port: number;
  stop(): Promise<number | null>;
}

export async function startDaemon(opts: { profilesDir: string; stateDir: string; endpoint: string; nodeArgs?: string[] }): Promise<DaemonHandle> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [...(opts.nodeArgs ?? []), cliPath, 'run', '--profiles', opts.profilesDir, '--state', opts.stateDir, '--listen', `127.0.0.1:${port}`],
    {
      env: {
        ...process.env,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'bench',
        AWS_SECRET_ACCESS_KEY: 'bench',
        AWS_ENDPOINT_URL_APPFLOW: opts.endpoint,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: opts.endpoint,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const stop = () =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null) return resolve(child.exitCode);
      // The daemon bounds its own graceful stop (--shutdown-timeout, 10 s); this bounds ours.
      const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.once('exit', (code) => {
        clearTimeout(kill);
        resolve(code);
      });
      child.kill('SIGTERM');
    });
  return { child, port, stop };
}

export async function waitForReady(port: number, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`daemon exited with code ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`daemon not ready on port ${port} after ${timeoutMs} ms`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** CPU seconds (user + system) consumed so far by a process, from /proc/PID/stat. */
export async function processCpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const ticksPerSecond = 100; // USER_HZ on Linux
  return (utime + stime) / ticksPerSecond;
}

/** Resident set size in MB, from /proc/PID/status. */
export async function processRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Waits until the daemon reports no pass in progress (GET /status), bounded by `timeoutMs`. */
export async function waitForIdle(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await fetch(`http://127.0.0.1:${port}/status`);
    const status = (await res.json()) as { reconciling?: boolean };
    if (status.reconciling === false) return;
    await sleep(100);
  }
  throw new Error(`daemon still reconciling after ${timeoutMs} ms`);
}

interface LastReconcile {
  id?: string;
  result?: string;
  durationMs?: number;
  summary?: Record<string, number>;
}

async function lastReconcile(port: number): Promise<LastReconcile | undefined> {
  const res = await fetch(`http://127.0.0.1:${port}/status`);
  return ((await res.json()) as { lastReconcile?: LastReconcile }).lastReconcile;
}

/**
 * Asks the idle daemon for a full pass (POST /reconcile, as an operator or git-sync's webhook
 * does) and returns that pass's own duration as the daemon reports it (`lastReconcile.durationMs`
 * in /status: load, observe, plan, write, save). Fails unless it was a successful no-op over
 * `profiles` profiles. /status lists every profile (about 15 ms of the daemon's CPU at 1,000), so
 * it is not polled while the pass runs: first `readsDone` (the emulator's own log, no cost to the
 * daemon), half a second for the plan, then /status every 250 ms.
 */
export async function timeFullPass(port: number, profiles: number, readsDone: () => boolean, timeoutMs: number): Promise<number> {
  const before = (await lastReconcile(port))?.id;
  const res = await fetch(`http://127.0.0.1:${port}/reconcile`, { method: 'POST' });
  if (res.status >= 300) throw new Error(`POST /reconcile answered ${res.status}`);
  await res.arrayBuffer();
  const deadline = Date.now() + timeoutMs;
  while (!readsDone() && Date.now() < deadline) await sleep(5);
  // The pass plans and settles after its last read; a /status read in that time would be counted
  // in the pass. Not a synchronisation: /status below is what says the pass is over.
  await sleep(500);
  while (Date.now() < deadline) {
    const last = await lastReconcile(port);
    if (last?.id !== undefined && last.id !== before && last.durationMs !== undefined) {
      if (last.result !== 'success' || last.summary?.noop !== profiles) {
        throw new Error(`the full pass was not a no-op over ${profiles} profiles: ${JSON.stringify(last)}`);
      }
      return last.durationMs;
    }
    await sleep(250);
  }
  throw new Error(`no full pass finished within ${timeoutMs} ms of POST /reconcile`);
}
