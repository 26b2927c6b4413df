// One benchmark measurement in a fresh process, so that CPU time and peak RSS belong to the
// measured work alone (the emulator runs in the parent). Prints one JSON line on stdout.
//
//   node dist/bench/reconcile-worker.js '{"mode":"noop","profilesDir":...,"stateDir":...,"endpoint":...}'
//
// Modes:
//   converge  - reconcileOnce to bring the account in sync (setup, not reported as a result)
//   noop      - reconcileOnce on an in-sync fleet, in a fresh process: what a one-shot `apply`
//               costs (module loading excluded; schema compilation, client set-up included)
//   noop-steady - STEADY_PASSES passes in one process, each timed (steadyPasses): what a long-running
//               daemon's pass costs once V8 has optimised it (reported beside noop-warm, not instead)
//   noop-warm - one unmeasured pass, then the measured one in the same process: what each pass of
//               the long-running daemon costs once it is warm (between them, the young-generation
//               collection the daemon makes when it goes idle: idleCollectionMs)
//   baseline  - the naive reader: one DescribeConnectorProfiles per profile and one
//               GetSecretValue per reference, sequential (how Terraform's provider reads)
//   throttled - reconcileOnce creating every profile while the emulator throttles creates
//   fleet-converge, fleet-warm - the same as converge and noop-warm over declared targets
//               (`targets`, each its own region): one multi-target pass (reconcileTargets), as
//               `apply` runs it with appflow-gitops.yaml `targets:`
import { AppflowClient, DescribeConnectorProfilesCommand } from '@aws-sdk/client-appflow';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createAwsAdapters } from '../src/aws/clients.js';
import { applyHeapSettings } from '../src/cli/heap-settings.js';
import type { AwsCallObserver } from '../src/aws/ports.js';
import { createTargetAdapters, type TargetAdapters } from '../src/aws/target-adapters.js';
import { loadProfiles } from '../src/desired/load-profiles.js';
import { ProfileParseCache } from '../src/desired/parse-cache.js';
import { createSilentLogger } from '../src/logging/logger.js';
import { reconcileOnce } from '../src/reconcile/reconcile-once.js';
import { reconcileTargets } from '../src/reconcile/reconcile-targets.js';
import type { ReconcileOptions } from '../src/reconcile/types.js';
import { WRITE_SDK_MAX_ATTEMPTS } from '../src/reconcile/retry-policy.js';
import { createFileStateStore } from '../src/state/file-state-store.js';
import { IdleCollection } from '../src/runtime/idle-collection.js';
import { STEADY_PASSES } from './steady-passes.js';

interface WorkerInput {
  mode: 'converge' | 'noop' | 'noop-warm' | 'noop-steady' | 'baseline' | 'throttled' | 'fleet-converge' | 'fleet-warm';
  profilesDir: string;
  stateDir: string;
  endpoint: string;
  /** The fleet modes: the declared targets (each its own region, paths `tN/`). */
  targets?: { name: string; region: string; paths: string[] }[];
}

export interface WorkerResult {
  wallMs: number;
  cpuMs: number;
  /** CPU time of the whole process, start-up and module loading included (compare with the floors). */
  processCpuMs: number;
  peakRssMb: number;
  appflowCalls: number;
  secretsCalls: number;
  /** HTTP requests the SDK made (its own retries included), as reported by the call observer. */
  appflowRequests: number;
  secretsRequests: number;
  throttledResponses: number;
  failures: number;
  writes: number;
  profiles: number;
  /** DescribeConnectorProfiles calls the SDK made (the measured pass). */
  describeCalls?: number;
  /** noop-steady: each pass of the process, in order (wall and CPU ms). */
  steadyPasses?: { wallMs: number; cpuMs: number }[];
  /** The warm modes: the young-generation collection that followed the previous pass (ms), as the daemon makes it when it goes idle. */
  idleCollectionMs?: number;
}


const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
/** Every measured pass: what `apply` does by default (no prune, no replace). */
const NO_PRUNE: ReconcileOptions = { prune: false, allowEmpty: false, maxDeletes: 0, allowReplace: false };
const region = 'us-east-1';

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as WorkerInput;
  // The CLI's V8 heap settings (src/cli/main.ts applies them at start), so peak RSS and CPU are
  // what `apply` gets (the warm modes: what the daemon, `run`, gets); the naive baseline reader
  // is not the CLI and runs without.
  const daemonLike = input.mode === 'noop-warm' || input.mode === 'noop-steady' || input.mode === 'fleet-warm';
  if (input.mode !== 'baseline') applyHeapSettings({ oneShot: !daemonLike });
  // The fresh-process measurement loads what `appflow-gitops apply` loads (its command module's
  // whole import graph: commander, the config and state plumbing), not only the modules the pass
  // below calls, so processWallMs/processCpuMs compare the real command with the floors. Before
  // the measured span: wallMs/cpuMs stay the pass alone.
  // Since round six the command module holds only its flag and config checks and imports the
  // pass (src/cli/apply-pass.ts) when it runs: both, to charge the same graph as before.
  if (input.mode === 'noop') await Promise.all([import('../src/cli/commands/apply.js'), import('../src/cli/apply-pass.js')]);
  const counts = { appflow: 0, secrets: 0, appflowRequests: 0, secretsRequests: 0, throttled: 0, describes: 0 };
  let failures = 0;
  let writes = 0;
  const steadyPasses: { wallMs: number; cpuMs: number }[] = [];
  let profiles: number;
  let cpuBefore = process.cpuUsage();
  let started = performance.now();
  // The daemon collects its young generation once a pass is over and no other runs
  // (src/runtime/idle-collection.ts); the warm modes do the same after each unmeasured pass,
  // and the measured pass starts after that collection, as the daemon's next pass does.
  const idle = new IdleCollection();
  const asTheDaemonDoes = async (pass: () => Promise<unknown>): Promise<void> => {
    await idle.around(pass);
    await idle.settled();
  };

  const observer: AwsCallObserver = (call) => {
    const attempts = call.attempts ?? 1;
    if (call.service === 'appflow') {
      counts.appflow++;
      counts.appflowRequests += attempts;
      if (call.operation === 'DescribeConnectorProfiles') counts.describes++;
    } else {
      counts.secrets++;
      counts.secretsRequests += attempts;
    }
    if (call.errorCode === 'ThrottlingException') counts.throttled++;
  };
  const resetCounts = () => {
    for (const key of Object.keys(counts) as (keyof typeof counts)[]) counts[key] = 0;
    cpuBefore = process.cpuUsage();
    started = performance.now();
  };

  if (input.mode === 'baseline') {
    const result = await runBaseline(input, counts);
    profiles = result.profiles;
  } else if (input.mode === 'fleet-converge' || input.mode === 'fleet-warm') {
    const runs = (input.targets ?? []).map((t) => {
      const adapters: TargetAdapters = createTargetAdapters(
        { name: t.name, region: t.region, implicit: false },
        { credentials, endpoints: { appflow: input.endpoint, secretsmanager: input.endpoint }, writeMaxAttempts: WRITE_SDK_MAX_ATTEMPTS, observer, rememberReads: daemonLike },
      );
      return { name: t.name, adapters, takes: (file: string) => t.paths.some((prefix) => file.startsWith(prefix)) };
    });
    const parseCache = input.mode === 'fleet-warm' ? new ProfileParseCache() : undefined;
    const store = createFileStateStore(input.stateDir, { keepLastParse: daemonLike });
    const pass = () =>
      reconcileTargets(
        { profilesDir: input.profilesDir, loadOptions: parseCache ? { parseCache } : {}, store, logger: createSilentLogger(), targets: runs },
        { ...NO_PRUNE, ...(input.mode === 'fleet-converge' ? { writeConcurrency: 16 } : {}) },
      );
    if (input.mode === 'fleet-warm') {
      await asTheDaemonDoes(pass);
      resetCounts();
    }
    const report = await pass();
    for (const run of runs) run.adapters.destroy();
    const reports = report.targets.map((t) => t.report);
    profiles = reports.reduce((sum, r) => sum + r.plan.changes.length, 0);
    failures = reports.reduce((sum, r) => sum + r.outcomes.filter((o) => o.result === 'failed').length + r.plan.summary.error + (r.error ? 1 : 0), 0) + (report.error ? 1 : 0);
    writes = reports.reduce((sum, r) => sum + r.outcomes.filter((o) => o.result === 'applied').length, 0);
  } else {
    const adapters = createAwsAdapters({
      region,
      credentials,
      endpoints: { appflow: input.endpoint, secretsmanager: input.endpoint },
      // As the daemon and `apply` do: p-retry is the only retry layer for writes.
      writeMaxAttempts: WRITE_SDK_MAX_ATTEMPTS,
      observer,
      // As the daemon does (src/runtime/run-daemon.ts); one-shot `apply` does not.
      rememberReads: daemonLike,
    });
    const store = createFileStateStore(input.stateDir, { keepLastParse: daemonLike });
    // The daemon keeps a parse cache (unchanged files are not parsed again by its next pass);
    // one-shot `apply` does not, so only the warm mode uses one.
    const parseCache = input.mode === 'noop-warm' || input.mode === 'noop-steady' ? new ProfileParseCache() : undefined;
    const pass = () =>
      reconcileOnce(
        {
          profilesDir: input.profilesDir,
          loadOptions: parseCache ? { parseCache } : {},
          store,
          appflow: adapters.appflow,
          secrets: adapters.secrets,
          target: adapters.target,
          logger: createSilentLogger(),
        },
        {
          ...NO_PRUNE,
          // Setup only (not a measurement): more writes in flight fill a 10,000-profile account sooner.
          ...(input.mode === 'converge' ? { writeConcurrency: 16 } : {}),
        },
      );
    if (input.mode === 'noop-warm') {
      await asTheDaemonDoes(pass);
      resetCounts();
    }
    if (input.mode === 'noop-steady') {
      for (let i = 1; i < STEADY_PASSES; i++) {
        const cpuAt = process.cpuUsage();
        const at = performance.now();
        await idle.around(pass);
        const cpu = process.cpuUsage(cpuAt);
        steadyPasses.push({ wallMs: performance.now() - at, cpuMs: (cpu.user + cpu.system) / 1000 });
        await idle.settled();
      }
      resetCounts();
    }
    const report = await pass();
    if (input.mode === 'noop-steady') {
      const cpu = process.cpuUsage(cpuBefore);
      steadyPasses.push({ wallMs: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000 });
    }
    adapters.destroy();
    profiles = report.plan.changes.length;
    failures = report.outcomes.filter((o) => o.result === 'failed').length + report.plan.summary.error + (report.error ? 1 : 0);
    writes = report.outcomes.filter((o) => o.result === 'applied').length;
  }

  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const processCpu = process.cpuUsage();
  const result: WorkerResult = {
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    processCpuMs: (processCpu.user + processCpu.system) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    appflowCalls: counts.appflow,
    secretsCalls: counts.secrets,
    appflowRequests: counts.appflowRequests,
    secretsRequests: counts.secretsRequests,
    throttledResponses: counts.throttled,
    failures,
    writes,
    profiles,
    describeCalls: counts.describes,
    ...(steadyPasses.length > 0 ? { steadyPasses } : {}),
    ...(idle.lastCollectionMs !== undefined ? { idleCollectionMs: idle.lastCollectionMs } : {}),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** The per-resource reader, with the unmodified SDK clients and no batching or caching. */
async function runBaseline(
  input: WorkerInput,
  counts: { appflow: number; secrets: number; appflowRequests: number; secretsRequests: number },
): Promise<{ profiles: number }> {
  const appflow = new AppflowClient({ region, credentials, endpoint: input.endpoint });
  const secrets = new SecretsManagerClient({ region, credentials, endpoint: input.endpoint });
  const load = await loadProfiles(input.profilesDir);
  for (const profile of load.profiles) {
    await appflow.send(new DescribeConnectorProfilesCommand({ connectorProfileNames: [profile.name] }));
    counts.appflow++;
    counts.appflowRequests++;
    for (const { ref } of profile.credentialRefs) {
      await secrets.send(
        new GetSecretValueCommand({
          SecretId: ref.secretId,
          ...(ref.versionId ? { VersionId: ref.versionId } : {}),
          ...(ref.versionStage ? { VersionStage: ref.versionStage } : {}),
        }),
      );
      counts.secrets++;
      counts.secretsRequests++;
    }
  }
  appflow.destroy();
  secrets.destroy();
  return { profiles: load.profiles.length };
}

main().catch((err: unknown) => {
  process.stderr.write(`bench worker failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
