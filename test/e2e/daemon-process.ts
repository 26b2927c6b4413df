// Spawns the built CLI's `run` command and follows its JSON log lines (test helper).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { BIN } from '../support/cli.js';
import { emulatorEnv as baseEmulatorEnv } from '../support/emulator-harness.js';

export { BIN };

export type LogLine = Record<string, unknown> & { msg?: string; event?: string; receivedAt: number };

export class DaemonProcess {
  readonly child: ChildProcess;
  readonly lines: LogLine[] = [];
  readonly rawStdout: string[] = [];
  stderr = '';
  url = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  #waiters = new Set<() => void>();

  constructor(args: string[], env: NodeJS.ProcessEnv, cwd?: string) {
    this.child = spawn(process.execPath, [BIN, 'run', ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.rawStdout.push(line);
      try {
        this.lines.push({ ...(JSON.parse(line) as Record<string, unknown>), receivedAt: Date.now() });
      } catch {
        this.lines.push({ msg: line, receivedAt: Date.now(), notJson: true });
      }
      for (const wake of this.#waiters) wake();
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = once(this.child, 'exit').then(([code, signal]) => {
      for (const wake of this.#waiters) wake();
      return { code: code as number | null, signal: signal as NodeJS.Signals | null, at: Date.now() };
    });
  }

  /** Resolves with the first log line (from index `from`) matching `predicate`. */
  async waitForLog(predicate: (line: LogLine) => boolean, timeoutMs = 15_000, from = 0): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.slice(from).find(predicate);
      if (found) return found;
      if (this.child.exitCode !== null) throw new Error(`daemon exited (${this.child.exitCode}) before the expected log line; stderr: ${this.stderr}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for a log line; last lines:\n${this.rawStdout.slice(-8).join('\n')}\nstderr: ${this.stderr}`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(done, Math.min(left, 200));
        function done() {
          clearTimeout(timer);
          wake();
        }
        this.#waiters.add(done);
      }).finally(() => this.#waiters.clear());
    }
  }

  async started(): Promise<string> {
    const line = await this.waitForLog((l) => l.event === 'daemon.started');
    this.url = String(line.listen);
    return this.url;
  }

  async waitReady(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const res = await fetch(`${this.url}/readyz`).catch(() => undefined);
      if (res?.status === 200) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`daemon not ready after ${timeoutMs} ms; last lines:\n${this.rawStdout.slice(-8).join('\n')}`);
  }

  async json<T = Record<string, unknown>>(path: string): Promise<T> {
    return (await (await fetch(`${this.url}${path}`)).json()) as T;
  }

  async text(path: string): Promise<string> {
    return (await fetch(`${this.url}${path}`)).text();
  }

  /** Sends `signal` and resolves with the exit code and how long the exit took. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; ms: number }> {
    const sentAt = Date.now();
    if (this.child.exitCode === null) this.child.kill(signal);
    const exit = await this.exited;
    return { code: exit.code, ms: exit.at - sentAt };
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/** The shared emulator environment, plus the user's HOME and no EC2 metadata probing (slow off EC2). */
export function emulatorEnv(endpoint: string): NodeJS.ProcessEnv {
  return { ...baseEmulatorEnv(endpoint), HOME: process.env.HOME, AWS_EC2_METADATA_DISABLED: 'true' };
}
