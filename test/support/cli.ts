// The built CLI as end-to-end tests run it: `node bin/appflow-gitops.js ...`, which loads the
// bundle in dist/bundle/ (scripts/bundle.mjs).
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'appflow-gitops.js');

/**
 * `npm test` builds first (pretest). When a test file runs on its own and the build of any of
 * `sources` (paths under src/) is missing or older than the source, build once so the test
 * exercises the current code: tsc's dist/src (imported by some tests) and the CLI's bundle.
 */
export function ensureBuilt(sources: string[] = allSources()): void {
  const stale = sources.some((rel) => {
    const built = join(ROOT, 'dist', 'src', rel.replace(/\.ts$/, '.js'));
    return !existsSync(built) || statSync(built).mtimeMs < statSync(join(ROOT, 'src', rel)).mtimeMs;
  });
  if (stale) {
    try {
      execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'ignore' });
    } catch {
      // tsc exits non-zero on type errors elsewhere in the tree but still emits; the spawned CLI tells.
    }
  }
  // BIN runs the bundle (scripts/bundle.mjs, built from src/ by esbuild in about a second).
  const bundle = join(ROOT, 'dist', 'bundle', 'appflow-gitops.js');
  const bundledAt = existsSync(bundle) ? statSync(bundle).mtimeMs : 0;
  if (sources.some((rel) => statSync(join(ROOT, 'src', rel)).mtimeMs > bundledAt)) {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'bundle.mjs')], { cwd: ROOT, stdio: 'ignore' });
  }
}

/** Every TypeScript source under src/ (relative to src/), i.e. everything the build emits for the CLI. */
function allSources(): string[] {
  return readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((rel) => rel.endsWith('.ts') && !rel.endsWith('.d.ts'));
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI to completion with exactly `env` (nothing inherited) and collects its output. */
export function runBuiltCli(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliResult> {
  return new Promise((resolvePromise) => {
    execFile(process.execPath, [BIN, ...args], { cwd: options.cwd, env: options.env, timeout: options.timeoutMs ?? 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolvePromise({ code, stdout, stderr });
    });
  });
}
