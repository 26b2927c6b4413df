// The built CLI on a real terminal: util-linux `script` runs it on a fresh pseudo-terminal
// (stdin and stdout are TTYs inside) and relays our pipe to the pty's input and the pty's output
// to our pipe. Waiting is event-driven: a waiter resolves on the output chunk that completes its text.
import { spawn, spawnSync } from 'node:child_process';
import { BIN } from './cli.js';

/** True when util-linux `script` (Debian: bsdutils, an essential package) is on PATH. */
export function hasScript(): boolean {
  return spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
}

export interface PtyRun {
  /** Everything the terminal showed so far (prompts, echoed input, output). */
  output(): string;
  /** Resolves once `text` has appeared on the terminal; rejects if the process exits first. */
  waitForText(text: string): Promise<void>;
  /** Types on the terminal (end a line with '\n'). */
  type(text: string): void;
  /** The CLI's exit code (script -e passes it through). */
  exited: Promise<number>;
}

function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Runs `node bin/appflow-gitops.js ARGS` on a pseudo-terminal with exactly `env`. */
export function runBuiltCliOnPty(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): PtyRun {
  const command = [process.execPath, BIN, ...args].map(shellQuote).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const waiters: { text: string; resolve(): void; reject(err: Error): void }[] = [];
  const settle = () => {
    for (const waiter of [...waiters]) {
      if (!output.includes(waiter.text)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    settle();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    settle();
  });
  const exited = new Promise<number>((resolve) => {
    child.on('close', (code) => {
      child.stdin.destroy();
      for (const waiter of waiters.splice(0)) waiter.reject(new Error(`exited (${code}) before showing ${JSON.stringify(waiter.text)}; terminal:\n${output}`));
      resolve(code ?? 1);
    });
  });
  return {
    output: () => output,
    waitForText: (text) =>
      new Promise<void>((resolve, reject) => {
        waiters.push({ text, resolve, reject });
        settle();
      }),
    type: (text) => child.stdin.write(text),
    exited,
  };
}
