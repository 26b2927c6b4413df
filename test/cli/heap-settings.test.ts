// The CLI's V8 heap settings (src/cli/heap-settings.ts) must take effect although they are applied
// from inside an already running process. Checked in a child process (the settings are process-
// wide), by the size V8 reports for its young generation while garbage with some survivors is
// made, with and without the settings: without, Node lets it grow to 32 MB; with, it stops at the
// cap (one more doubling is allowed: the check runs after a GC, delivered asynchronously).
import { execFile, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PHASE_COLLECTION_MIN_GROWTH, PHASE_COLLECTION_MIN_HEAP_BYTES, YOUNG_GENERATION_CAP_BYTES } from '../../src/cli/heap-settings.js';
import { ensureBuilt, ROOT } from '../support/cli.js';

const MODULE = pathToFileURL(join(ROOT, 'dist', 'src', 'cli', 'heap-settings.js')).href;
ensureBuilt(['cli/heap-settings.ts', 'reconcile/phase-boundary.ts']);

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

// A one-shot command runs without TurboFan until its heap shows a big pass; the daemon keeps it.
// Read from V8 itself (%GetOptimizationStatus, bit 16: optimized by TurboFan) on a hot function
// that V8 is asked to optimize as soon as it can, before and after the heap passes the threshold.
const TURBOFAN_CHILD = `
const { applyHeapSettings, OPTIMIZE_FROM_HEAP_BYTES } = await import(${JSON.stringify(MODULE)});
if (process.argv[1] !== 'default') applyHeapSettings({ oneShot: process.argv[1] === 'one-shot' });
const TURBOFAN = 1 << 4;
function optimizedNow() {
  const add = new Function('a', 'b', 'return a + b');
  %PrepareFunctionForOptimization(add);
  for (let i = 0; i < 1000; i++) add(i, 1);
  %OptimizeFunctionOnNextCall(add);
  add(1, 2);
  return (%GetOptimizationStatus(add) & TURBOFAN) !== 0;
}
const before = optimizedNow();
const kept = [];
while (process.memoryUsage().heapUsed < OPTIMIZE_FROM_HEAP_BYTES + 8 * 1024 * 1024) {
  for (let i = 0; i < 10000; i++) kept.push({ name: 'profile-' + i, values: [i, i + 1] });
  await new Promise((resolve) => setImmediate(resolve));
}
await new Promise((resolve) => setImmediate(resolve));
process.stdout.write(JSON.stringify({ before, after: optimizedNow() }));
`;

function optimizationAround(mode: 'one-shot' | 'daemon'): Promise<{ before: boolean; after: boolean }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', TURBOFAN_CHILD, mode], { timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as { before: boolean; after: boolean });
    });
  });
}

describe("a one-shot command's optimising compiler", () => {
  it('is off until the heap passes OPTIMIZE_FROM_HEAP_BYTES, and always on in the daemon', async () => {
    const [oneShot, daemon] = await Promise.all([optimizationAround('one-shot'), optimizationAround('daemon')]);
    expect(oneShot).toEqual({ before: false, after: true });
    expect(daemon).toEqual({ before: true, after: true });
  });
});

// The daemon's V8 memory reducer does one GC per cycle (DAEMON_V8_FLAGS), where Node's default is
// two or three (issue 17: the idle daemon's CPU). Read from V8's own trace of the reducer, which
// says after its first GC whether it will do more. The child makes garbage, collects it (the full
// GC that arms the reducer, whose timer fires about 8 s later) and stays alive until stopped;
// --optimize-for-size makes the reducer start its GC at that first timer instead of waiting for
// V8 to judge the allocation rate low, which can take a minute or more.
const REDUCER_CHILD = `
import v8 from 'node:v8';
import vm from 'node:vm';
const { applyHeapSettings } = await import(${JSON.stringify(MODULE)});
if (process.argv[1] === 'daemon') applyHeapSettings({ oneShot: false });
v8.setFlagsFromString('--optimize-for-size');
v8.setFlagsFromString('--expose-gc');
let garbage = [];
for (let i = 0; i < 400000; i++) garbage.push({ name: 'profile-' + i, values: [i, i + 1] });
garbage = undefined;
vm.runInNewContext('gc')();
// Stopped by the test once the trace answers; the bound only keeps a failed run from leaving it behind.
setTimeout(() => process.exit(3), 100_000);
`;

/** The V8 option that makes the memory reducer trace its GCs: its own in V8 12 (Node 22), part of the verbose GC trace in V8 11 (Node 20). */
function reducerTraceOptions(): string[] {
  const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
  return options.includes('--trace-memory-reducer') ? ['--trace-memory-reducer'] : ['--trace-gc', '--trace-gc-verbose'];
}

/** What the reducer's trace says after its first GC ('done' or 'will do more'), and the child's stderr so far. */
function firstReducerGcOutcome(mode: 'daemon' | 'default', traceOptions: string[]): Promise<{ outcome: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...traceOptions, '--input-type=module', '-e', REDUCER_CHILD, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const outcome = /Memory reducer: finished GC #1 \(([^)]+)\)/.exec(stdout)?.[1];
      if (outcome) {
        child.kill();
        resolve({ outcome, stderr });
      }
    });
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGTERM') reject(new Error(`child exited (${code ?? signal}) before the memory reducer's first GC\n${stderr}`));
    });
  });
}

describe("the daemon's memory reducer", () => {
  it('stops after its first GC, where Node alone goes on to a second', { timeout: 120_000 }, async () => {
    const traceOptions = reducerTraceOptions();
    const [daemon, without] = await Promise.all([firstReducerGcOutcome('daemon', traceOptions), firstReducerGcOutcome('default', traceOptions)]);
    expect(without.outcome).toBe('will do more');
    expect(daemon.outcome).toBe('done');
    // The flag's name matches this V8 (an unknown one only prints an error line).
    expect(daemon.stderr).not.toMatch(/unrecognized flag/i);
  });
});

const PHASE_BOUNDARY = pathToFileURL(join(ROOT, 'dist', 'src', 'reconcile', 'phase-boundary.js')).href;

/**
 * Heap in use just before and just after a phase boundary, with `garbageMb` of dropped objects and
 * `liveMb` of live ones on the heap, and around a second boundary after 4 MB more were kept.
 */
const PHASE_CHILD = `
const { applyHeapSettings } = await import(${JSON.stringify(MODULE)});
const { phaseEnded } = await import(${JSON.stringify(PHASE_BOUNDARY)});
const [mode, garbageMb, liveMb = '0'] = process.argv.slice(1);
if (mode !== 'default') applyHeapSettings({ oneShot: mode === 'one-shot' });
const live = [];
for (let i = 0; i < Number(liveMb) * 1024; i++) live.push({ values: new Array(250).fill(i) });
let garbage = [];
for (let i = 0; i < Number(garbageMb) * 1024; i++) garbage.push({ values: new Array(250).fill(i) }); // about 1 KB each
garbage = undefined;
const before = process.memoryUsage().heapUsed;
phaseEnded();
const after = process.memoryUsage().heapUsed;
// A second boundary right away (another target's): the heap has not grown since, so no collection.
for (let i = 0; i < 4096; i++) live.push({ values: new Array(250).fill(i) }); // 4 MB more alive
const beforeSecond = process.memoryUsage().heapUsed;
phaseEnded();
const afterSecond = process.memoryUsage().heapUsed;
process.stdout.write(JSON.stringify({ before, after, beforeSecond, afterSecond, live: live.length, globalGc: typeof globalThis.gc }));
`;

interface PhaseHeap {
  before: number;
  after: number;
  beforeSecond: number;
  afterSecond: number;
  globalGc: string;
}

function acrossPhaseBoundary(mode: 'one-shot' | 'daemon', garbageMb: number, liveMb = 0): Promise<PhaseHeap> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', PHASE_CHILD, mode, String(garbageMb), String(liveMb)], { timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as PhaseHeap);
    });
  });
}

describe('collection between the phases of a pass', () => {
  it('collects at a phase boundary in a one-shot command whose heap is large, not in the daemon, without a global gc', async () => {
    const [oneShot, daemon] = await Promise.all([acrossPhaseBoundary('one-shot', 48), acrossPhaseBoundary('daemon', 48)]);
    expect(oneShot.before).toBeGreaterThan(PHASE_COLLECTION_MIN_HEAP_BYTES);
    expect(oneShot.after).toBeLessThan(oneShot.before / 2);
    expect(daemon.before).toBeGreaterThan(PHASE_COLLECTION_MIN_HEAP_BYTES);
    expect(daemon.after).toBeGreaterThanOrEqual(daemon.before);
    expect(oneShot.globalGc).toBe('undefined');
  });

  it('does not collect again until the heap has grown well past what the last collection left (one boundary per target)', async () => {
    const oneShot = await acrossPhaseBoundary('one-shot', 32, 40);
    expect(oneShot.after).toBeLessThan(oneShot.before * 0.75);
    expect(oneShot.beforeSecond).toBeGreaterThan(PHASE_COLLECTION_MIN_HEAP_BYTES);
    expect(oneShot.beforeSecond).toBeLessThan(oneShot.after * PHASE_COLLECTION_MIN_GROWTH);
    expect(oneShot.afterSecond).toBeGreaterThanOrEqual(oneShot.beforeSecond);
  });

  it('leaves a small heap alone (a 1,000-profile pass pays nothing)', async () => {
    const small = await acrossPhaseBoundary('one-shot', 4);
    expect(small.before).toBeLessThan(PHASE_COLLECTION_MIN_HEAP_BYTES);
    expect(small.after).toBeGreaterThanOrEqual(small.before);
  });
});
