// Renders benchmark results: the console/markdown tables, the targets of issue 7 with a verdict
// computed from the numbers, and BENCHMARKS.md. Everything numeric here comes from the results
// object; the only hand-written text is the static explanation at the end of BENCHMARKS.md.

export interface NoopResult {
  /** Fresh process, first pass (what `apply` costs; module loading excluded). Median of 3. */
  wallMs: number;
  cpuMs: number;
  /** Highest peak RSS of the fresh-process runs (the whole process: runtime, SDK, state, fleet). */
  peakRssMb: number;
  /** Requests that reached the emulator during one pass. */
  appflowCalls: number;
  secretsCalls: number;
  writes: number;
  /** A second pass in the same process: each pass of the long-running daemon. */
  warmWallMs: number;
  warmCpuMs: number;
  baselineWallMs: number;
  baselineAppflowCalls: number;
  baselineSecretsCalls: number;
  /** Each fresh-process run (wallMs/cpuMs are their median). */
  wallMsRuns?: number[];
  cpuMsRuns?: number[];
  /** The whole fresh process, spawn to exit (module loading included): compare with floors.sdkWallMs. Median of 3. */
  processWallMs?: number;
  processCpuMs?: number;
  processWallMsRuns?: number[];
  peakRssMbRuns?: number[];
  /**
   * The shipped CLI, `node bin/appflow-gitops.js apply` on the same in-sync fleet, spawn to exit
   * (what a user waits on; the start-to-exit figure compared with the floor). Median of 3, each run.
   */
  cliWallMs?: number;
  cliWallMsRuns?: number[];
  /**
   * The floor (node + the two SDK clients, bench/floor-worker.ts) measured side by side with the
   * CLI: one floor process right before each CLI run, so both see the same load. The start-to-exit
   * verdict divides cliWallMs by this median; floors.sdkWallMs (measured at the start of the run)
   * stays in the floors table. Since round six; five pairs.
   */
  cliFloorWallMs?: number;
  cliFloorWallMsRuns?: number[];
  /** The one-minute load average as each CLI run started (beside cliWallMsRuns). */
  cliLoadAverages?: number[];
  /**
   * Whether the CLI's rule (src/cli/worker-load.ts: at least 2 cores and a load average below
   * cores + 0.5) would start the load worker at that load: the rule's verdict, not an observation.
   */
  cliLoadWorkerExpected?: boolean[];
  /** Each warm run (warmWallMs/warmCpuMs are their median). */
  warmWallMsRuns?: number[];
  warmCpuMsRuns?: number[];
  warmAppflowCalls?: number;
  /**
   * Since round twelve: the young-generation collection the daemon makes when it goes idle
   * (src/runtime/idle-collection.ts), timed in each warm run between its two passes (what the
   * warm pass no longer pays inside it). Median of 3, each run beside.
   */
  warmIdleCollectionMs?: number;
  warmIdleCollectionMsRuns?: number[];
  /**
   * Beside warmWallMs, not instead of it: one process runs 10 passes (the daemon's heap settings
   * and parse cache) and this is the median of its last 5, i.e. a long-running daemon's pass once
   * V8 has optimised it; the median of 3 such processes, each process's median beside it.
   */
  steadyWallMs?: number;
  steadyCpuMs?: number;
  steadyWallMsRuns?: number[];
  steadyCpuMsRuns?: number[];
  /**
   * The warm pass's floor (up to 1,000 profiles): the reads that pass makes (the same Describe and
   * BatchGetSecretValue calls, as many in flight), by plain SDK clients in a fresh process and
   * nothing else (bench/read-floor-worker.ts). warmFloor* is its second round (as the warm pass is
   * the process's second pass), steadyFloor* the median of its last 5 of 10 rounds (as the later
   * warm passes). Medians of 3 processes, interleaved with the warm-pass runs; each run beside.
   */
  warmFloorWallMs?: number;
  warmFloorCpuMs?: number;
  warmFloorWallMsRuns?: number[];
  steadyFloorWallMs?: number;
  steadyFloorCpuMs?: number;
  steadyFloorWallMsRuns?: number[];
}

/** Fresh processes that do nothing but start (and import the SDK clients), in the same run. Medians of 3. */
export interface FloorResult {
  nodeWallMs: number;
  nodeCpuMs: number;
  /** Node plus importing @aws-sdk/client-appflow and @aws-sdk/client-secrets-manager. */
  sdkWallMs: number;
  sdkCpuMs: number;
  sdkWallMsRuns: number[];
}

export interface LatencyResult {
  /** Medians of the runs (each run is one daemon and its own edits). */
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Samples per run. */
  samples: number;
  /** Each run's p50, p95 and max, in run order. */
  p50MsRuns?: number[];
  p95MsRuns?: number[];
  maxMsRuns?: number[];
}

export interface IdleResult {
  /** Median of the runs (each its own daemon after its edits). */
  cpuPercent: number;
  /** The highest of the runs. */
  rssMb: number;
  /** The window of one run. */
  seconds: number;
  /** CPU % in each third of the window, of the median run. */
  cpuPercentWindows?: number[];
  /** Each run's CPU % and RSS MB, in run order. */
  cpuPercentRuns?: number[];
  rssMbRuns?: number[];
  /**
   * After the idle window: a full pass of the running daemon (POST /reconcile over the 1,000
   * in-sync files), as the daemon times it (/status lastReconcile.durationMs): what a resync costs
   * the shipped daemon once it has been idle. Median of the runs, each run beside it.
   */
  fullPassMs?: number;
  fullPassMsRuns?: number[];
}

export interface ThrottledResult {
  limitPerSecond: number;
  achievedPerSecond: number;
  fractionOfLimit: number;
  throttledResponses: number;
  failures: number;
  creates: number;
  /** The whole apply: read, plan and all writes. */
  wallMs: number;
  /** Each of the 3 runs (fractionOfLimit is the worst; failures their sum). */
  fractionOfLimitRuns?: number[];
  failuresRuns?: number[];
  throttledResponsesRuns?: number[];
}

/** bench/policies.ts: what 5 compiled policies add to a plan of N creates (issue 16). Medians of 3 processes. */
export interface PoliciesResult {
  profiles: number;
  policies: number;
  budgetMs: number;
  compileMs: number;
  /** First evaluation in a fresh process (what a one-shot plan pays). */
  coldMs: number;
  /** Later evaluations (what a daemon pass pays): each run's median, then their median. */
  warmMs: number;
  coldMsRuns: number[];
  warmMsRuns: number[];
}

/** Issue 17's fleet: declared targets x profiles, one multi-target pass (reconcileTargets). Medians of 3 processes. */
export interface FleetResult {
  targets: number;
  profilesPerTarget: number;
  /** The second pass in the same process, with the daemon's parse cache. */
  warmWallMs: number;
  warmWallMsRuns: number[];
  warmCpuMs: number;
  warmCpuMsRuns: number[];
  /** Since round twelve: the idle collection between each run's two passes (see NoopResult). */
  warmIdleCollectionMs?: number;
  warmIdleCollectionMsRuns?: number[];
  /** DescribeConnectorProfiles calls of the warm pass (the most of the 3 runs). */
  describeCalls: number;
  appflowCalls: number;
  secretsCalls: number;
  /** noop['1000'].warmWallMs of the same run, when measured: the yardstick of the 2x target. */
  singleTargetWarmWallMs?: number;
}

export interface BenchResults {
  generatedAt: string;
  machine: string;
  /** 1-minute load average at the start and after each scenario. */
  loadAverage: Record<string, number>;
  command: string;
  noop: Record<string, NoopResult>;
  floors?: FloorResult | undefined;
  fleet?: FleetResult | undefined;
  latency: LatencyResult | undefined;
  throttled: ThrottledResult | undefined;
  idle: IdleResult | undefined;
  policies?: PoliciesResult | undefined;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const ratio = (a: number, b: number) => (b > 0 ? `${round(a / b)}x` : 'n/a');
/** "median (run, run, run)" when the runs are known. */
const spread = (value: number | undefined, runs: number[] | undefined) => (value === undefined ? 'n/a' : runs ? `${value} (${runs.join(', ')})` : String(value));

/** "612/211.6, 590/230" : each CLI run over the floor run made just before it. */
/** "1.2 (yes), 2.6 (no)": each CLI run's load average and whether the worker rule would start the worker; n/a before round seven. */
const cliLoads = (r: NoopResult) =>
  r.cliLoadAverages ? r.cliLoadAverages.map((load, i) => `${load} (${r.cliLoadWorkerExpected?.[i] ? 'yes' : 'no'})`).join(', ') : 'n/a';
const pairedRuns = (cli: number[] | undefined, floors: number[] | undefined) => (cli ?? []).map((ms, i) => `${ms}/${floors?.[i] ?? '?'}`).join(', ');

export function renderTables(results: BenchResults): string {
  const lines: string[] = [];
  if (Object.keys(results.noop).length > 0) {
    lines.push(
      '| No-op reconcile | profiles | wall ms | CPU ms | peak RSS MB | AppFlow calls | Secrets calls | warm pass wall ms | warm pass CPU ms | baseline wall ms | baseline AppFlow calls | baseline Secrets calls | wall ratio | AppFlow call ratio | Secrets call ratio |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const [size, r] of Object.entries(results.noop)) {
      lines.push(
        `| | ${size} | ${r.wallMs} | ${r.cpuMs} | ${r.peakRssMb} | ${r.appflowCalls} | ${r.secretsCalls} | ${r.warmWallMs} | ${r.warmCpuMs} | ${r.baselineWallMs} | ${r.baselineAppflowCalls} | ${r.baselineSecretsCalls} | ${ratio(r.baselineWallMs, r.wallMs)} | ${ratio(r.baselineAppflowCalls, r.appflowCalls)} | ${ratio(r.baselineSecretsCalls, r.secretsCalls)} |`,
      );
    }
    lines.push('');
    lines.push(
      '| Runs (median (each run)) | profiles | fresh pass wall ms | fresh pass CPU ms | fresh process wall ms (start to exit) | fresh process CPU ms | peak RSS MB | warm pass wall ms | warm pass CPU ms | warm pass AppFlow calls | shipped CLI apply wall ms (start to exit) |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const [size, r] of Object.entries(results.noop)) {
      lines.push(
        `| | ${size} | ${spread(r.wallMs, r.wallMsRuns)} | ${spread(r.cpuMs, r.cpuMsRuns)} | ${spread(r.processWallMs, r.processWallMsRuns)} | ${spread(r.processCpuMs, undefined)} | ${spread(r.peakRssMb, r.peakRssMbRuns)} | ${spread(r.warmWallMs, r.warmWallMsRuns)} | ${spread(r.warmCpuMs, r.warmCpuMsRuns)} | ${spread(r.warmAppflowCalls, undefined)} | ${spread(r.cliWallMs, r.cliWallMsRuns)} |`,
      );
    }
    lines.push('');
    const steady = Object.entries(results.noop).filter(([, r]) => r.steadyWallMs !== undefined);
    if (steady.length > 0) {
      lines.push(
        '| Later warm passes (one process, passes 6-10 of 10; median (each process)) | profiles | wall ms | CPU ms | the warm pass (second) wall ms, for comparison |',
        '|---|---:|---:|---:|---:|',
      );
      for (const [size, r] of steady) {
        lines.push(`| | ${size} | ${spread(r.steadyWallMs, r.steadyWallMsRuns)} | ${spread(r.steadyCpuMs, r.steadyCpuMsRuns)} | ${r.warmWallMs} |`);
      }
      lines.push('');
    }
  }
  const readFloors = Object.entries(results.noop).filter(([, r]) => r.warmFloorWallMs !== undefined);
  if (readFloors.length > 0) {
    lines.push(
      '| Warm pass floor (same run; the same reads by plain SDK clients, nothing else; median (each process)) | profiles | floor, round 2: wall ms | CPU ms | warm pass / floor (wall) | floor, rounds 6-10: wall ms | CPU ms | later warm passes / floor (wall) |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const [size, r] of readFloors) {
      lines.push(
        `| | ${size} | ${spread(r.warmFloorWallMs, r.warmFloorWallMsRuns)} | ${r.warmFloorCpuMs ?? 'n/a'} | ${ratio(r.warmWallMs, r.warmFloorWallMs!)} | ${spread(r.steadyFloorWallMs, r.steadyFloorWallMsRuns)} | ${r.steadyFloorCpuMs ?? 'n/a'} | ${r.steadyWallMs !== undefined && r.steadyFloorWallMs !== undefined ? ratio(r.steadyWallMs, r.steadyFloorWallMs) : 'n/a'} |`,
      );
    }
    lines.push('');
  }
  if (results.floors) {
    const f = results.floors;
    const n1000 = results.noop['1000'];
    lines.push('| Floors (same run, medians of 3) | node start wall ms | node start CPU ms | node + 2 SDK clients wall ms | node + 2 SDK clients CPU ms | 1,000-profile fresh process / floor (wall) | 1,000-profile shipped CLI apply / floor (wall) |', '|---|---:|---:|---:|---:|---:|---:|');
    lines.push(`| | ${f.nodeWallMs} | ${f.nodeCpuMs} | ${spread(f.sdkWallMs, f.sdkWallMsRuns)} | ${f.sdkCpuMs} | ${n1000?.processWallMs !== undefined ? ratio(n1000.processWallMs, f.sdkWallMs) : 'n/a'} | ${n1000?.cliWallMs !== undefined ? ratio(n1000.cliWallMs, f.sdkWallMs) : 'n/a'} |`, '');
  }
  const paired = Object.entries(results.noop).filter(([, r]) => r.cliWallMs !== undefined && r.cliFloorWallMs !== undefined);
  if (paired.length > 0) {
    lines.push(
      '| Shipped CLI apply beside its floor (each CLI run right after a floor run; medians of 5) | profiles | CLI wall ms | floor (node + 2 SDK clients) wall ms | CLI / floor | each pair, CLI/floor ms | load average as each CLI run started (worker expected by the CLI\'s rule) |',
      '|---|---:|---:|---:|---:|---|---|',
    );
    for (const [size, r] of paired) lines.push(`| | ${size} | ${r.cliWallMs} | ${r.cliFloorWallMs} | ${round(r.cliWallMs! / r.cliFloorWallMs!, 2)}x | ${pairedRuns(r.cliWallMsRuns, r.cliFloorWallMsRuns)} | ${cliLoads(r)} |`);
    lines.push('');
  }
  if (results.fleet) {
    const f = results.fleet;
    lines.push(
      '| Fleet (declared targets, warm no-op pass) | targets × profiles | warm pass wall ms (each run) | warm pass CPU ms (each run) | Describe calls | AppFlow calls | Secrets calls | single target, 1,000 profiles, warm wall ms | ratio |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    const single = f.singleTargetWarmWallMs;
    lines.push(`| | ${f.targets} × ${f.profilesPerTarget} | ${spread(f.warmWallMs, f.warmWallMsRuns)} | ${spread(f.warmCpuMs, f.warmCpuMsRuns)} | ${f.describeCalls} | ${f.appflowCalls} | ${f.secretsCalls} | ${single ?? 'n/a'} | ${single !== undefined ? ratio(f.warmWallMs, single) : 'n/a'} |`, '');
  }
  if (results.latency) {
    const l = results.latency;
    lines.push('| Change to applied (daemon, 1,000 files; median (each run)) | samples per run | p50 ms | p95 ms | max ms |', '|---|---:|---:|---:|---:|');
    lines.push(`| | ${l.samples} | ${spread(l.p50Ms, l.p50MsRuns)} | ${spread(l.p95Ms, l.p95MsRuns)} | ${spread(l.maxMs, l.maxMsRuns)} |`, '');
  }
  if (results.throttled) {
    const t = results.throttled;
    lines.push(
      '| Apply under throttling (worst of 3 runs) | creates | limit/s | achieved/s | fraction of limit (each run) | 429s seen (each run) | failures (each run) | apply wall ms |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
    );
    lines.push(`| | ${t.creates} | ${t.limitPerSecond} | ${t.achievedPerSecond} | ${spread(t.fractionOfLimit, t.fractionOfLimitRuns)} | ${spread(t.throttledResponses, t.throttledResponsesRuns)} | ${spread(t.failures, t.failuresRuns)} | ${t.wallMs} |`, '');
  }
  if (results.idle) {
    const i = results.idle;
    lines.push('| Idle daemon (1,000 files, after the edits; median (each run)) | seconds per run | CPU % | CPU % in each third (median run) | RSS MB (highest; each run) | then a full pass (POST /reconcile), ms as the daemon times it |', '|---|---:|---:|---:|---:|---:|');
    lines.push(`| | ${i.seconds} | ${spread(i.cpuPercent, i.cpuPercentRuns)} | ${(i.cpuPercentWindows ?? []).join(', ') || 'n/a'} | ${spread(i.rssMb, i.rssMbRuns)} | ${spread(i.fullPassMs, i.fullPassMsRuns)} |`, '');
  }
  if (results.policies) {
    const p = results.policies;
    lines.push('| Policies (bench/policies.ts) | profiles | policies | compile ms | first evaluation ms (each run) | later evaluations ms (each run) | budget ms |', '|---|---:|---:|---:|---:|---:|---:|');
    lines.push(`| | ${p.profiles} | ${p.policies} | ${p.compileMs} | ${spread(p.coldMs, p.coldMsRuns)} | ${spread(p.warmMs, p.warmMsRuns)} | ${p.budgetMs} |`);
  }
  return lines.join('\n').trimEnd();
}

interface TargetVerdict {
  target: string;
  measured: string;
  met: boolean | undefined;
}

export function evaluateTargets(results: BenchResults): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  const n1000 = results.noop['1000'];
  if (n1000) {
    verdicts.push({
      target: 'No-op reconcile of 1,000 profiles ≤ 1 s (fresh process)',
      measured: `${n1000.wallMs} ms`,
      met: n1000.wallMs <= 1000,
    });
    verdicts.push({
      target: 'No-op reconcile of 1,000 profiles ≤ 1 s (warm daemon pass)',
      measured: `${n1000.warmWallMs} ms`,
      met: n1000.warmWallMs <= 1000,
    });
    verdicts.push({
      target: 'No-op reconcile of 1,000 profiles ≤ 11 AppFlow calls',
      measured: `${n1000.appflowCalls} calls`,
      met: n1000.appflowCalls <= 11,
    });
  }
  for (const [size, r] of Object.entries(results.noop)) {
    const factor = r.appflowCalls > 0 ? r.baselineAppflowCalls / r.appflowCalls : Number.POSITIVE_INFINITY;
    verdicts.push({
      target: `≥ 50x fewer AppFlow calls than the baseline (${size} profiles)`,
      measured: `${round(factor)}x`,
      met: factor >= 50,
    });
  }
  if (results.latency) {
    verdicts.push({ target: 'Change to applied p95 ≤ 1 s', measured: `${results.latency.p95Ms} ms`, met: results.latency.p95Ms <= 1000 });
  }
  if (results.throttled) {
    const t = results.throttled;
    verdicts.push({
      target: 'Throttled throughput ≥ 80% of the limit, zero failures',
      measured: `${round(t.fractionOfLimit * 100)}%, ${t.failures} failures`,
      met: t.fractionOfLimit >= 0.8 && t.failures === 0,
    });
  }
  if (results.idle) {
    verdicts.push({ target: 'Idle CPU < 1%', measured: `${results.idle.cpuPercent}%`, met: results.idle.cpuPercent < 1 });
  }
  const n10000 = results.noop['10000'];
  if (n10000) {
    verdicts.push({ target: 'Peak RSS < 150 MB with 10,000 profiles', measured: `${n10000.peakRssMb} MB`, met: n10000.peakRssMb < 150 });
  }
  return verdicts.map((v) => ({ ...v, target: `(issue 7) ${v.target}` })).concat(evaluateRoundTwo(results));
}

/** Issue 17's targets (performance, round two). */
function evaluateRoundTwo(results: BenchResults): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  const n1000 = results.noop['1000'];
  const floor = results.floors?.sdkWallMs;
  if (n1000) {
    verdicts.push({ target: '(issue 17) Fresh-process no-op pass, 1,000 profiles ≤ 600 ms', measured: `${n1000.wallMs} ms`, met: n1000.wallMs <= 600 });
    // Start to exit is the shipped CLI's `apply` (what a user waits on) when the run measured it;
    // the bench worker's whole process (processWallMs) otherwise.
    const startToExit = n1000.cliWallMs ?? n1000.processWallMs;
    // The CLI's own paired floor when the run has one (each floor run just before a CLI run).
    const startFloor = n1000.cliWallMs !== undefined && n1000.cliFloorWallMs !== undefined ? n1000.cliFloorWallMs : floor;
    if (startToExit !== undefined && startFloor !== undefined) {
      const times = startToExit / startFloor;
      const paired = startFloor === n1000.cliFloorWallMs ? `; runs ${pairedRuns(n1000.cliWallMsRuns, n1000.cliFloorWallMsRuns)}` : '';
      verdicts.push({
        target: '(issue 17) Fresh process, start to exit ≤ 2.5x the floor (node + the two SDK clients, same run)',
        measured: `${startToExit} / ${startFloor} ms = ${round(times, 2)}x${n1000.cliWallMs !== undefined ? ' (the shipped CLI\'s apply' + (paired ? ', each run after a floor run' : '') + ')' : ''}${paired}`,
        met: times <= 2.5,
      });
    }
    // The verdict stays on the absolute figure; its floor (the same reads alone) is shown beside it.
    const warmFloor = n1000.warmFloorWallMs !== undefined ? ` (its floor, the same reads alone: ${n1000.warmFloorWallMs} ms; ${ratio(n1000.warmWallMs, n1000.warmFloorWallMs)})` : '';
    // Since round twelve the young-generation collection before the pass runs in the daemon's idle
    // time (src/runtime/idle-collection.ts): not inside the pass, and shown beside it.
    const idleCollection = n1000.warmIdleCollectionMs !== undefined ? `; before it, in the daemon's idle time, its young-generation collection: ${n1000.warmIdleCollectionMs} ms` : '';
    verdicts.push({ target: '(issue 17) Warm daemon pass (no-op), 1,000 profiles ≤ 100 ms', measured: `${n1000.warmWallMs} ms${warmFloor}${idleCollection}`, met: n1000.warmWallMs <= 100 });
  }
  if (results.latency) {
    verdicts.push({ target: '(issue 17) File save → UpdateConnectorProfile p95 ≤ 300 ms', measured: `${results.latency.p95Ms} ms`, met: results.latency.p95Ms <= 300 });
  }
  if (results.idle) {
    verdicts.push({ target: '(issue 17) Idle CPU ≤ 0.3%', measured: `${results.idle.cpuPercent}%`, met: results.idle.cpuPercent <= 0.3 });
  }
  const n10000 = results.noop['10000'];
  if (n10000) {
    verdicts.push({ target: '(issue 17) Peak RSS, 10,000-profile no-op ≤ 150 MB', measured: `${n10000.peakRssMb} MB`, met: n10000.peakRssMb <= 150 });
  }
  if (results.idle) {
    verdicts.push({ target: '(issue 17) Daemon RSS after a series of edits ≤ 150 MB', measured: `${results.idle.rssMb} MB`, met: results.idle.rssMb <= 150 });
  }
  if (results.policies) {
    const p = results.policies;
    verdicts.push({ target: `(issue 16) ${p.policies} policies add ≤ ${p.budgetMs} ms to a plan of ${p.profiles} profiles (later evaluations; first evaluation beside it)`, measured: `${p.warmMs} ms (first ${p.coldMs} ms)`, met: p.warmMs <= p.budgetMs });
  }
  if (results.fleet) {
    const f = results.fleet;
    const single = f.singleTargetWarmWallMs;
    const times = single !== undefined && single > 0 ? f.warmWallMs / single : undefined;
    verdicts.push({
      target: `(issue 17) Fleet of ${f.targets} targets × ${f.profilesPerTarget} profiles: a warm no-op pass makes exactly ${f.targets} Describe calls and costs ≤ 2x the single-target ${f.targets * f.profilesPerTarget}-profile warm pass`,
      measured: `${f.describeCalls} calls; ${f.warmWallMs} ms${times !== undefined ? ` = ${round(times, 2)}x ${single} ms` : ' (single-target pass not measured)'}`,
      met: times === undefined ? undefined : f.describeCalls === f.targets && times <= 2,
    });
  }
  if (results.throttled) {
    const t = results.throttled;
    const runs = t.fractionOfLimitRuns ?? [t.fractionOfLimit];
    const failures = t.failuresRuns ?? [t.failures];
    verdicts.push({
      target: '(issue 17) Throttled creates ≥ 90% of the limit with zero failures, in each of 3 runs',
      measured: `${runs.map((f) => `${round(f * 100)}%`).join(', ')}; failures ${failures.join(', ')}`,
      met: runs.every((f) => f >= 0.9) && failures.every((f) => f === 0),
    });
  }
  return verdicts;
}

export function renderTargets(results: BenchResults): string {
  const lines = ['| Target | measured | met |', '|---|---:|:---:|'];
  for (const v of evaluateTargets(results)) lines.push(`| ${v.target} | ${v.measured} | ${v.met === undefined ? 'n/a' : v.met ? 'yes' : 'NO'} |`);
  return lines.join('\n');
}

export function renderMarkdown(results: BenchResults): string {
  const loads = Object.entries(results.loadAverage)
    .map(([when, value]) => `${when} ${value}`)
    .join(', ');
  return [
    '# Benchmarks',
    '',
    'Generated by `npm run bench` (bench/run.ts); do not edit by hand. Raw numbers: bench/results.json.',
    '',
    `- Run: ${results.generatedAt}`,
    `- Machine: ${results.machine}`,
    `- Load (1-minute load average at the start and after each scenario; the machine is shared): ${loads}`,
    `- Command: \`${results.command}\``,
    '',
    '## Results',
    '',
    renderTables(results),
    '',
    '## Targets',
    '',
    renderTargets(results),
    '',
    STATIC_EXPLANATION,
  ].join('\n');
}

/** Fixed text (no numbers): how each scenario is measured and what bounds it. */
const STATIC_EXPLANATION = `## How each number is measured

- Everything runs against the emulator (src/emulator) on loopback, in the bench's parent process.
  Every measurement runs in a fresh child process (bench/reconcile-worker.ts), so CPU time and
  peak RSS belong to the measured work; pass wall and CPU time start after module loading.
- **Three runs** of every scenario: the tables give the median and, in brackets, each run. The
  machine is shared, so the 1-minute load average is recorded around each scenario, and the
  floors are measured in the same run: a fresh Node that does nothing, and one that only imports
  the two AWS SDK clients (bench/floor-worker.ts). *Fresh process wall* is the whole child
  process, spawn to exit, as the parent saw it: the same yardstick as the floors, so the ratio
  holds when the machine is busy and the absolute numbers do not. *Shipped CLI apply* is the same
  yardstick on what a user runs: \`node bin/appflow-gitops.js apply --auto-approve\` (the bundle in
  dist/bundle/) on the 1,000-profile in-sync fleet, three runs; it is the start-to-exit figure of
  issue 17's ratio to the floor (the worker's process wall stays beside it).
- **Calls** are the HTTP requests that reached the emulator during the run (its request log is
  cleared before each one); the bench fails if they disagree with what the SDK reported.
- **No-op reconcile**: a fleet of N Datadog profiles already in sync (converged first, not
  measured), each with its own secret holding two keys (two references per profile; no secret is
  shared, the worst case for batching). *wall/CPU ms* is the median of three fresh-process passes
  (what one \`apply\` costs); *warm pass* is a second pass in the same process with the daemon's
  parse cache (what each pass of the daemon costs), median of three processes; issue 17's 100 ms
  target is judged on it. *Later warm passes* (up to 1,000 profiles) are reported beside it: one
  process runs ten passes and its figure is the median of the last five, once V8 has optimised
  the pass (a daemon's resyncs after its first minutes), median of three processes. *peak RSS* is
  the whole process's high-water mark, the highest of the three.
- **Warm pass floor** (up to 1,000 profiles): the reads a warm pass makes, the same
  DescribeConnectorProfiles and BatchGetSecretValue calls with as many in flight, made by plain
  AWS SDK clients in a fresh process and nothing else: no files, no plan, no state, none of the
  tool's code (bench/read-floor-worker.ts; the clients set \`cacheMiddleware\` as the tool's do).
  Ten rounds per process: the second is the floor of the warm pass (the process's second pass),
  the median of the last five that of the later warm passes. Three processes, each run right
  after a warm-pass run; the emulator must have seen exactly the calls the worker made.
- **Baseline**: the naive reader on the same fleet in the same run: one DescribeConnectorProfiles
  per profile and one GetSecretValue per credential reference, sequential (how Terraform's
  provider refreshes each resource). It reads the same files first. Ratios are baseline / ours.
- **Change to applied**: a spawned \`appflow-gitops run\` daemon watches 1,000 files. With the daemon
  idle, one file is rewritten; the latency runs from just before the write to the arrival of the
  UpdateConnectorProfile request at the emulator (the request log's \`at\`, taken when the request
  has been read, before it is handled). Three runs, each a fresh daemon making 30 edits (p50, p95
  and max of its 30 samples); the table gives the median run's figures and each run's.
- **Apply under throttling**: one \`apply\`-equivalent pass creating every profile while the
  emulator admits at most R CreateConnectorProfile requests in any sliding second (the rest get
  429 ThrottlingException). Achieved rate = n / (T + 1) for n successful creates spread over T
  seconds between the first and the last (the most a sliding one-second window admits over that
  span is R × (T + 1)).
  Three runs on fresh accounts; the result is the worst run, each run is listed.
- **Fleet**: 10 declared targets × 100 profiles, each target its own directory and its own region
  of the emulator, reconciled by one multi-target pass as \`apply\` runs it with targets
  (src/reconcile/reconcile-targets.ts). The warm pass is the second in the same process, with the
  parse cache, median of three processes; its Describe calls are counted by the SDK and checked
  against the emulator's log. The yardstick is the single-target 1,000-profile warm pass of the
  same run.
- **Policies**: bench/policies.ts in three fresh processes: 1,000 profiles loaded from files,
  planned as creates, then five compiled CEL policies evaluated over the plan (issue 16's budget:
  20 ms); the first evaluation is what a one-shot \`plan\` pays, the later ones a daemon pass.
- **Idle**: each run's daemon after its edits, 60 s with nothing changing; CPU from
  /proc/PID/stat (user + system) over the whole window and over each third, RSS from
  /proc/PID/status at the end (the daemon's RSS after the series of edits). The median run's
  CPU, the highest RSS, each run beside them. Then each daemon is asked for a full pass
  (\`POST /reconcile\`, as git-sync's webhook or an operator does) and the table gives that pass's
  duration as the daemon reports it (\`lastReconcile.durationMs\` in /status): what a resync costs
  the shipped daemon after a quiet minute (V8's idle-time GC done), beside the bench worker's
  warm pass.

## What limits each number

- **No-op, fresh process**: CPU in the client. The JSON Schema validator is compiled at build time
  (ajv standalone code); a plain profile file is parsed for its values only, by a line parse of
  the commonest shape (src/desired/line-yaml.ts: block mappings of one-line scalars) or else
  js-yaml's event parser (src/desired/fast-yaml.ts, loaded on first use), and the positioned
  \`yaml\` parse runs only for a file both decline or that needs a located diagnostic, so a pass
  of plain valid files loads neither js-yaml nor \`yaml\`. The inventory's Describe calls go out
  before the files are read, so AWS answers while the pass reads them. What is left is reading and validating every file, one HMAC fingerprint per profile,
  the plan, and the AWS SDK's per-call cost (signing, (de)serialisation). Start to exit, the
  process also pays the floor (Node and the two SDK clients) and loading the tool's own modules
  (the \`apply\` command's graph, about 120 modules and the 674 KB generated validator; DynamoDB,
  STS, the credential providers, ajv's compiler and cel-js load only when a run needs them). The
  shipped CLI loads them as one esbuild bundle (dist/bundle/, the SDK's ES module builds
  included: 36 files for \`apply\` instead of 210, no CommonJS export lexing), so its start-up
  costs less than the floor's SDK import; the rest of its ratio to the floor is mostly the
  pass's own CPU. A one-shot command runs without TurboFan (V8's optimising compiler) until its
  heap passes 32 MB, which only a big pass reaches: in a process that lives under a second its
  background compiles competed with the pass and the emulator for the two cores; plain \`plan\`
  and \`apply\` load neither pino nor Node's child_process. The ratio moves by about 10% between
  runs on this machine (the floor alone ranges by a third), so the interleaved A/B sets in
  docs/benchmarks.md say more than one run.
- **No-op, warm pass** (the daemon's full pass: start-up, resync, anything a pass over changed
  files cannot be sure of): an unchanged file is not even read (one stat shows the device,
  inode, size and times of its last read, git's index check; a file written in the 2 s before
  its stat is read again), nor parsed, validated or copied (the parse cache hands out
  deep-frozen results keyed by the file's text), and the per-document work
  (digests, canonical forms, fingerprints) is remembered against those frozen documents. What is
  left is 1,000 stats, the batched reads (ceil(N / 100) DescribeConnectorProfiles calls, sent
  before the stats for the names the inventory holds, and ceil(secrets / 20) BatchGetSecretValue
  calls, grouped once per unchanged reference list; each four at a time, side by side; each
  command's middleware stack resolved once per client), the plan and GC. The AWS SDK's per-call
  work (deserialising 1,000 profiles and 2,000 secret values, SigV4, HTTP) is the largest part;
  the 50 secret batches are the longest chain (ListSecrets would check versions in 10 calls,
  but it needs access to every secret name in the account and is eventually consistent, so it
  is not used). The measured pass is the process's second, while V8 still compiles on
  background threads; it is bound by the main thread's CPU, not by waiting on the emulator. A
  long-running process's later passes cost less (the *later warm passes* table: the same pass
  once V8 has optimised it). The *warm pass floor* table measures the reads alone, by plain SDK
  clients in a process of their own: what is left above it is the tool's own work (1,000 stats,
  the plan, the state's change check) and its garbage; on round ten's VM, where every system
  call and wake-up is dear, the 1,000 stats alone take 5-10 ms, and the floor itself reads from
  about 55 to 110 ms depending on the machine of the day. The warm modes run with the daemon's heap
  setting (the old generation grows to 1.6x what survived; more frequent full GCs than Node's
  default).
- **Fleet**: each target's pass reads its own files (the directory once), describes its own
  profiles (one call per 100) and resolves its own secrets; one pass runs up to 10 targets at
  once (the daemon's target passes, 4), and a target whose account is already confirmed has its
  inventory described while the files load. The fleet makes the same calls as one target of as
  many profiles and, once V8 has optimised, costs about the same CPU per pass (each target's
  fixed steps are 0.5-4 ms); its ratio to the single-target pass depends mostly on whether a full
  GC falls inside the measured pass of either.
- **Peak RSS** is about 60 MB outside V8's heap (the binary, compiled code) plus the heap: what
  the pass holds (about 53 MB live at 10,000 profiles: strings, the documents, the observed
  profiles, the plan) and the garbage V8 lets pile up before collecting it. The CLI sizes its own
  heap from inside the process (src/cli/heap-settings.ts): the old generation grows to 1.6x what
  survived the last full GC, and a one-shot command's young generation stops growing at 8 MB;
  that took the 10,000-profile peak from about 210 MB to about 150-158 MB. Less live data took
  it to about 130 MB: Describe's answers keep only the fields a pass reads, long parsed strings
  are copies rather than views that keep each file's text alive, the state's change check keeps
  a digest rather than its 4 MB JSON. A one-shot pass with more than 32 MB of heap also collects
  once after loading the files and once after reading AWS (60-130 ms of CPU each at 10,000
  profiles; about 10 MB off the peak); at 1,000 profiles it never does.
- **Change to applied** is a pass over the changed file only (one file read, one profile
  described, one secret batch), plus 100 ms of deliberate waiting: 50 ms for the file's size to
  settle (Node's watcher reports an atomic rename and a file still being written in place alike)
  and a 50 ms debounce; then the fsynced save of the write's intent before the update is sent.
  A full pass runs instead whenever the partial answer could differ (docs/daemon.md).
- **Throttled throughput** is bounded by the limit itself; below it, by how soon a writer is ready
  when the window has room, and by how fast the writers go at all. The 8 writers burst past the
  limit and the emulator's sliding one-second window rejects the rest; a throttled write pauses
  100 to 200 ms and tries again without using a retry (up to 30 times), so some writer is ready
  within tens of milliseconds of a slot freeing. Each write also waits on two fsynced state saves
  (shared by the writes in flight), so on a loaded machine four writers alone could not keep up
  with 50/s. With p-retry's growing backoff instead of the pauses, writers that woke while the
  window was still full slept longer and longer, the window sat partly unused and the result
  varied from 75 to 92% from run to run. Two client-side rate limiters were tried and are not used: the SDK's adaptive retry
  mode (a CUBIC limiter) paced the writes below 80% of the limit; a pacer that learned the rate
  from 429s (start at the successes of the second before the first 429, +1/s each second, -5% on
  a later 429) cut the 429s about fourfold but did not raise the fraction of the limit in an A/B
  on the loaded machine (medians 0.78 with it, 0.84 without, 10 creates/s, six runs each).
- **Idle CPU** is one full GC, and almost nothing else. Every wake-up of an idle Node process
  costs CPU (on the Firecracker VM of round ten about 1 ms each, several times what it cost
  before), so an idle daemon has no timer that fires every second: a git-sync link swap is
  noticed by inotify watches on the links' parent directories, with a 30 s safety poll of the
  directory's real path, and the HTTP port's header and request deadlines are timers of each open
  connection (Node's own server-wide check runs at its default 30 s, as a backstop); the
  event-loop delay histogram samples only while a pass runs, the watcher uses inotify, and there
  is no pass until the resync interval (5 min) or a change. What is left is V8's memory reducer:
  it starts a full GC some seconds after allocation stops (about 110 ms of CPU on a quiet machine
  before round ten, 120-170 ms on round ten's VM), limited by the daemon to one GC per cycle
  instead of two or three; \`--no-memory-reducer\` would remove it but is read only when Node
  starts (not settable from inside) and leaves the heap unshrunk (RSS 137-143 MB). Whether that
  GC falls inside the 60 s window is what moves a run (the thirds show it), and the daemon's RSS
  after the edits between about 90 MB (it ran) and 140 MB (not yet).
`;
