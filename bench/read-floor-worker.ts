// The floor of a warm pass, measured in the same run as the pass itself: the reads a warm no-op
// pass makes (every profile described, every secret read), made by plain AWS SDK clients with
// nothing else around them: no files, no plan, no state, none of the tool's code. Prints one JSON
// line on stdout.
//
//   node dist/bench/read-floor-worker.js '{"endpoint":...,"names":[...],"secretIds":[...]}'
//
// The same requests as the tool's pass: DescribeConnectorProfiles by name, 100 names a call, and
// BatchGetSecretValue, 20 secret ids a call, each four in flight, the two side by side
// (src/aws/appflow-adapter.ts, src/aws/secrets-adapter.ts). The clients get the one option that
// makes the SDK itself cheaper per call and changes no behaviour, `cacheMiddleware` (the tool's
// clients set it too), and Node's default heap settings. STEADY_PASSES rounds in one process,
// like the later-warm-passes measurement: round 2 is the floor of the warm pass (the process's
// second), the median of the last STEADY_TAIL rounds the floor of the later passes.
import { AppflowClient, DescribeConnectorProfilesCommand } from '@aws-sdk/client-appflow';
import { BatchGetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { performance } from 'node:perf_hooks';
import { STEADY_PASSES } from './steady-passes.js';

interface FloorInput {
  endpoint: string;
  names: string[];
  secretIds: string[];
}

export interface ReadFloorRound {
  wallMs: number;
  cpuMs: number;
}

const DESCRIBE_PAGE = 100;
const SECRETS_BATCH = 20;
const IN_FLIGHT = 4;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs `work` over `items`, `limit` at a time. */
async function inFlight<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const input = JSON.parse(process.argv[2] ?? '{}') as FloorInput;
  const config = {
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    endpoint: input.endpoint,
    cacheMiddleware: true,
  };
  const appflow = new AppflowClient(config);
  const secrets = new SecretsManagerClient(config);
  const pages = chunks(input.names, DESCRIBE_PAGE);
  const batches = chunks(input.secretIds, SECRETS_BATCH);
  const rounds: ReadFloorRound[] = [];
  for (let round = 0; round < STEADY_PASSES; round++) {
    let described = 0;
    let read = 0;
    const cpuAt = process.cpuUsage();
    const at = performance.now();
    await Promise.all([
      inFlight(pages, IN_FLIGHT, async (page) => {
        const output = await appflow.send(new DescribeConnectorProfilesCommand({ connectorProfileNames: page, maxResults: DESCRIBE_PAGE }));
        described += output.connectorProfileDetails?.length ?? 0;
      }),
      inFlight(batches, IN_FLIGHT, async (ids) => {
        const output = await secrets.send(new BatchGetSecretValueCommand({ SecretIdList: ids }));
        read += output.SecretValues?.length ?? 0;
      }),
    ]);
    const cpu = process.cpuUsage(cpuAt);
    rounds.push({ wallMs: performance.now() - at, cpuMs: (cpu.user + cpu.system) / 1000 });
    // A floor that read less than the pass would flatter the pass.
    if (described !== input.names.length || read !== input.secretIds.length) {
      throw new Error(`read floor: ${described} of ${input.names.length} profiles, ${read} of ${input.secretIds.length} secrets`);
    }
  }
  appflow.destroy();
  secrets.destroy();
  process.stdout.write(`${JSON.stringify({ rounds, callsPerRound: pages.length + batches.length })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`read floor failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
