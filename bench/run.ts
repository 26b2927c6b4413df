// `npm run bench`: measures reconcile cost, change-to-applied latency, throttled throughput and
// idle cost against the emulator, with the naive per-resource reader as a baseline measured in
// the same run. Prints a table, writes bench/results.json and BENCHMARKS.md.
//
// Environment knobs (for a quick local try; the published numbers use the defaults):
//   BENCH_SIZES=100,1000,10000   no-op fleet sizes
//   BENCH_EDITS=30               edits in the latency scenario
//   BENCH_IDLE_SECONDS=60        idle measurement window
//   BENCH_THROTTLE_RPS=50        emulator limit on CreateConnectorProfile
//   BENCH_THROTTLE_CREATES=500   creates in the throttled scenario
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, freemem, platform, release, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startEmulator, type RunningEmulator } from '../src/emulator/index.js';
import { profileName, profileYaml, writeFleet } from './fixtures.js';
import { processCpuSeconds, processRssMb, sleep, startDaemon, waitForReady } from './daemon-probe.js';
import type { WorkerResult } from './reconcile-worker.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const workerPath = join(here, 'reconcile-worker.js');

const sizes = (process.env.BENCH_SIZES ?? '100,1000,10000').split(',').map(Number);
const edits = Number(process.env.BENCH_EDITS ?? 30);
const idleSeconds = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
const throttleRps = Number(process.env.BENCH_THROTTLE_RPS ?? 50);
const throttleCreates = Number(process.env.BENCH_THROTTLE_CREATES ?? 500);
const noopRepeats = 3;

async function runWorker(mode: string, profilesDir: string, stateDir: string, endpoint: string): Promise<WorkerResult> {
  const { stdout } = await run(process.execPath, [workerPath, JSON.stringify({ mode, profilesDir, stateDir, endpoint })], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as WorkerResult;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

interface NoopResult {
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  appflowCalls: number;
  secretsCalls: number;
  writes: number;
  baselineWallMs: number;
  baselineAppflowCalls: number;
  baselineSecretsCalls: number;
}

async function benchNoop(size: number, work: string): Promise<NoopResult> {
  const emulator = await startEmulator({ profileQuota: size + 100 });
  try {
    const fleet = await writeFleet(join(work, `noop-${size}`), size);
    emulator.seed({ secrets: fleet.secrets });
    const stateDir = join(work, `noop-${size}-state`);
    const converge = await runWorker('converge', fleet.dir, stateDir, emulator.endpoint);
    if (converge.failures > 0) throw new Error(`converge of ${size} profiles had ${converge.failures} failures`);
    const measured: WorkerResult[] = [];
    for (let i = 0; i < noopRepeats; i++) measured.push(await runWorker('noop', fleet.dir, stateDir, emulator.endpoint));
    const byWall = [...measured].sort((a, b) => a.wallMs - b.wallMs);
    const mid = byWall[Math.floor(byWall.length / 2)]!;
    const baseline = await runWorker('baseline', fleet.dir, stateDir, emulator.endpoint);
    return {
      wallMs: round(mid.wallMs),
      cpuMs: round(mid.cpuMs),
      peakRssMb: round(Math.max(...measured.map((m) => m.peakRssMb))),
      appflowCalls: mid.appflowCalls,
      secretsCalls: mid.secretsCalls,
      writes: Math.max(...measured.map((m) => m.writes)),
      baselineWallMs: round(baseline.wallMs),
      baselineAppflowCalls: baseline.appflowCalls,
      baselineSecretsCalls: baseline.secretsCalls,
    };
  } finally {
    await emulator.close();
  }
}

interface LatencyResult {
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  samples: number;
}

interface IdleResult {
  cpuPercent: number;
  rssMb: number;
  seconds: number;
}

/** Scenarios 2 and 4 share one daemon watching 1,000 files: edits first, then the idle window. */
async function benchDaemon(work: string): Promise<{ latency: LatencyResult; idle: IdleResult }> {
  const size = 1000;
  const emulator = await startEmulator({ profileQuota: size + 100 });
  const fleet = await writeFleet(join(work, 'daemon'), size);
  emulator.seed({ secrets: fleet.secrets });
  const stateDir = join(work, 'daemon-state');
  await runWorker('converge', fleet.dir, stateDir, emulator.endpoint);
  const daemon = await startDaemon({ profilesDir: fleet.dir, stateDir, endpoint: emulator.endpoint });
  try {
    await waitForReady(daemon.port, 120_000);
    const latencies = await measureEdits(emulator, fleet.dir);
    // Let the last edit's reconcile settle, then measure a quiet minute.
    await sleep(2000);
    const pid = daemon.child.pid!;
    const cpuStart = await processCpuSeconds(pid);
    const t0 = performance.now();
    await sleep(idleSeconds * 1000);
    const elapsed = (performance.now() - t0) / 1000;
    const cpuUsed = (await processCpuSeconds(pid)) - cpuStart;
    const rssMb = await processRssMb(pid);
    return {
      latency: {
        p50Ms: round(percentile(latencies, 50)),
        p95Ms: round(percentile(latencies, 95)),
        maxMs: round(Math.max(...latencies)),
        samples: latencies.length,
      },
      idle: { cpuPercent: round((cpuUsed / elapsed) * 100, 2), rssMb: round(rssMb), seconds: round(elapsed) },
    };
  } finally {
    await daemon.stop();
    await emulator.close();
  }
}

/** Edits one file at a time and times the write → UpdateConnectorProfile arrival at the emulator. */
async function measureEdits(emulator: RunningEmulator, dir: string): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < edits; i++) {
    const name = profileName((i * 37) % 1000);
    const logStart = emulator.requestLog().length;
    const writtenAt = Date.now();
    await writeFile(join(dir, `${name}.yaml`), profileYaml(name, `https://edit-${i}.datadoghq.com`));
    const arrivedAt = await waitForUpdate(emulator, name, logStart, 10_000);
    latencies.push(arrivedAt - writtenAt);
    await sleep(500);
  }
  return latencies;
}

async function waitForUpdate(emulator: RunningEmulator, name: string, fromIndex: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const log = emulator.requestLog();
    for (let i = fromIndex; i < log.length; i++) {
      const entry = log[i]!;
      if (entry.operation === 'UpdateConnectorProfile' && entry.profileName === name) return entry.at;
    }
    await sleep(2);
  }
  throw new Error(`no UpdateConnectorProfile for ${name} within ${timeoutMs} ms`);
}

interface ThrottledResult {
  limitPerSecond: number;
  achievedPerSecond: number;
  fractionOfLimit: number;
  throttledResponses: number;
  failures: number;
  creates: number;
}

async function benchThrottled(work: string): Promise<ThrottledResult> {
  const emulator = await startEmulator({ profileQuota: throttleCreates + 100 });
  try {
    const fleet = await writeFleet(join(work, 'throttled'), throttleCreates);
    emulator.seed({ secrets: fleet.secrets });
    emulator.faults.throttle('CreateConnectorProfile', throttleRps);
    const result = await runWorker('throttled', fleet.dir, join(work, 'throttled-state'), emulator.endpoint);
    const creates = emulator
      .requestLog()
      .filter((e) => e.operation === 'CreateConnectorProfile' && e.status === 200)
      .map((e) => e.at);
    const windowSeconds = (Math.max(...creates) - Math.min(...creates)) / 1000;
    // n successes spread over a window hold n-1 intervals.
    const achieved = creates.length > 1 ? (creates.length - 1) / windowSeconds : 0;
    return {
      limitPerSecond: throttleRps,
      achievedPerSecond: round(achieved, 2),
      fractionOfLimit: round(achieved / throttleRps, 3),
      throttledResponses: result.throttledResponses,
      failures: result.failures + (throttleCreates - creates.length),
      creates: creates.length,
    };
  } finally {
    await emulator.close();
  }
}

function machineDescription(): string {
  const cpu = cpus();
  return `${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${round(totalmem() / 2 ** 30)} GiB RAM (${round(freemem() / 2 ** 30)} GiB free), ${platform()} ${release()}, Node ${process.version}`;
}

function renderTable(results: Record<string, unknown>): string {
  const noop = results.noop as Record<string, NoopResult>;
  const latency = results.latency as LatencyResult;
  const throttled = results.throttled as ThrottledResult;
  const idle = results.idle as IdleResult;
  const lines = [
    '| No-op reconcile | profiles | wall ms | CPU ms | peak RSS MB | AppFlow calls | Secrets calls | baseline wall ms | baseline AppFlow calls | baseline Secrets calls | wall ratio | AppFlow call ratio | Secrets call ratio |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [size, r] of Object.entries(noop)) {
    lines.push(
      `| | ${size} | ${r.wallMs} | ${r.cpuMs} | ${r.peakRssMb} | ${r.appflowCalls} | ${r.secretsCalls} | ${r.baselineWallMs} | ${r.baselineAppflowCalls} | ${r.baselineSecretsCalls} | ${round(r.baselineWallMs / r.wallMs)}x | ${round(r.baselineAppflowCalls / r.appflowCalls)}x | ${round(r.baselineSecretsCalls / r.secretsCalls)}x |`,
    );
  }
  lines.push('');
  lines.push('| Change to applied (daemon, 1,000 files) | samples | p50 ms | p95 ms | max ms |', '|---|---:|---:|---:|---:|');
  lines.push(`| | ${latency.samples} | ${latency.p50Ms} | ${latency.p95Ms} | ${latency.maxMs} |`);
  lines.push('');
  lines.push('| Apply under throttling | creates | limit/s | achieved/s | fraction of limit | 429s seen | failures |', '|---|---:|---:|---:|---:|---:|---:|');
  lines.push(`| | ${throttled.creates} | ${throttled.limitPerSecond} | ${throttled.achievedPerSecond} | ${throttled.fractionOfLimit} | ${throttled.throttledResponses} | ${throttled.failures} |`);
  lines.push('');
  lines.push('| Idle daemon (1,000 files) | seconds | CPU % | RSS MB |', '|---|---:|---:|---:|');
  lines.push(`| | ${idle.seconds} | ${idle.cpuPercent} | ${idle.rssMb} |`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'appflow-gitops-bench-'));
  const started = new Date();
  try {
    const noop: Record<string, NoopResult> = {};
    for (const size of sizes) {
      process.stderr.write(`no-op reconcile, ${size} profiles...\n`);
      noop[String(size)] = await benchNoop(size, work);
    }
    process.stderr.write(`daemon: ${edits} edits over 1,000 watched files, then ${idleSeconds} s idle...\n`);
    const { latency, idle } = await benchDaemon(work);
    process.stderr.write(`apply of ${throttleCreates} creates throttled at ${throttleRps}/s...\n`);
    const throttled = await benchThrottled(work);
    const results = {
      generatedAt: started.toISOString(),
      machine: machineDescription(),
      command: 'npm run bench',
      noop,
      latency,
      throttled,
      idle,
    };
    const table = renderTable(results);
    process.stdout.write(`${table}\n`);
    await writeFile(join(repoRoot, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    await writeFile(
      join(repoRoot, 'BENCHMARKS.md'),
      [
        '# Benchmarks',
        '',
        'Generated by `npm run bench` (bench/run.ts); do not edit by hand. Raw numbers: bench/results.json.',
        '',
        `- Run: ${results.generatedAt}`,
        `- Machine: ${results.machine}`,
        `- Command: \`${results.command}\``,
        '- Everything runs against the embedded emulator on loopback. Each measurement runs in a fresh',
        '  process (bench/reconcile-worker.ts), so CPU time and peak RSS are the reconcile\'s own; the',
        '  emulator runs in the parent process.',
        '- Baseline: the naive reader measured in the same run on the same fleet: one',
        '  DescribeConnectorProfiles per profile and one GetSecretValue per credential reference,',
        '  sequential (how Terraform\'s provider refreshes each resource). Ratios are baseline / ours.',
        '- Fleet: Datadog profiles, each with its own secret holding two keys (two references per',
        '  profile; no secret is shared, the worst case for batching).',
        '',
        table,
        '',
      ].join('\n'),
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 1;
});
