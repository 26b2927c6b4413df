// Builds the SDK clients and the adapters on top of them.
//
// Configuration comes from the standard SDK chain: credentials are only overridden when
// settings.credentials is given (the embedded emulator); otherwise the SDK's default provider
// chain applies (environment, shared config and profiles, SSO, container and web-identity roles).
// Endpoints are only overridden when settings.endpoints is given; otherwise the SDK itself honours
// AWS_ENDPOINT_URL_APPFLOW, AWS_ENDPOINT_URL_SECRETS_MANAGER and AWS_ENDPOINT_URL.
//
// Call budget: every SDK call makes at most `maxAttempts` HTTP attempts (default 3, the SDK's
// standard retry mode with its own backoff) and each attempt is bounded by requestTimeoutMs
// (default 30 s) and connectionTimeoutMs (default 5 s). Writes use `writeMaxAttempts` (default:
// maxAttempts); the executor's own retries multiply that number.
import { AppflowClient } from '@aws-sdk/client-appflow';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AwsJson1_1Protocol, AwsRestJsonProtocol } from '@aws-sdk/core/protocols';
import { performance } from 'node:perf_hooks';
import { createAppFlowAdapter } from './appflow-adapter.js';
import { awsErrorCode } from './error-codes.js';
import type { AwsAdapters, AwsCallObserver, AwsSettings } from './ports.js';
import { rememberingProtocol } from './remembered-reads.js';
import { createSecretsAdapter } from './secrets-adapter.js';
import { DEFAULT_REGION, resolveTarget } from './target.js';

export const DEFAULT_MAX_ATTEMPTS = 3;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_CONNECTION_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_SOCKETS = 16;

type Service = 'appflow' | 'secretsmanager';

/**
 * The SDK prints a multi-line NodeVersionSupportWarning on stderr under Node 20 about SDK
 * releases after January 2027. This project supports Node >= 20.19 with the SDK versions it
 * locks, so the warning would only clutter every CLI run. An explicit setting by the user wins.
 */
function quietNodeVersionWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

interface MiddlewareClient {
  middlewareStack: {
    add(
      middleware: (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize'; name: string; priority?: 'high' | 'normal' | 'low' },
    ): void;
  };
}

function attemptsOf(value: unknown): number | undefined {
  const attempts = (value as { $metadata?: { attempts?: unknown } } | undefined)?.$metadata?.attempts;
  return typeof attempts === 'number' ? attempts : undefined;
}

/**
 * Reports every SDK call (after the SDK's own retries) to the observer. Registered in the
 * `initialize` step, which wraps serialisation, retries and deserialisation, so the duration is
 * what the caller waited and `attempts` says how many HTTP requests that took.
 */
export function attachCallObserver(client: unknown, service: Service, observer: AwsCallObserver): void {
  const report = (call: Parameters<AwsCallObserver>[0]): void => {
    try {
      observer(call);
    } catch {
      // Metrics must never break an AWS call.
    }
  };
  (client as MiddlewareClient).middlewareStack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      const started = performance.now();
      try {
        const result = await next(args);
        const attempts = attemptsOf((result as { output?: unknown }).output);
        report({ service, operation, durationMs: performance.now() - started, ...(attempts ? { attempts } : {}) });
        return result;
      } catch (err) {
        const attempts = attemptsOf(err);
        report({ service, operation, errorCode: awsErrorCode(err), durationMs: performance.now() - started, ...(attempts ? { attempts } : {}) });
        throw err;
      }
    },
    { step: 'initialize', name: 'appflowGitopsCallObserver', priority: 'high' },
  );
}

/** AWS_MAX_ATTEMPTS, the SDK's own variable, when it holds a positive integer. */
function attemptsFromEnv(): number | undefined {
  const value = Number(process.env.AWS_MAX_ATTEMPTS);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

function clientConfig(settings: AwsSettings, region: string, endpoint: string | undefined, maxAttempts: number) {
  const maxSockets = settings.maxSockets ?? DEFAULT_MAX_SOCKETS;
  return {
    region,
    maxAttempts,
    // Resolve each command's middleware stack once per client instead of on every call (sorting
    // and wiring ~30 middlewares, about 0.4 ms of CPU a call; a 1,000-profile pass makes 60 calls).
    // Safe because nothing changes a stack after the first call: the call observer is added
    // when the client is built, and no call passes per-call options.
    cacheMiddleware: true,
    ...(endpoint ? { endpoint } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    requestHandler: {
      requestTimeout: settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
      connectionTimeout: settings.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
      // Keep-alive saves a TLS handshake per call; the bound keeps a burst of writes from
      // opening hundreds of sockets (excess requests queue in the agent).
      httpAgent: { keepAlive: true, maxSockets },
      httpsAgent: { keepAlive: true, maxSockets },
    },
  };
}

/**
 * Creates the adapters synchronously. The region is settled here (settings, AWS_REGION,
 * AWS_DEFAULT_REGION, the shared config file of AWS_PROFILE, else us-east-1) and passed to the
 * clients explicitly, so the target key and the clients can never disagree.
 */
export function createAwsAdapters(settings: AwsSettings = {}): AwsAdapters {
  quietNodeVersionWarning();
  const target = resolveTarget(settings);
  const readAttempts = settings.maxAttempts ?? attemptsFromEnv() ?? DEFAULT_MAX_ATTEMPTS;
  const writeAttempts = settings.writeMaxAttempts ?? readAttempts;

  const appflowRead = new AppflowClient({
    ...clientConfig(settings, target.region, settings.endpoints?.appflow, readAttempts),
    ...(settings.rememberReads ? { protocol: rememberingProtocol(AwsRestJsonProtocol, new Set(['DescribeConnectorProfiles'])) } : {}),
  });
  const appflowWrite = new AppflowClient(clientConfig(settings, target.region, settings.endpoints?.appflow, writeAttempts));
  const secretsClient = new SecretsManagerClient({
    ...clientConfig(settings, target.region, settings.endpoints?.secretsmanager, readAttempts),
    ...(settings.rememberReads ? { protocol: rememberingProtocol(AwsJson1_1Protocol, new Set(['BatchGetSecretValue'])) } : {}),
  });
  if (settings.observer) {
    attachCallObserver(appflowRead, 'appflow', settings.observer);
    attachCallObserver(appflowWrite, 'appflow', settings.observer);
    attachCallObserver(secretsClient, 'secretsmanager', settings.observer);
  }

  return {
    appflow: createAppFlowAdapter({ read: appflowRead, write: appflowWrite }),
    secrets: createSecretsAdapter(secretsClient),
    target,
    destroy() {
      appflowRead.destroy();
      appflowWrite.destroy();
      secretsClient.destroy();
    },
  };
}

/**
 * Like createAwsAdapters, but when neither settings nor the environment name a region it asks
 * the SDK's own region loader (which also understands every shared-config detail), falling back
 * to us-east-1 only when nothing is configured at all.
 */
export async function createAwsAdaptersAsync(settings: AwsSettings = {}): Promise<AwsAdapters> {
  if (settings.region || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION) return createAwsAdapters(settings);
  quietNodeVersionWarning();
  const probe = new AppflowClient({});
  let region: string;
  try {
    region = (await probe.config.region()) || resolveTarget(settings).region;
  } catch {
    region = resolveTarget(settings).region ?? DEFAULT_REGION;
  } finally {
    probe.destroy();
  }
  return createAwsAdapters({ ...settings, region });
}
