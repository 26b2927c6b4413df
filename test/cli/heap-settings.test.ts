// The CLI's V8 heap settings (src/cli/heap-settings.ts) must take effect although they are applied
// from inside an already running process. Checked in a child process (the settings are process-
// wide), by the size V8 reports for its young generation while garbage with some survivors is
// made, with and without the settings: without, Node lets it grow to 32 MB; with, it stops at the
// cap (one more doubling is allowed: the check runs after a GC, delivered asynchronously).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { YOUNG_GENERATION_CAP_BYTES } from '../../src/cli/heap-settings.js';
import { ROOT } from '../support/cli.js';

const MODULE = pathToFileURL(join(ROOT, 'dist', 'src', 'cli', 'heap-settings.js')).href;

/** Makes about 300 MB of short-lived objects (a tenth kept alive), yielding between chunks. */
const CHILD = `
const { applyHeapSettings, youngGenerationBytes } = await import(${JSON.stringify(MODULE)});
if (process.argv[1] !== 'default') applyHeapSettings({ oneShot: process.argv[1] === 'one-shot' });
const kept = [];
let largest = 0;
for (let chunk = 0; chunk < 60; chunk++) {
  for (let i = 0; i < 50000; i++) {
    const o = { name: 'profile-' + i, values: [i, i + 1], nested: { chunk } };
    if (i % 10 === 0) kept.push(o);
  }
  largest = Math.max(largest, youngGenerationBytes());
  await new Promise((resolve) => setImmediate(resolve));
}
process.stdout.write(String(largest));
`;

function largestYoungGeneration(mode: 'one-shot' | 'daemon' | 'default'): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', CHILD, mode], { timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(Number(stdout));
    });
  });
}

describe('CLI heap settings', () => {
  it("stops a one-shot command's young generation growing past its cap, which Node alone and the daemon's settings do not", async () => {
    const [oneShot, daemon, without] = await Promise.all([largestYoungGeneration('one-shot'), largestYoungGeneration('daemon'), largestYoungGeneration('default')]);
    expect(without).toBeGreaterThan(2 * YOUNG_GENERATION_CAP_BYTES);
    expect(daemon).toBeGreaterThan(2 * YOUNG_GENERATION_CAP_BYTES);
    expect(oneShot).toBeLessThanOrEqual(2 * YOUNG_GENERATION_CAP_BYTES);
  });
});
