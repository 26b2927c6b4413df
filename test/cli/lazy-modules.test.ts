// What a one-shot command loads. A plan or apply on a state directory, without a config file or
// declared targets, must not load the DynamoDB client, STS, the credential providers, ajv's
// compiler or cel-js (together well over 100 ms of start-up). Checked on the built CLI through
// Node's own module debug log (NODE_DEBUG=module,esm names every file it loads; a bundle chunk
// stands for the sources esbuild's metafile lists in it), not by timing; without LOG_LEVEL not
// pino either (src/logging/silent-logger.ts); nor, from Node's own list of built-ins, undici or the
// process report module (scripts/bundle-builtins.mjs); with a policy in appflow-gitops.yaml, cel-js and
// ajv do load and the policy is enforced.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { BIN, ensureBuilt } from '../support/cli.js';
import { emulatorEnv } from '../support/emulator-harness.js';
import { PRINT_BUILTINS_AT_EXIT, loadedBuiltins, loadedFile, loadedPackages } from '../support/module-log.js';
import { datadog, ddSecret, removeDir, tempDir, writeProfiles } from '../integration/plan-helpers.js';

const SOURCES = ['cli/commands/plan.ts', 'cli/commands/apply.ts', 'cli/load-config-or-fail.ts', 'cli/config-features.ts', 'cli/shared-state-modules.ts', 'aws/target-adapters.ts'];

/** Files of these packages must not appear in the module log of a plain run. */
const NOT_LOADED = ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@aws-sdk/client-sts', '@aws-sdk/credential-providers', '@marcbachmann/cel-js', 'pino'];
/** ajv's compiler (the profile validator is compiled at build time and only needs ajv's small runtime helpers). */
const AJV_COMPILER = 'node_modules/ajv/dist/ajv.js';

interface Run {
  code: number;
  stdout: string;
  /** The module debug log and the CLI's own stderr. */
  stderr: string;
}

function runWithModuleLog(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...PRINT_BUILTINS_AT_EXIT, BIN, ...args],
      // The log of every module the SDK loads runs to about a megabyte.
      { cwd, env: { ...emulatorEnv(emu.endpoint), HOME: cwd, AWS_MAX_ATTEMPTS: '1', NODE_DEBUG: 'module,esm' }, maxBuffer: 256 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

let emu: RunningEmulator;
let work: string;

beforeAll(async () => {
  ensureBuilt(SOURCES);
  emu = await startEmulator({ seed: { secrets: [ddSecret('dd', 'one')] } });
  work = await tempDir('lazy-modules-');
}, 180_000);

afterAll(async () => {
  await emu?.close();
  await removeDir(work);
});

describe('a one-shot command loads only what its run needs', () => {
  it('plan and apply on a state directory, no config file: no DynamoDB, STS, credential providers, ajv compiler, cel-js or pino', async () => {
    const profiles = join(work, 'plain');
    await writeProfiles(profiles, { 'a.json': datadog('a') });
    const state = join(work, 'plain-state');
    for (const args of [
      ['plan', '--profiles', profiles, '--state', state],
      ['apply', '--profiles', profiles, '--state', state, '--auto-approve'],
    ]) {
      const result = await runWithModuleLog(args, work);
      expect(result.code, `${args[0]} stdout:\n${result.stdout}`).toBe(0);
      // The log is there (the AppFlow client is always loaded), so an absence means something; and
      // it is the shipped bundle's (whose chunks the metafile maps to packages) that ran.
      expect(result.stderr).toContain('dist/bundle/appflow-gitops.js');
      expect(loadedPackages(result.stderr, ['@aws-sdk/client-appflow'])).toEqual(['@aws-sdk/client-appflow']);
      expect(loadedPackages(result.stderr, NOT_LOADED), args[0]).toEqual([]);
      expect(loadedFile(result.stderr, AJV_COMPILER), `${args[0]} loaded ${AJV_COMPILER}`).toBe(false);
      // Node's child_process modules: commander's stand-in (scripts/bundle.mjs) and git-head.ts's
      // git fallback load them only when used.
      expect(result.stderr, `${args[0]} loaded node:child_process`).not.toContain('load built-in module node:child_process');
      // The bundle reaches node:http, node:process and node:util through require()
      // (scripts/bundle-builtins.mjs): an ES import's facade reads every export, and their lazy
      // getters load undici (http.WebSocket, Node 22) and the report module (process.report).
      const builtins = loadedBuiltins(result.stderr);
      expect(builtins, 'the list is read: http itself is loaded').toContain('http');
      expect(builtins.filter((name) => name === 'internal/deps/undici/undici' || name === 'internal/process/report'), args[0]).toEqual([]);
    }
    expect(emu.requestLog().some((e) => e.operation === 'CreateConnectorProfile')).toBe(true);
  }, 240_000);

  it('with a policy in appflow-gitops.yaml, plan loads cel-js and the config schema and the policy still applies', async () => {
    const profiles = join(work, 'policy');
    await writeProfiles(profiles, { 'b.json': datadog('b') });
    await writeFile(
      join(profiles, 'appflow-gitops.yaml'),
      ['policies:', '  - name: no-b', '    expression: "profile.connectorProfileName != \'b\'"', '    message: b is not allowed here', ''].join('\n'),
    );
    const result = await runWithModuleLog(['plan', '--profiles', profiles, '--state', join(work, 'policy-state')], work);
    expect(loadedPackages(result.stderr, ['@marcbachmann/cel-js'])).toEqual(['@marcbachmann/cel-js']);
    expect(loadedFile(result.stderr, AJV_COMPILER)).toBe(true);
    expect(result.code, result.stdout).toBe(1);
    expect(result.stdout).toContain('! policy no-b (deny): b is not allowed here');
  }, 240_000);
});
