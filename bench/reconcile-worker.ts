// One benchmark measurement in a fresh process, so that CPU time and peak RSS belong to the
// measured work alone (the emulator runs in the parent). Prints one JSON line on stdout.
//
//   node dist/bench/reconcile-worker.js '{"mode":"noop","profilesDir":...,"stateDir":...,"endpoint":...}'
//
// Modes:
//   converge  - reconcileOnce to bring the account in sync (setup, not reported as a result)
//   noop      - reconcileOnce on an in-sync fleet: the daemon's steady-state cost
//   baseline  - the naive reader: one DescribeConnectorProfiles per profile and one
//               GetSecretValue per reference, sequential (how Terraform's provider reads)
//   throttled - reconcileOnce creating every profile while the emulator throttles creates
import { AppflowClient, DescribeConnectorProfilesCommand } from '@aws-sdk/client-appflow';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createAwsAdapters } from '../src/aws/clients.js';
import { loadProfiles } from '../src/desired/load-profiles.js';
import { createSilentLogger } from '../src/logging/logger.js';
import { reconcileOnce } from '../src/reconcile/reconcile-once.js';
import { createFileStateStore } from '../src/state/file-state-store.js';

interface WorkerInput {
  mode: 'converge' | 'noop' | 'baseline' | 'throttled';
  profilesDir: string;
  stateDir: string;
  endpoint: string;
}

export interface WorkerResult {
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  appflowCalls: number;
  secretsCalls: number;
  throttledResponses: number;
  failures: number;
  writes: number;
  profiles: number;
}

const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const region = 'us-east-1';

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as WorkerInput;
  const counts = { appflow: 0, secrets: 0, throttled: 0 };
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let failures = 0;
  let writes = 0;
  let profiles = 0;

  if (input.mode === 'baseline') {
    const result = await runBaseline(input, counts);
    profiles = result.profiles;
  } else {
    const adapters = createAwsAdapters({
      region,
      credentials,
      endpoints: { appflow: input.endpoint, secretsmanager: input.endpoint },
      observer: (call) => {
        if (call.service === 'appflow') counts.appflow++;
        else counts.secrets++;
        if (call.errorCode === 'ThrottlingException') counts.throttled++;
      },
    });
    const report = await reconcileOnce(
      {
        profilesDir: input.profilesDir,
        loadOptions: {},
        store: createFileStateStore(input.stateDir),
        appflow: adapters.appflow,
        secrets: adapters.secrets,
        target: adapters.target,
        logger: createSilentLogger(),
      },
      { prune: false, allowEmpty: false, maxDeletes: 0, allowReplace: false },
    );
    adapters.destroy();
    profiles = report.plan.changes.length;
    failures = report.outcomes.filter((o) => o.result === 'failed').length + report.plan.summary.error;
    writes = report.outcomes.filter((o) => o.result === 'applied').length;
  }

  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const result: WorkerResult = {
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    appflowCalls: counts.appflow,
    secretsCalls: counts.secrets,
    throttledResponses: counts.throttled,
    failures,
    writes,
    profiles,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** The per-resource reader, with the unmodified SDK clients and no batching or caching. */
async function runBaseline(input: WorkerInput, counts: { appflow: number; secrets: number }): Promise<{ profiles: number }> {
  const appflow = new AppflowClient({ region, credentials, endpoint: input.endpoint });
  const secrets = new SecretsManagerClient({ region, credentials, endpoint: input.endpoint });
  const load = await loadProfiles(input.profilesDir);
  for (const profile of load.profiles) {
    await appflow.send(new DescribeConnectorProfilesCommand({ connectorProfileNames: [profile.name] }));
    counts.appflow++;
    for (const { ref } of profile.credentialRefs) {
      await secrets.send(
        new GetSecretValueCommand({
          SecretId: ref.secretId,
          ...(ref.versionId ? { VersionId: ref.versionId } : {}),
          ...(ref.versionStage ? { VersionStage: ref.versionStage } : {}),
        }),
      );
      counts.secrets++;
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
