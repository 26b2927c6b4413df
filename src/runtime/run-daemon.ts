// Assembles the daemon for `appflow-gitops run`: AWS adapters (real or the embedded emulator),
// the state store and its lock, the reconcile loop (one member per target: fleet-member.ts), and
// the HTTP server. Kept apart from the CLI module so tests and the benchmarks can start a full
// daemon in-process.
import type { CredentialsOnUpdate } from '../model/types.js';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join, relative, resolve } from 'node:path';
import pLimit from 'p-limit';
import { targetsOfFile } from '../config/placement.js';
import { implicitTarget, type TargetSettings } from '../config/target-settings.js';
import { DEFAULT_NOTIFY_REPEAT_MS } from '../notify/deduplicate.js';
import { Notifier } from '../notify/notifier.js';
import type { NotificationSink } from '../notify/types.js';
import type { CompiledPolicy } from '../policy/compile-policies.js';
import { ProfileParseCache } from '../desired/parse-cache.js';
import type { AwsSettings } from '../aws/ports.js';
import type { Logger } from '../logging/logger.js';
import { TARGET_CONCURRENCY } from '../reconcile/reconcile-targets.js';
import { WRITE_SDK_MAX_ATTEMPTS } from '../reconcile/retry-policy.js';
import { createDaemonHttpServer, type DaemonHttpServer } from '../server/http-server.js';
import { formatListenUrl, type ListenAddress } from '../server/listen-address.js';
import { createDaemonMetrics, type DaemonMetrics } from '../server/metrics.js';
import { createFileStateStore, LOCK_FILE, type FileStateStore } from '../state/file-state-store.js';
import { StateLock } from '../state/state-lock.js';
import { errorSummary } from './daemon.js';
import { DaemonFleet, type FleetMember } from './daemon-fleet.js';
import { assembleFleetMember, type FleetMemberContext } from './fleet-member.js';
import { PAUSE_FILE, WritePause } from './write-pause.js';
import { startEmbeddedEmulator, type EmbeddedEmulator } from './embedded-emulator.js';
import { formatDuration } from './duration.js';
import { IdleCollection } from './idle-collection.js';
// Types only: the shared state's code (and the DynamoDB client) loads when --state names a table.
import type { SharedState, SharedStateSettings } from './shared-state.js';
import { DEFAULT_HEARTBEAT_MS } from '../leadership/lease-timing.js';
import type { PassSettings } from './target-pass.js';
import { targetStateViews } from './target-state-views.js';
import { placementWarnings } from './fleet-placement.js';
import type { AppConfig } from '../config/app-config.js';

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
  /**
   * The targets to reconcile (appflow-gitops.yaml `targets:`, narrowed by --target), each by its
   * own Daemon; the one implicit target (the SDK chain, today's behaviour) when undefined or empty.
   */
  targets?: readonly TargetSettings[];
  /** The whole config file (with declared targets): the daemon warns about files no target takes. */
  appConfig?: AppConfig;
  /** Keys a declared target's inventory may have had before targets (against AWS only; src/cli/targets-pass.ts). */
  legacyKeysOf?: (target: TargetSettings) => readonly string[];
  /** Collects the young generation once no pass runs (src/runtime/idle-collection.ts); V8's scavenge when undefined. */
  idleCollection?: IdleCollection;
}

export interface RunningDaemon {
  /** Every target's daemon behind one watcher (one member without declared targets). */
  daemon: DaemonFleet;
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
    const targets = config.targets && config.targets.length > 0 ? config.targets : [implicitTarget()];
    const declared = targets.filter((t) => !t.implicit);
    const settings: AwsSettings = {
      ...config.aws,
      ...emulator?.awsSettings,
      // One SDK attempt per write: the executor's p-retry is the write retry layer (retry-policy.ts).
      writeMaxAttempts: WRITE_SDK_MAX_ATTEMPTS,
      // Pass after pass the account mostly answers with the very bytes it answered before: those
      // answers are not deserialised again (src/aws/remembered-reads.ts).
      rememberReads: true,
    };
    // With the shared state: each target's lease, fenced store and AppFlow port (shared-state.ts).
    const leases: { member: FleetMember; shared: SharedState; implicit: boolean }[] = [];
    let fileStore: FileStateStore | undefined;
    if (!config.sharedState) {
      const opened = createFileStateStore(stateDir, {
        lock: true,
        // A pass every few seconds to minutes, nearly always finding the file as the last one left it.
        keepLastParse: true,
        onWarning: (message) => log.warn({ event: 'state.warning' }, message),
      });
      cleanups.push(() => opened.release());
      fileStore = opened;
    }
    // One state file for every target: with declared targets each saves only its own entry (target-state-views.ts).
    const views = fileStore && declared.length > 0 ? targetStateViews(fileStore, (message) => log.warn({ event: 'state.warning' }, message), { statePath: fileStore.statePath }) : undefined;

    const reconcileOptions: PassSettings = {
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
    // With the shared state there is no state directory: suspend is an item in each target's
    // table (docs/state.md), read again by every replica before each pass and every heartbeat.
    const sharedStates: SharedState[] = [];
    let resumed: (() => void) | undefined;
    const pauseStorage = config.sharedState ? (await import('./shared-state.js')).sharedPauseStorage(sharedStates) : join(stateDir, PAUSE_FILE);
    const pause = new WritePause(pauseStorage, (state) => {
      metrics.setSuspended(state.suspended);
      if (state.suspended) log.warn({ event: 'daemon.suspended', since: state.since }, 'writes suspended (through another replica)');
      else log.info({ event: 'daemon.resumed' }, 'writes resumed (through another replica)');
      // As after a resume sent here: the targets this replica leads catch up now.
      if (!state.suspended) resumed?.();
    });
    if (config.sharedState) {
      const timer = setInterval(() => void pause.refresh(), config.sharedState.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
      timer.unref();
      cleanups.push(() => clearInterval(timer));
    }
    // A bound on target passes at once; each has its own write concurrency inside.
    const passSlots = pLimit(TARGET_CONCURRENCY);
    // Every target's daemon counts its passes here: the young generation is collected once none runs.
    const idleCollection = config.idleCollection ?? new IdleCollection();
    const scopesOf = declared.length > 0 ? (file: string) => targetsOfFile(targets, file).map((t) => t.name) : undefined;

    const memberContext: FleetMemberContext = {
      config,
      profilesDir,
      ...(fileStore ? { fileStore } : {}),
      ...(views ? { views } : {}),
      settings,
      logger: log,
      metrics,
      pause,
      notifier,
      parseCache,
      passSettings: reconcileOptions,
      passSlots,
      idleCollection,
      ...(scopesOf ? { scopesOf } : {}),
      sharedStates,
      onCleanup: (fn) => cleanups.push(fn),
    };
    const members: FleetMember[] = [];
    for (const targetSettings of targets) {
      const { member, shared } = await assembleFleetMember(memberContext, targetSettings);
      members.push(member);
      if (shared) leases.push({ member, shared, implicit: targetSettings.implicit });
    }
    const appConfig = config.appConfig;
    const fleet = new DaemonFleet({
      members,
      logger: log,
      metrics,
      pause,
      watchDir: profilesDir,
      ...(config.excludeFiles ? { ignoredPaths: config.excludeFiles.map((file) => relative(profilesDir, file)) } : {}),
      ...(appConfig && declared.length > 0 ? { checkPlacement: () => placementWarnings(profilesDir, appConfig, targets, config.excludeFiles) } : {}),
    });
    const running = fleet;
    resumed = () => running.requestManualReconcile('http');
    for (const { member, shared, implicit } of leases) {
      // The implicit target's key is known now; a declared target announces its own once confirmed.
      if (implicit) metrics.setLeader(member.identified().key, false);
      shared.start((role, status) => {
        metrics.setLeader(status.target, role === 'leader');
        log.info({ event: 'lease.role', target: status.target, targetName: member.name, role, fence: status.fence, holder: status.holder }, `${status.target}: this replica is now ${role}`);
        if (role === 'leader') member.daemon.requestReconcile('leadership');
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
        ...(members.length === 1 ? { target: members[0]!.identified().key } : {}),
        targets: members.map((m) => m.name),
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
