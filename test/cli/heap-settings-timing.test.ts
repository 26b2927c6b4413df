// When plan and apply apply the CLI's heap settings (src/cli/main.ts): only once the pass's modules
// are loaded. Every v8.setFlagsFromString changes the hash V8 checks each code cache against, so a
// built-in module loaded after it is compiled from source instead of from the cache in the node
// binary; applied at start-up, that hit the built-ins the AWS SDK's import loads (https, http's
// internals, tls, crypto, zlib) and the whole start of the load worker. Checked on the built CLI, by
// recording which built-ins the main thread had loaded when the first V8 flag was set (not by
// timing), and that the settings are still applied.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { BIN, ensureBuilt } from '../support/cli.js';
import { emulatorEnv } from '../support/emulator-harness.js';
import { datadog, ddSecret, removeDir, tempDir, writeProfiles } from '../integration/plan-helpers.js';

/**
 * Node flags that make the spawned CLI's main thread print, as it exits, one stderr line
 * `FLAGS {"flags": [...], "builtinsAtFirst": [...]}`: every V8 flag it set from inside, and the
 * built-in modules it had loaded when it set the first.
 */
const RECORD_FLAGS = [
  '--import',
  `data:text/javascript,${encodeURIComponent(`
import v8 from 'node:v8';
import { isMainThread } from 'node:worker_threads';
if (isMainThread) {
  const set = v8.setFlagsFromString;
  const flags = [];
  let builtinsAtFirst;
  v8.setFlagsFromString = (flag) => {
    builtinsAtFirst ??= process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length));
    flags.push(flag);
    return set.call(v8, flag);
  };
  process.on('exit', () => process._rawDebug('FLAGS ' + JSON.stringify({ flags, builtinsAtFirst })));
}
`)}`,
];

/**
 * Loaded by the AWS SDK's import (its HTTP handler, the signer, the checksums). node:http itself
 * loads only at the first request (the bundle reaches it through require(), on first use:
 * scripts/bundle-builtins.mjs), its internals (_http_client...) with the SDK.
 */
const SDK_BUILTINS = ['https', '_http_client', 'tls', 'crypto', 'zlib'];

interface Recorded {
  flags: string[];
  builtinsAtFirst?: string[];
}

function runRecordingFlags(args: string[], cwd: string): Promise<{ code: number; stdout: string; recorded: Recorded }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...RECORD_FLAGS, BIN, ...args], { cwd, env: { ...emulatorEnv(emu.endpoint), HOME: cwd, AWS_MAX_ATTEMPTS: '1' }, timeout: 120_000 }, (error, stdout, stderr) => {
      const line = /^FLAGS (.*)$/m.exec(stderr);
      if (!line) return reject(new Error(`no FLAGS line on stderr:\n${stderr}`));
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, recorded: JSON.parse(line[1]!) as Recorded });
    });
  });
}

let emu: RunningEmulator;
let work: string;

beforeAll(async () => {
  ensureBuilt(['cli/main.ts', 'cli/commands/plan.ts', 'cli/commands/apply.ts', 'cli/heap-settings.ts']);
  emu = await startEmulator({ seed: { secrets: [ddSecret('dd', 'one')] } });
  work = await tempDir('heap-timing-');
}, 180_000);

afterAll(async () => {
  await emu?.close();
  await removeDir(work);
});

describe('plan and apply apply the heap settings once their pass is imported', () => {
  it('sets no V8 flag before the AWS SDK has loaded its built-ins, and still sets the one-shot settings', async () => {
    const profiles = join(work, 'profiles');
    await writeProfiles(profiles, { 'a.json': datadog('a') });
    const state = join(work, 'state');
    for (const args of [
      ['plan', '--profiles', profiles, '--state', state],
      ['apply', '--profiles', profiles, '--state', state, '--auto-approve'],
    ]) {
      const { code, stdout, recorded } = await runRecordingFlags(args, work);
      expect(code, `${args[0]} stdout:\n${stdout}`).toBe(0);
      // The one-shot settings (src/cli/heap-settings.ts) are applied: the old generation's growth
      // and no TurboFan to start with.
      expect(recorded.flags, args[0]).toEqual(expect.arrayContaining([expect.stringMatching(/^--heap-growing-percent=/), '--no-turbofan']));
      expect(recorded.builtinsAtFirst, args[0]).toEqual(expect.arrayContaining(SDK_BUILTINS));
    }
  }, 240_000);
});
