// `npm run bench`: measures reconcile cost, change-to-applied latency, throttled throughput and
// idle cost against the emulator, with the naive per-resource reader as a baseline measured in
// the same run. Prints a table, writes bench/results.json and BENCHMARKS.md.
//
// Environment knobs (for a quick local try; the published numbers use the defaults):
//   BENCH_SIZES=100,1000,10000   no-op fleet sizes
//   BENCH_EDITS=30               edits in the latency scenario
//   BENCH_IDLE_SECONDS=60        idle measurement window
//   BENCH_DAEMON_RUNS=3          daemons in the latency and idle scenarios (each its edits and idle window)
//   BENCH_THROTTLE_RPS=50        emulator limit on CreateConnectorProfile
//   BENCH_THROTTLE_CREATES=500   creates in the throttled scenario
//   BENCH_CPU_PROF=DIR           write a V8 CPU profile of every measured worker into DIR
//   BENCH_ONLY=noop,fleet,daemon,throttled,policies  run only these scenarios (results.json/BENCHMARKS.md are
//                                then NOT written: published numbers always come from a full run)
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, freemem, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { inThreadReason } from '../src/cli/worker-load.js';
import { startEmulator, type RunningEmulator } from '../src/emulator/index.js';
import { profileName, profileYaml, writeFleet, writeTargetFleet } from './fixtures.js';
import { processCpuSeconds, processRssMb, sleep, startDaemon, timeFullPass, waitForIdle, waitForReady } from './daemon-probe.js';
import type { WorkerResult } from './reconcile-worker.js';
import { STEADY_TAIL } from './steady-passes.js';
import type { ReadFloorRound } from './read-floor-worker.js';
import { renderMarkdown, renderTables, renderTargets, type BenchResults, type FleetResult, type FloorResult, type IdleResult, type LatencyResult, type NoopResult, type PoliciesResult, type ThrottledResult } from './report.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const workerPath = join(here, 'reconcile-worker.js');
const floorWorkerPath = join(here, 'floor-worker.js');
const readFloorWorkerPath = join(here, 'read-floor-worker.js');
/** The shipped CLI (bin/ loads the bundle in dist/bundle/). */
const cliPath = join(repoRoot, 'bin', 'appflow-gitops.js');
const policiesPath = join(here, 'policies.js');

const sizes = (process.env.BENCH_SIZES ?? '100,1000,10000').split(',').map(Number);
const edits = Number(process.env.BENCH_EDITS ?? 30);
const idleSeconds = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
const daemonRuns = Number(process.env.BENCH_DAEMON_RUNS ?? 3);
const throttleRps = Number(process.env.BENCH_THROTTLE_RPS ?? 50);
const throttleCreates = Number(process.env.BENCH_THROTTLE_CREATES ?? 500);
/** Issue 17's fleet scenario: 10 targets x 100 profiles. */
const FLEET_TARGETS = 10;
const FLEET_PROFILES_PER_TARGET = 100;
const cpuProfDir = process.env.BENCH_CPU_PROF;
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : undefined;
/** Every measured scenario runs this many times; the results give the median and each run. */
const repeats = 3;
/** The shipped CLI's runs, each paired with a floor run just before it (benchNoop). */
const CLI_PAIRS = 5;
/** Upper bound of any single worker run (the 10,000-profile converge is the longest). */
const WORKER_TIMEOUT_MS = 20 * 60_000;

interface Measured extends WorkerResult {
  /** HTTP requests that reached the emulator during the run, by service (the authoritative count). */
  emulatorAppflow: number;
  emulatorDescribes: number;
  emulatorSecrets: number;
  emulator429s: number;
  /** The whole child process, spawn to exit, as the parent saw it (comparable with the floors). */
  processWallMs: number;
}

/**
 * Runs one measurement in a fresh process. The emulator's request log is cleared first, so the
 * call counts are the requests that actually reached the emulator during this run.
 */
async function runWorker(mode: string, profilesDir: string, stateDir: string, emulator: RunningEmulator, extra: object = {}): Promise<Measured> {
  emulator.clearRequestLog();
  const profiling = cpuProfDir && mode !== 'converge' ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`, `--cpu-prof-name=${mode}-${Date.now()}.cpuprofile`] : [];
  const spawnedAt = performance.now();
  const { stdout } = await run(
    process.execPath,
    [...profiling, workerPath, JSON.stringify({ mode, profilesDir, stateDir, endpoint: emulator.endpoint, ...extra })],
    { maxBuffer: 16 * 1024 * 1024, timeout: WORKER_TIMEOUT_MS },
  );
  const processWallMs = performance.now() - spawnedAt;
  const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as WorkerResult;
  const log = emulator.requestLog();
  return {
    ...result,
    emulatorAppflow: log.filter((e) => e.service === 'appflow').length,
    emulatorDescribes: log.filter((e) => e.operation === 'DescribeConnectorProfiles').length,
    emulatorSecrets: log.filter((e) => e.service === 'secretsmanager').length,
    emulator429s: log.filter((e) => e.status === 429).length,
    processWallMs,
  };
}

/**
 * The shipped CLI in a fresh process, as a user runs it: `node bin/appflow-gitops.js apply` on the
 * in-sync fleet against the emulator, spawn to exit as the parent saw it (the same yardstick as
 * the floors). Fails unless it exits 0 having written nothing.
 */
async function runShippedCli(profilesDir: string, stateDir: string, emulator: RunningEmulator): Promise<number> {
  emulator.clearRequestLog();
  const profiling = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`, `--cpu-prof-name=cli-apply-${Date.now()}.cpuprofile`] : [];
  const env = {
    PATH: process.env.PATH,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_ENDPOINT_URL_APPFLOW: emulator.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: emulator.endpoint,
  };
  const spawnedAt = performance.now();
  await run(process.execPath, [...profiling, cliPath, 'apply', '--profiles', profilesDir, '--state', stateDir, '--auto-approve'], {
    env,
    cwd: profilesDir,
    maxBuffer: 16 * 1024 * 1024,
    timeout: WORKER_TIMEOUT_MS,
  });
  const wallMs = performance.now() - spawnedAt;
  const writes = emulator.requestLog().filter((e) => e.operation !== 'DescribeConnectorProfiles' && e.service === 'appflow').length;
  if (writes > 0) throw new Error(`the CLI's no-op apply made ${writes} AppFlow writes`);
  return wallMs;
}

/** The median of a few runs (the middle one; the lower middle for an even count). */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}

/** One floor process (bench/floor-worker.ts), spawn to exit as the parent saw it, and its CPU. */
async function spawnFloor(mode: 'node' | 'sdk'): Promise<{ wallMs: number; cpuMs: number }> {
  const spawnedAt = performance.now();
  const { stdout } = await run(process.execPath, [floorWorkerPath, mode], { timeout: WORKER_TIMEOUT_MS });
  const wallMs = performance.now() - spawnedAt;
  const { processCpuMs } = JSON.parse(stdout.trim()) as { processCpuMs: number };
  return { wallMs, cpuMs: processCpuMs };
}

/**
 * The floors of a fresh-process pass, measured now, in this run, so the pass can be judged against
 * them whatever the machine's load: Node alone, and Node plus the two AWS SDK clients.
 */
async function measureFloors(): Promise<FloorResult> {
  const once = spawnFloor;
  const node: { wallMs: number; cpuMs: number }[] = [];
  const sdk: { wallMs: number; cpuMs: number }[] = [];
  // Interleaved, so a change in load touches both alike.
  for (let i = 0; i < repeats; i++) {
    node.push(await once('node'));
    sdk.push(await once('sdk'));
  }
  return {
    nodeWallMs: round(median(node.map((r) => r.wallMs))),
    nodeCpuMs: round(median(node.map((r) => r.cpuMs))),
    sdkWallMs: round(median(sdk.map((r) => r.wallMs))),
    sdkCpuMs: round(median(sdk.map((r) => r.cpuMs))),
    sdkWallMsRuns: sdk.map((r) => round(r.wallMs)),
  };
}

/**
 * The floor of the warm pass, in a fresh process over the same fleet and emulator: the reads the
 * pass makes, by plain SDK clients and nothing else (bench/read-floor-worker.ts). Fails unless
 * the emulator saw exactly the calls the worker says it made, round after round.
 */
async function runReadFloor(fleet: { names: string[]; secrets: { name: string }[] }, emulator: RunningEmulator): Promise<{ warm: ReadFloorRound; steady: ReadFloorRound }> {
  emulator.clearRequestLog();
  const profiling = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`, `--cpu-prof-name=read-floor-${Date.now()}.cpuprofile`] : [];
  const input = { endpoint: emulator.endpoint, names: fleet.names, secretIds: fleet.secrets.map((s) => s.name) };
  const { stdout } = await run(process.execPath, [...profiling, readFloorWorkerPath, JSON.stringify(input)], { maxBuffer: 16 * 1024 * 1024, timeout: WORKER_TIMEOUT_MS });
  const { rounds, callsPerRound } = JSON.parse(stdout.trim()) as { rounds: ReadFloorRound[]; callsPerRound: number };
  const seen = emulator.requestLog().length;
  if (seen !== rounds.length * callsPerRound) throw new Error(`read floor: the emulator saw ${seen} requests, the worker made ${rounds.length} x ${callsPerRound}`);
  const tail = rounds.slice(-STEADY_TAIL);
  return {
    // The second round, as the warm pass is the process's second pass.
    warm: rounds[1]!,
    steady: { wallMs: median(tail.map((r) => r.wallMs)), cpuMs: median(tail.map((r) => r.cpuMs)) },
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;


/** The young-generation collections timed between the warm runs' passes (absent in a worker that made none). */
function idleCollectionOf(runs: Measured[]): { warmIdleCollectionMs?: number; warmIdleCollectionMsRuns?: number[] } {
  const times = runs.map((m) => m.idleCollectionMs).filter((ms): ms is number => ms !== undefined);
  if (times.length === 0) return {};
  return { warmIdleCollectionMs: round(median(times), 2), warmIdleCollectionMsRuns: times.map((ms) => round(ms, 2)) };
}

async function benchNoop(size: number, work: string): Promise<NoopResult> {
  const emulator = await startEmulator({ profileQuota: size + 100 });
  try {
    const fleet = await writeFleet(join(work, `noop-${size}`), size);
    emulator.seed({ secrets: fleet.secrets });
    const stateDir = join(work, `noop-${size}-state`);
    const converge = await runWorker('converge', fleet.dir, stateDir, emulator);
    if (converge.failures > 0 || converge.writes !== size) {
      throw new Error(`converge of ${size} profiles: ${converge.writes} writes, ${converge.failures} failures`);
    }
    const measured: Measured[] = [];
    for (let i = 0; i < repeats; i++) measured.push(await runWorker('noop', fleet.dir, stateDir, emulator));
    const warmRuns: Measured[] = [];
    // The warm pass's floor (the same reads alone), interleaved with it so load touches both alike;
    // up to 1,000 profiles, as the later passes.
    const readFloors: Awaited<ReturnType<typeof runReadFloor>>[] = [];
    for (let i = 0; i < repeats; i++) {
      warmRuns.push(await runWorker('noop-warm', fleet.dir, stateDir, emulator));
      if (size <= 1000) readFloors.push(await runReadFloor(fleet, emulator));
    }
    for (const m of warmRuns) {
      if (m.writes !== 0 || m.failures !== 0) throw new Error(`warm no-op pass of ${size} profiles made ${m.writes} writes, ${m.failures} failures`);
    }
    for (const m of measured) {
      if (m.writes !== 0 || m.failures !== 0) throw new Error(`no-op pass of ${size} profiles made ${m.writes} writes, ${m.failures} failures`);
      if (m.emulatorAppflow !== m.appflowRequests || m.emulatorSecrets !== m.secretsRequests) {
        throw new Error(`call counts disagree: emulator saw ${m.emulatorAppflow}/${m.emulatorSecrets}, the SDK observer ${m.appflowRequests}/${m.secretsRequests}`);
      }
    }
    // The shipped CLI, each run right after a floor process (node + the two SDK clients), so the
    // ratio compares runs made under the same load: the run-level floors above are minutes older,
    // and on a shared 2-core machine the load moves in between. Five pairs, not three: both are
    // short, and a single run of either moves by more than the target's margin.
    const cliRuns: number[] = [];
    const cliFloorRuns: number[] = [];
    // The one-minute load average as each CLI run started: the CLI loads its files on a worker
    // thread only below cores + 0.5 (src/cli/worker-load.ts), and the run cannot say which way it
    // went without logging (which costs what it measures).
    const cliLoadAverages: number[] = [];
    for (let i = 0; i < CLI_PAIRS; i++) {
      cliFloorRuns.push((await spawnFloor('sdk')).wallMs);
      cliLoadAverages.push(load1());
      cliRuns.push(await runShippedCli(fleet.dir, stateDir, emulator));
    }
    // A long-running daemon's later passes (up to 1,000 profiles: ten passes of 10,000 would add
    // minutes for a figure the 1,000 row already gives).
    const steadyRuns: { wallMs: number; cpuMs: number }[] = [];
    if (size <= 1000) {
      for (let i = 0; i < repeats; i++) {
        const m = await runWorker('noop-steady', fleet.dir, stateDir, emulator);
        if (m.writes !== 0 || m.failures !== 0) throw new Error(`steady no-op passes of ${size} profiles made ${m.writes} writes, ${m.failures} failures`);
        const tail = (m.steadyPasses ?? []).slice(-STEADY_TAIL);
        steadyRuns.push({ wallMs: median(tail.map((p) => p.wallMs)), cpuMs: median(tail.map((p) => p.cpuMs)) });
      }
    }
    const byWall = [...measured].sort((a, b) => a.wallMs - b.wallMs);
    const mid = byWall[Math.floor(byWall.length / 2)]!;
    const baseline = await runWorker('baseline', fleet.dir, stateDir, emulator);
    if (baseline.profiles !== size) throw new Error(`baseline read ${baseline.profiles} profiles, expected ${size}`);
    return {
      wallMs: round(mid.wallMs),
      cpuMs: round(mid.cpuMs),
      peakRssMb: round(Math.max(...measured.map((m) => m.peakRssMb))),
      appflowCalls: mid.emulatorAppflow,
      secretsCalls: mid.emulatorSecrets,
      writes: Math.max(...measured.map((m) => m.writes)),
      warmWallMs: round(median(warmRuns.map((m) => m.wallMs))),
      warmCpuMs: round(median(warmRuns.map((m) => m.cpuMs))),
      ...(steadyRuns.length > 0
        ? {
            steadyWallMs: round(median(steadyRuns.map((r) => r.wallMs))),
            steadyCpuMs: round(median(steadyRuns.map((r) => r.cpuMs))),
            steadyWallMsRuns: steadyRuns.map((r) => round(r.wallMs)),
            steadyCpuMsRuns: steadyRuns.map((r) => round(r.cpuMs)),
          }
        : {}),
      ...(readFloors.length > 0
        ? {
            warmFloorWallMs: round(median(readFloors.map((f) => f.warm.wallMs))),
            warmFloorCpuMs: round(median(readFloors.map((f) => f.warm.cpuMs))),
            warmFloorWallMsRuns: readFloors.map((f) => round(f.warm.wallMs)),
            steadyFloorWallMs: round(median(readFloors.map((f) => f.steady.wallMs))),
            steadyFloorCpuMs: round(median(readFloors.map((f) => f.steady.cpuMs))),
            steadyFloorWallMsRuns: readFloors.map((f) => round(f.steady.wallMs)),
          }
        : {}),
      baselineWallMs: round(baseline.wallMs),
      baselineAppflowCalls: baseline.emulatorAppflow,
      baselineSecretsCalls: baseline.emulatorSecrets,
      wallMsRuns: measured.map((m) => round(m.wallMs)),
      cpuMsRuns: measured.map((m) => round(m.cpuMs)),
      processWallMs: round(median(measured.map((m) => m.processWallMs))),
      processCpuMs: round(median(measured.map((m) => m.processCpuMs))),
      processWallMsRuns: measured.map((m) => round(m.processWallMs)),
      peakRssMbRuns: measured.map((m) => round(m.peakRssMb)),
      cliWallMs: round(median(cliRuns)),
      cliWallMsRuns: cliRuns.map((ms) => round(ms)),
      cliFloorWallMs: round(median(cliFloorRuns)),
      cliFloorWallMsRuns: cliFloorRuns.map((ms) => round(ms)),
      cliLoadAverages,
      cliLoadWorkerExpected: cliLoadAverages.map((load) => loadWorkerWouldStart(load)),
      warmWallMsRuns: warmRuns.map((m) => round(m.wallMs)),
      warmCpuMsRuns: warmRuns.map((m) => round(m.cpuMs)),
      // The emulator saw both passes of a warm run; the SDK observer counts the measured one.
      warmAppflowCalls: median(warmRuns.map((m) => m.appflowRequests)),
      ...idleCollectionOf(warmRuns),
    };
  } finally {
    await emulator.close();
  }
}



/**
 * The fleet: declared targets, each a directory of profiles in its own region, reconciled by one
 * multi-target pass (what `apply` with appflow-gitops.yaml `targets:` runs). The warm pass (the
 * second in the same process, with the daemon's parse cache) should make one Describe per target
 * and cost at most twice the single-target warm pass over as many profiles.
 */
async function benchFleet(work: string, singleTargetWarmWallMs: number | undefined): Promise<FleetResult> {
  const emulator = await startEmulator({ profileQuota: FLEET_PROFILES_PER_TARGET + 100 });
  try {
    const fleet = await writeTargetFleet(join(work, 'fleet'), FLEET_TARGETS, FLEET_PROFILES_PER_TARGET);
    for (const target of fleet.targets) emulator.seed({ region: target.region, secrets: target.secrets });
    const targets = fleet.targets.map(({ name, region, paths }) => ({ name, region, paths }));
    const stateDir = join(work, 'fleet-state');
    const size = FLEET_TARGETS * FLEET_PROFILES_PER_TARGET;
    const converge = await runWorker('fleet-converge', fleet.dir, stateDir, emulator, { targets });
    if (converge.failures > 0 || converge.writes !== size) {
      throw new Error(`fleet converge: ${converge.writes} writes of ${size}, ${converge.failures} failures`);
    }
    const runs: Measured[] = [];
    for (let i = 0; i < repeats; i++) runs.push(await runWorker('fleet-warm', fleet.dir, stateDir, emulator, { targets }));
    for (const m of runs) {
      if (m.writes !== 0 || m.failures !== 0 || m.profiles !== size) throw new Error(`fleet warm pass: ${m.profiles} profiles planned, ${m.writes} writes, ${m.failures} failures`);
      // The emulator saw both passes of the run (the unmeasured first one too): twice the measured one's.
      if (m.emulatorDescribes !== 2 * (m.describeCalls ?? 0)) {
        throw new Error(`fleet Describe counts disagree: the emulator saw ${m.emulatorDescribes} over two passes, the SDK observer ${m.describeCalls} in the measured one`);
      }
    }
    const warmWallMs = round(median(runs.map((m) => m.wallMs)));
    return {
      targets: FLEET_TARGETS,
      profilesPerTarget: FLEET_PROFILES_PER_TARGET,
      warmWallMs,
      warmWallMsRuns: runs.map((m) => round(m.wallMs)),
      warmCpuMs: round(median(runs.map((m) => m.cpuMs))),
      warmCpuMsRuns: runs.map((m) => round(m.cpuMs)),
      ...idleCollectionOf(runs),
      describeCalls: Math.max(...runs.map((m) => m.describeCalls ?? 0)),
      appflowCalls: Math.max(...runs.map((m) => m.appflowCalls)),
      secretsCalls: Math.max(...runs.map((m) => m.secretsCalls)),
      ...(singleTargetWarmWallMs !== undefined ? { singleTargetWarmWallMs } : {}),
    };
  } finally {
    await emulator.close();
  }
}

/**
 * Scenarios 2 and 4: a daemon watching 1,000 files, edits first, then the idle window. Three runs,
 * each its own daemon process over the same converged fleet; the results give the median run and
 * each run (the highest RSS).
 */
async function benchDaemon(work: string): Promise<{ latency: LatencyResult; idle: IdleResult }> {
  const size = 1000;
  const emulator = await startEmulator({ profileQuota: size + 100 });
  try {
    const fleet = await writeFleet(join(work, 'daemon'), size);
    emulator.seed({ secrets: fleet.secrets });
    const stateDir = join(work, 'daemon-state');
    const converge = await runWorker('converge', fleet.dir, stateDir, emulator);
    if (converge.failures > 0) throw new Error(`daemon fleet converge had ${converge.failures} failures`);
    const runs: DaemonRun[] = [];
    for (let i = 0; i < daemonRuns; i++) runs.push(await benchDaemonOnce(emulator, fleet.dir, stateDir, i));
    const pick = (f: (r: DaemonRun) => number) => runs.map(f);
    const idleRuns = pick((r) => r.idle.cpuPercent);
    const medianIdle = runs.find((r) => r.idle.cpuPercent === median(idleRuns))!;
    return {
      latency: {
        p50Ms: median(pick((r) => r.latency.p50Ms)),
        p95Ms: median(pick((r) => r.latency.p95Ms)),
        maxMs: median(pick((r) => r.latency.maxMs)),
        samples: edits,
        p50MsRuns: pick((r) => r.latency.p50Ms),
        p95MsRuns: pick((r) => r.latency.p95Ms),
        maxMsRuns: pick((r) => r.latency.maxMs),
      },
      idle: {
        cpuPercent: median(idleRuns),
        rssMb: Math.max(...pick((r) => r.idle.rssMb)),
        seconds: medianIdle.idle.seconds,
        cpuPercentWindows: medianIdle.idle.cpuPercentWindows,
        cpuPercentRuns: idleRuns,
        rssMbRuns: pick((r) => r.idle.rssMb),
        fullPassMs: median(pick((r) => r.idle.fullPassMs)),
        fullPassMsRuns: pick((r) => r.idle.fullPassMs),
      },
    };
  } finally {
    await emulator.close();
  }
}

interface DaemonRun {
  latency: { p50Ms: number; p95Ms: number; maxMs: number };
  idle: { cpuPercent: number; rssMb: number; seconds: number; cpuPercentWindows: number[]; fullPassMs: number };
}

/** One daemon: `edits` edits (each from idle), then `idleSeconds` with nothing changing. */
async function benchDaemonOnce(emulator: RunningEmulator, profilesDir: string, stateDir: string, run: number): Promise<DaemonRun> {
  const nodeArgs = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`, `--cpu-prof-name=daemon-${run}.cpuprofile`] : [];
  const daemon = await startDaemon({ profilesDir, stateDir, endpoint: emulator.endpoint, nodeArgs });
  try {
    await waitForReady(daemon.port, 120_000, daemon.child);
    await waitForIdle(daemon.port, 30_000);
    const latencies = await measureEdits(emulator, profilesDir, daemon.port, run);
    // Let the last edit's reconcile settle, then measure a quiet minute.
    await waitForIdle(daemon.port, 30_000);
    await sleep(2000);
    emulator.clearRequestLog();
    const pid = daemon.child.pid!;
    const cpuStart = await processCpuSeconds(pid);
    const t0 = performance.now();
    // The window in thirds, each reported too: one busy moment shows up as one odd third.
    const windows: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const wCpu = await processCpuSeconds(pid);
      const wStart = performance.now();
      await sleep((idleSeconds * 1000) / repeats);
      windows.push(round((((await processCpuSeconds(pid)) - wCpu) / ((performance.now() - wStart) / 1000)) * 100, 2));
    }
    const elapsed = (performance.now() - t0) / 1000;
    const cpuUsed = (await processCpuSeconds(pid)) - cpuStart;
    const rssMb = await processRssMb(pid);
    const idleRequests = emulator.requestLog().length;
    if (idleRequests > 0) process.stderr.write(`note: the daemon made ${idleRequests} AWS requests during the idle window\n`);
    // After the measurements above: the shipped daemon's own full pass once it has been idle (what a
    // resync or POST /reconcile costs it), as the daemon itself times it.
    emulator.clearRequestLog();
    // 10 Describe and 50 BatchGetSecretValue calls: the pass is nearly over once they arrived.
    const fullPassMs = await timeFullPass(daemon.port, 1000, () => emulator.requestLog().length >= 60, 30_000);
    return {
      latency: { p50Ms: round(percentile(latencies, 50)), p95Ms: round(percentile(latencies, 95)), maxMs: round(Math.max(...latencies)) },
      idle: { cpuPercent: round((cpuUsed / elapsed) * 100, 2), rssMb: round(rssMb), seconds: round(elapsed), cpuPercentWindows: windows, fullPassMs },
    };
  } finally {
    await daemon.stop();
  }
}

/**
 * Edits one file at a time and times the write → UpdateConnectorProfile ARRIVAL at the emulator
 * (the request log's `at` is taken when the request has been read, before it is handled). Each
 * edit starts with the daemon idle, as a push to a quiet repository would.
 */
async function measureEdits(emulator: RunningEmulator, dir: string, port: number, run: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < edits; i++) {
    const name = profileName((i * 37 + run * 11) % 1000);
    emulator.clearRequestLog();
    const writtenAt = Date.now();
    await writeFile(join(dir, `${name}.yaml`), profileYaml(name, `https://edit-${run}-${i}.datadoghq.com`));
    const arrivedAt = await waitForUpdate(emulator, name, 15_000);
    latencies.push(arrivedAt - writtenAt);
    await waitForIdle(port, 30_000);
  }
  return latencies;
}

async function waitForUpdate(emulator: RunningEmulator, name: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // The log is cleared before every edit, so this copy stays a few dozen entries long.
    const hit = emulator.requestLog().find((e) => e.operation === 'UpdateConnectorProfile' && e.profileName === name);
    if (hit) return hit.at;
    await sleep(5);
  }
  throw new Error(`no UpdateConnectorProfile for ${name} within ${timeoutMs} ms`);
}


/** The throttled apply, three times on fresh accounts: the worst run is the result, each is listed. */
async function benchThrottled(work: string): Promise<ThrottledResult> {
  const runs: ThrottledResult[] = [];
  for (let i = 0; i < repeats; i++) runs.push(await benchThrottledOnce(join(work, `throttled-${i}`)));
  const worst = [...runs].sort((a, b) => a.fractionOfLimit - b.fractionOfLimit)[0]!;
  return {
    ...worst,
    failures: runs.reduce((sum, r) => sum + r.failures, 0),
    fractionOfLimitRuns: runs.map((r) => r.fractionOfLimit),
    failuresRuns: runs.map((r) => r.failures),
    throttledResponsesRuns: runs.map((r) => r.throttledResponses),
  };
}

async function benchThrottledOnce(work: string): Promise<ThrottledResult> {
  const emulator = await startEmulator({ profileQuota: throttleCreates + 100 });
  try {
    const fleet = await writeFleet(join(work, 'fleet'), throttleCreates);
    emulator.seed({ secrets: fleet.secrets });
    emulator.faults.throttle('CreateConnectorProfile', throttleRps);
    const result = await runWorker('throttled', fleet.dir, join(work, 'state'), emulator);
    const log = emulator.requestLog();
    const creates = log.filter((e) => e.operation === 'CreateConnectorProfile' && e.status === 200).map((e) => e.at);
    // The emulator admits at most R requests in any sliding second, so n successes whose first
    // and last arrive T seconds apart need T >= ceil(n/R) - 1: R at once at t=0, R more at t=1,
    // and so on. The most the limit could have admitted between the first success and the end of
    // the last one's window is R * (T + 1), so n / (T + 1) is the rate as the limit counts it and
    // never exceeds R. (n-1)/T, used before, read up to 106% of the limit when the window was kept
    // full, because it leaves out the last window the successes were spread over.
    const spanSeconds = (Math.max(...creates) - Math.min(...creates)) / 1000;
    const achieved = creates.length > 0 ? creates.length / (spanSeconds + 1) : 0;
    return {
      limitPerSecond: throttleRps,
      achievedPerSecond: round(achieved, 2),
      fractionOfLimit: round(achieved / throttleRps, 3),
      throttledResponses: log.filter((e) => e.status === 429).length,
      failures: result.failures + (throttleCreates - creates.length),
      creates: creates.length,
      wallMs: round(result.wallMs),
    };
  } finally {
    await emulator.close();
  }
}

/** bench/policies.ts (issue 16's budget for 5 policies over 1,000 profiles), three fresh processes. */
async function benchPolicies(): Promise<PoliciesResult> {
  const runs: { compileMs: number; coldMs: number; warmMs: number[]; profiles: number; policies: number; budgetMs: number }[] = [];
  for (let i = 0; i < repeats; i++) {
    const { stdout } = await run(process.execPath, [policiesPath], { timeout: WORKER_TIMEOUT_MS });
    runs.push(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as (typeof runs)[number]);
  }
  const warmOf = (r: (typeof runs)[number]) => median(r.warmMs);
  return {
    profiles: runs[0]!.profiles,
    policies: runs[0]!.policies,
    budgetMs: runs[0]!.budgetMs,
    compileMs: round(median(runs.map((r) => r.compileMs))),
    coldMs: round(median(runs.map((r) => r.coldMs))),
    warmMs: round(median(runs.map(warmOf))),
    coldMsRuns: runs.map((r) => round(r.coldMs)),
    warmMsRuns: runs.map((r) => round(warmOf(r))),
  };
}

function machineDescription(): string {
  const cpu = cpus();
  return `${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${round(totalmem() / 2 ** 30)} GiB RAM (${round(freemem() / 2 ** 30)} GiB free), ${platform()} ${release()}, Node ${process.version}`;
}

/** 1-minute load average, sampled around each scenario: the machine is shared, so say how busy it was. */
/** The CLI's own rule (src/cli/worker-load.ts), at this machine's cores and the given load, without APPFLOW_GITOPS_LOAD_WORKER. */
function loadWorkerWouldStart(loadAverage: number): boolean {
  return inThreadReason({ env: {}, cores: availableParallelism(), loadAverage }) === undefined;
}

function load1(): number {
  return round(loadavg()[0] ?? 0, 2);
}

function wanted(scenario: 'noop' | 'fleet' | 'daemon' | 'throttled' | 'policies'): boolean {
  return !only || only.has(scenario);
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'appflow-gitops-bench-'));
  const started = new Date();
  const loadAverage: Record<string, number> = { start: load1() };
  try {
    const noop: Record<string, NoopResult> = {};
    let floors: FloorResult | undefined;
    if (wanted('noop')) {
      process.stderr.write('floors: node alone, node + the two AWS SDK clients...\n');
      floors = await measureFloors();
      loadAverage.floors = load1();
      for (const size of sizes) {
        process.stderr.write(`no-op reconcile, ${size} profiles...\n`);
        noop[String(size)] = await benchNoop(size, work);
        loadAverage[`noop${size}`] = load1();
      }
    }
    let fleet: FleetResult | undefined;
    if (wanted('fleet')) {
      process.stderr.write(`fleet: ${FLEET_TARGETS} targets x ${FLEET_PROFILES_PER_TARGET} profiles, warm no-op pass...\n`);
      fleet = await benchFleet(work, noop['1000']?.warmWallMs);
      loadAverage.fleet = load1();
    }
    let daemonResults: Awaited<ReturnType<typeof benchDaemon>> | undefined;
    if (wanted('daemon')) {
      process.stderr.write(`daemon: ${daemonRuns} daemons, each ${edits} edits over 1,000 watched files, then ${idleSeconds} s idle...\n`);
      daemonResults = await benchDaemon(work);
      loadAverage.daemon = load1();
    }
    let throttled: ThrottledResult | undefined;
    if (wanted('throttled')) {
      process.stderr.write(`apply of ${throttleCreates} creates throttled at ${throttleRps}/s...\n`);
      throttled = await benchThrottled(work);
      loadAverage.throttled = load1();
    }
    let policies: PoliciesResult | undefined;
    if (wanted('policies')) {
      process.stderr.write('policies: 5 policies over a plan of 1,000 creates...\n');
      policies = await benchPolicies();
      loadAverage.policies = load1();
    }
    const results: BenchResults = {
      generatedAt: started.toISOString(),
      machine: machineDescription(),
      loadAverage,
      command: commandLine(),
      noop,
      floors,
      fleet,
      latency: daemonResults?.latency,
      throttled,
      idle: daemonResults?.idle,
      policies,
    };
    process.stdout.write(`${renderTables(results)}\n\n${renderTargets(results)}\n`);
    if (only) {
      process.stderr.write('BENCH_ONLY set: bench/results.json and BENCHMARKS.md left unchanged\n');
      return;
    }
    await writeFile(join(repoRoot, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    await writeFile(join(repoRoot, 'BENCHMARKS.md'), renderMarkdown(results));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The command that reproduces these numbers, with any non-default knob spelled out. */
function commandLine(): string {
  const knobs = ['BENCH_SIZES', 'BENCH_EDITS', 'BENCH_IDLE_SECONDS', 'BENCH_DAEMON_RUNS', 'BENCH_THROTTLE_RPS', 'BENCH_THROTTLE_CREATES']
    .filter((name) => process.env[name] !== undefined)
    .map((name) => `${name}=${process.env[name]}`);
  return [...knobs, 'npm run bench'].join(' ');
}

main().catch((err: unknown) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 1;
});
