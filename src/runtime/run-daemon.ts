// Assembles the daemon for `appflow-gitops run`: AWS adapters (real or the embedded emulator),
// the state store and its lock, the reconcile loop, and the HTTP server. Kept apart from the CLI
// module so tests and the benchmarks can start a full daemon in-process.
import type { CredentialsOnUpdate } from '../model/types.js';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { createAwsAdapters } from '../aws/clients.js';
import { IMPLICIT_TARGET_NAME } from '../config/target-settings.js';
import { DEFAULT_NOTIFY_REPEAT_MS } from '../notify/deduplicate.js';
import { Notifier } from '../notify/notifier.js';
import type { NotificationSink } from '../notify/types.js';
import type { CompiledPolicy } from '../policy/compile-policies.js';
import { policyTargetOf } from '../policy/policy-target.js';
import { pathsUnderRoot, resolveProfilesSource } from '../revision/resolve-revision.js';
import { ProfileParseCache } from '../desired/parse-cache.js';
import type { AwsAdapters, AwsSettings } from '../aws/ports.js';
import type { Logger } from '../logging/logger.js';
import { reconcileOnce } from '../reconcile/reconcile-once.js';
import { WRITE_SDK_MAX_ATTEMPTS } from '../reconcile/retry-policy.js';
import type { ReconcileOptions } from '../reconcile/types.js';
import type { StateStore } from '../model/types.js';
import { createDaemonHttpServer, type DaemonHttpServer } from '../server/http-server.js';
import { formatListenUrl, type ListenAddress } from '../server/listen-address.js';
import { createDaemonMetrics, type DaemonMetrics } from '../server/metrics.js';
import { createFileStateStore, LOCK_FILE, type FileStateStore } from '../state/file-state-store.js';
import { StateLock } from '../state/state-lock.js';
import { Daemon, errorSummary } from './daemon.js';
import { PAUSE_FILE } from './write-pause.js';
import { startEmbeddedEmulator, type EmbeddedEmulator } from './embedded-emulator.js';
import { formatDuration } from './duration.js';
import { openSharedState, type SharedState, type SharedStateSettings } from './shared-state.js';

export interface RunDaemonConfig {
  profilesDir: string;
  /** The state directory; ignored when `sharedState` is set (and then no lock file is taken). */
  stateDir: string;
  /** `--state dynamodb://TABLE`: shared state with one leader per target (docs/state.md). */
  sharedState?: SharedStateSettings;
  resyncIntervalMs: number;
  listen: ListenAddress;
  prune: boolean;
  allowReplace: boolean;
  maxDeletes: number;
  /** Default for profiles whose lifecycle: does not set credentialsOnUpdate (undefined: 'always'). */
  credentialsOnUpdate?: CredentialsOnUpdate;
  /** Bearer token the mutating HTTP endpoints require (--http-token-file); open when undefined. */
  httpToken?: string;
  allowEmpty: boolean;
  allowPlaintextCredentials: boolean;
  embeddedEmulator: boolean;
  /** Seed file for the embedded emulator (default: demo/seed.json). */
  emulatorSeedFile?: string;
  logger: Logger;
  /** Extra AWS settings (tests); the embedded emulator's endpoints win over these. */
  aws?: AwsSettings;
  /** Writes the embedded-emulator banner (default: stderr). */
  printBanner?: (text: string) => void;
  /** `--revision`; otherwise APPFLOW_GITOPS_REVISION, else read from the checkout each pass (src/revision/). */
  revision?: string;
  /** Compiled policies (appflow-gitops.yaml `policies:`) every planned write is checked against. */
  policies?: readonly CompiledPolicy[];
  /** Notification sinks (appflow-gitops.yaml `notifications:`), their secrets already read. */
  notificationSinks?: readonly NotificationSink[];
  /** --notify-repeat (ms). */
  notifyRepeatMs?: number;
  /** Paths the profile loader skips (a --config file inside the profiles directory). */
  excludeFiles?: readonly string[];
}

export interface RunningDaemon {
  daemon: Daemon;
  metrics: DaemonMetrics;
  address: AddressInfo;
  url: string;
  emulator: EmbeddedEmulator | undefined;
  /** Stops taking work, waits for the pass in flight, then closes everything. Unbounded: the caller sets the deadline. */
  stop(): Promise<void>;
}

/** How long a stopping daemon waits for queued notifications before dropping them. */
const NOTIFY_SHUTDOWN_GRACE_MS = 5_000;

export async function startDaemon(config: RunDaemonConfig): Promise<RunningDaemon> {
  const log = config.logger;
  const stateDir = resolve(config.stateDir);
  const profilesDir = resolve(config.profilesDir);
  const cleanups: (() => Promise<void> | void)[] = [];
  if (!config.sharedState) {
    // Private: it holds the inventory, write intents and the fingerprint key (as apply and import create it).
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    // Fail at startup, not at the first write, when another process owns this state directory.
    const lock = new StateLock(join(stateDir, LOCK_FILE));
    await lock.acquire();
    cleanups.push(() => lock.release());
  }
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        log.warn({ err: errorSummary(err) }, 'cleanup step failed');
      }
    }
    cleanups.length = 0;
  };

  try {
    let emulator: EmbeddedEmulator | undefined;
    if (config.embeddedEmulator) {
      emulator = await startEmbeddedEmulator({ stateDir, seedFile: config.emulatorSeedFile });
      cleanups.push(() => emulator!.emulator.close());
      (config.printBanner ?? ((text) => process.stderr.write(text)))(emulator.banner());
      log.warn(
        { event: 'daemon.emulator', endpoint: emulator.emulator.endpoint, stateFile: emulator.stateFile, seedFile: emulator.seedFile },
        'using the LOCAL EMULATOR, not AWS',
      );
    }

    const metrics = createDaemonMetrics();
    let daemon: Daemon | undefined;
    const adapters: AwsAdapters = createAwsAdapters({
      ...config.aws,
      ...emulator?.awsSettings,
      // One SDK attempt per write: the executor's p-retry is the write retry layer (retry-policy.ts).
      writeMaxAttempts: WRITE_SDK_MAX_ATTEMPTS,
      observer: (call) => daemon?.awsObserver(call),
    });
    cleanups.push(() => adapters.destroy());
    let shared: SharedState | undefined;
    let store: StateStore;
    let appflow = adapters.appflow;
    if (config.sharedState) {
      shared = openSharedState(config.sharedState, adapters.target, adapters.appflow, log);
      const opened = shared;
      cleanups.push(() => opened.stop());
      store = shared.store;
      appflow = shared.appflow;
      // A missing table fails the start in one line (naming it and `state init`), not every heartbeat.
      await store.load();
    } else {
      const fileStore: FileStateStore = createFileStateStore(stateDir, {
        lock: true,
        onWarning: (message) => log.warn({ event: 'state.warning' }, message),
      });
      cleanups.push(() => fileStore.release());
      store = fileStore;
    }

    const reconcileOptions: Omit<ReconcileOptions, 'signal' | 'reconcileId' | 'onlyNames'> = {
      prune: config.prune,
      allowEmpty: config.allowEmpty,
      maxDeletes: config.maxDeletes,
      ...(config.credentialsOnUpdate ? { credentialsOnUpdate: config.credentialsOnUpdate } : {}),
      allowReplace: config.allowReplace,
    };
    // One parse cache for the daemon's lifetime: a pass re-parses only the files that changed.
    const parseCache = new ProfileParseCache();
    const notifier = new Notifier({
      sinks: config.notificationSinks ?? [],
      repeatMs: config.notifyRepeatMs ?? DEFAULT_NOTIFY_REPEAT_MS,
      logger: log,
      dispatch: { observe: (sink, result) => metrics.recordNotification(sink, result) },
    });
    // Queued notifications get a short grace at shutdown; the pass itself never waits for them.
    cleanups.push(() => notifier.close(NOTIFY_SHUTDOWN_GRACE_MS));
    const policies = config.policies && config.policies.length > 0 ? { policies: config.policies, target: policyTargetOf(adapters.target, IMPLICIT_TARGET_NAME) } : undefined;
    daemon = new Daemon({
      logger: log,
      metrics,
      // With the shared state there is no state directory: suspend is held in memory by the
      // replica that was asked (docs/state.md), never written to a path made of the table URL.
      ...(config.sharedState ? {} : { pauseFile: join(stateDir, PAUSE_FILE) }),
      watchDir: profilesDir,
      resyncIntervalMs: config.resyncIntervalMs,
      reconcile: async ({ signal, reconcileId, onlyNames }) => {
        // Each pass resolves the directory (a git-sync link may have moved) and reads its files
        // through that one real path, so the revision it reports is the one it read.
        const source = await resolveProfilesSource(profilesDir, config.revision !== undefined ? { flag: config.revision } : {});
        const pass = { target: IMPLICIT_TARGET_NAME, revision: source.revision ?? null };
        notifier.passStarted(pass);
        const report = await reconcileOnce(
          {
            profilesDir: source.root,
            loadOptions: { allowPlaintextCredentials: config.allowPlaintextCredentials, parseCache, ...(config.excludeFiles ? { excludeFiles: pathsUnderRoot(config.excludeFiles, profilesDir, source.root) } : {}) },
            store,
            appflow,
            secrets: adapters.secrets,
            target: adapters.target,
            logger: log,
            ...(source.revision !== undefined ? { revision: source.revision } : {}),
            ...(policies ? { policies } : {}),
          },
          { ...reconcileOptions, signal, reconcileId, ...(onlyNames ? { onlyNames } : {}) },
        );
        notifier.passFinished(report, pass);
        return report;
      },
      readInventory: async (target) => (await store.load()).state.targets[target]?.profiles,
      ...(shared ? { leadership: shared.leadership } : {}),
    });
    const running = daemon;
    if (shared) {
      const lease = shared;
      metrics.setLeader(adapters.target.key, false);
      lease.start((role, status) => {
        metrics.setLeader(status.target, role === 'leader');
        log.info({ event: 'lease.role', target: status.target, role, fence: status.fence, holder: status.holder }, `${status.target}: this replica is now ${role}`);
        if (role === 'leader') running.requestReconcile('leadership');
      });
    }

    const http: DaemonHttpServer = createDaemonHttpServer({
      metrics,
      logger: log,
      readiness: () => running.readiness(),
      status: () => running.status(),
      requestReconcile: () => running.requestManualReconcile('http'),
      suspend: () => running.suspend(),
      resume: () => running.resume(),
      ...(config.httpToken !== undefined ? { token: config.httpToken } : {}),
    });
    const address = await http.listen(config.listen);
    cleanups.push(() => http.close());
    const url = formatListenUrl(address);

    log.info(
      {
        event: 'daemon.started',
        listen: url,
        profiles: profilesDir,
        state: config.sharedState ? `dynamodb://${config.sharedState.table}` : stateDir,
        target: adapters.target.key,
        aws: emulator ? 'embedded-emulator' : 'aws',
        resyncInterval: formatDuration(config.resyncIntervalMs),
        prune: config.prune,
        allowReplace: config.allowReplace,
        maxDeletes: config.maxDeletes,
        allowEmpty: config.allowEmpty,
      },
      `appflow-gitops daemon listening on ${url}`,
    );
    await running.start();

    return {
      daemon: running,
      metrics,
      address,
      url,
      emulator,
      async stop() {
        await running.stop();
        await cleanup();
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
