// `appflow-gitops run`: the long-running daemon (see src/runtime/run-daemon.ts). This module only
// turns flags into settings and owns the process-level concerns: signals and the shutdown deadline.
import type { CredentialsOnUpdate } from '../../model/types.js';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { createLogger, type LogFormat, type Logger } from '../../logging/logger.js';
import { DEFAULT_RESYNC_INTERVAL_MS, errorSummary } from '../../runtime/daemon.js';
import { formatDuration, parseDuration } from '../../runtime/duration.js';
import { realAwsRequested, USE_AWS_ENV } from '../../runtime/embedded-emulator.js';
import { startDaemon, type RunningDaemon } from '../../runtime/run-daemon.js';
import { parseListenAddress, type ListenAddress } from '../../server/listen-address.js';
import { StateLockedError } from '../../state/file-state-store.js';
import { allowPlaintextOption, configOption, logFormatOption, maxDeletesOption, notifyRepeatOption, profilesOption, revisionOption, stateOption, targetOption } from '../common-options.js';
import { configuredSinks, loadConfigFeatures, profilesSourceOrFail } from '../config-features.js';
import { checkStateDirectory } from '../preflight.js';
import { refusePlaintextOnSharedState, stateLocation } from '../state-backend.js';
import { DEFAULT_HEARTBEAT_MS, DEFAULT_LEASE_MS } from '../../leadership/lease-timing.js';
import { UserError } from '../user-error.js';
import { httpTokenFileOption, readTokenFileOrFail } from '../daemon-client.js';
import { credentialsOnUpdateOption, resolveCredentialsOnUpdate } from '../credentials-on-update.js';
import { loadCommandConfig, type CommandConfig } from '../load-config-or-fail.js';
import { declaresTargets, legacyKeys } from '../targets-pass.js';
import type { TargetSettings } from '../../config/target-settings.js';

/**
 * Loopback by default: the port serves an unauthenticated POST /reconcile and per-profile status,
 * so a daemon started on a laptop (npm start) is not reachable from the network. A container
 * needs every interface (kubelet probes use the pod IP): the image and the manifests pass
 * --listen :8080 explicitly (see docs/security.md).
 */
export const DEFAULT_LISTEN = '127.0.0.1:8080';
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
/** Below this, a resync loop would hammer AWS (every pass is a Describe plus secret reads). */
const MIN_INTERVAL_MS = 1_000;

interface RunFlags {
  credentialsOnUpdate?: CredentialsOnUpdate;
  httpTokenFile?: string;
  profiles: string;
  config?: string;
  target?: string[];
  state: string;
  interval: number;
  listen: ListenAddress;
  prune?: boolean;
  allowReplace?: boolean;
  maxDeletes: number;
  allowEmpty?: boolean;
  allowPlaintextCredentials?: boolean;
  embeddedEmulator?: boolean;
  emulatorSeed?: string;
  shutdownTimeout: number;
  logLevel: string;
  logFormat?: LogFormat;
  leaseDuration: number;
  leaseHeartbeat: number;
  revision?: string;
  notifyRepeat: number;
}

function argParser<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  };
}

function parseInterval(value: string): number {
  const ms = parseDuration(value);
  if (ms < MIN_INTERVAL_MS) throw new Error(`--interval must be at least 1s, got "${value}"`);
  return ms;
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run the daemon: reconcile on file changes, on a periodic resync, on SIGHUP and POST /reconcile; serve health, metrics and status')
    .addOption(profilesOption())
    .addOption(stateOption())
    .addOption(
      new Option('--interval <duration>', 'periodic resync (catches drift made outside git and rotated secrets), ±10% jitter; e.g. 30s, 5m, 1h')
        .argParser(argParser(parseInterval))
        .default(DEFAULT_RESYNC_INTERVAL_MS, formatDuration(DEFAULT_RESYNC_INTERVAL_MS)),
    )
    .addOption(
      new Option('--listen <addr>', 'HTTP address for /healthz /readyz /metrics /status /reconcile: PORT or :PORT (every interface), HOST:PORT (port 0 = any free port)')
        .argParser(argParser(parseListenAddress))
        .default(parseListenAddress(DEFAULT_LISTEN), DEFAULT_LISTEN),
    )
    .option('--prune', 'delete profiles this tool created or adopted whose document is gone (guarded)')
    .option('--allow-replace', 'allow delete-then-create when connectorType, connectorLabel or kmsArn changes')
    .addOption(maxDeletesOption())
    .addOption(credentialsOnUpdateOption())
    .addOption(httpTokenFileOption('POST /reconcile, /suspend and /resume then require Authorization: Bearer TOKEN (GET routes stay open)'))
    .option('--allow-empty', 'with --prune: allow deletes when the profiles directory is missing or empty, or a declared target\'s paths match no file')
    .addOption(allowPlaintextOption())
    .option('--embedded-emulator', `run against an in-process AppFlow emulator (state in STATE/emulator.json), not AWS; ignored when ${USE_AWS_ENV}=1`)
    .option('--emulator-seed <file>', 'with --embedded-emulator: secrets (and profiles) to seed, default demo/seed.json')
    .addOption(
      new Option('--shutdown-timeout <duration>', 'on SIGTERM/SIGINT, wait at most this long for the write in flight, then exit 0 anyway')
        .argParser(argParser(parseDuration))
        .default(DEFAULT_SHUTDOWN_TIMEOUT_MS, formatDuration(DEFAULT_SHUTDOWN_TIMEOUT_MS)),
    )
    .addOption(
      new Option('--log-level <level>', 'log level').choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default(process.env.LOG_LEVEL ?? 'info'),
    )
    .addOption(logFormatOption())
    .addOption(
      new Option('--lease-duration <duration>', 'with --state dynamodb://TABLE: how long a leader\'s lease lasts without renewal before a standby takes over')
        .argParser(argParser(parseDuration))
        .default(DEFAULT_LEASE_MS, formatDuration(DEFAULT_LEASE_MS)),
    )
    .addOption(
      new Option('--lease-heartbeat <duration>', 'with --state dynamodb://TABLE: how often the leader renews (and a standby looks at) the lease; at most half the lease')
        .argParser(argParser(parseDuration))
        .default(DEFAULT_HEARTBEAT_MS, formatDuration(DEFAULT_HEARTBEAT_MS)),
    )
    .addOption(configOption())
    .addOption(targetOption())
    .addOption(revisionOption())
    .addOption(notifyRepeatOption())
    .action(async (flags: RunFlags) => {
      await runDaemonCommand(flags, await loadCommandConfig(flags));
    });
}

async function runDaemonCommand(flags: RunFlags, cmd: CommandConfig): Promise<void> {
  const logger = createLogger({ level: flags.logLevel, format: flags.logFormat });
  const useEmulator = flags.embeddedEmulator === true && !realAwsRequested();
  if (flags.embeddedEmulator && !useEmulator) {
    logger.warn({ event: 'daemon.aws' }, `${USE_AWS_ENV}=1: ignoring --embedded-emulator, using the real AWS configuration`);
  }

  const location = stateLocation(flags.state);
  refusePlaintextOnSharedState(location, flags.allowPlaintextCredentials);
  if (location.kind === 'dynamodb' && useEmulator) {
    throw new UserError('--embedded-emulator keeps its data in the state directory; it cannot be used with --state dynamodb://');
  }
  if (flags.leaseHeartbeat * 2 > flags.leaseDuration) {
    throw new UserError(`--lease-heartbeat (${formatDuration(flags.leaseHeartbeat)}) must be at most half of --lease-duration (${formatDuration(flags.leaseDuration)})`);
  }
  // A state directory that is a file, read-only or not writable fails here in one line (the
  // profiles directory may legitimately be missing: git-sync creates it later).
  if (location.kind === 'file') await checkStateDirectory(location.dir);
  // Policies and notification secrets are checked now, in one line each, not at the first pass.
  const features = await loadConfigFeatures(flags.profiles, flags.config);
  await profilesSourceOrFail(flags.profiles, flags.revision);
  const notificationSinks = configuredSinks(features, (message) => logger.warn({ event: 'daemon.notifications' }, message));
  let running: RunningDaemon;
  try {
    running = await startDaemon({
      profilesDir: flags.profiles,
      stateDir: location.kind === 'file' ? location.dir : flags.state,
      ...(location.kind === 'dynamodb'
        ? { sharedState: { table: location.table, leaseMs: flags.leaseDuration, heartbeatMs: flags.leaseHeartbeat } }
        : {}),
      resyncIntervalMs: flags.interval,
      listen: flags.listen,
      prune: flags.prune === true,
      allowReplace: flags.allowReplace === true,
      maxDeletes: flags.maxDeletes,
      credentialsOnUpdate: await resolveCredentialsOnUpdate(flags.credentialsOnUpdate, flags.profiles),
      ...(flags.httpTokenFile !== undefined ? { httpToken: await readTokenFileOrFail(flags.httpTokenFile) } : {}),
      allowEmpty: flags.allowEmpty === true,
      allowPlaintextCredentials: flags.allowPlaintextCredentials === true,
      embeddedEmulator: useEmulator,
      emulatorSeedFile: flags.emulatorSeed,
      logger,
      ...(flags.revision !== undefined ? { revision: flags.revision } : {}),
      policies: features.policies,
      notificationSinks,
      notifyRepeatMs: flags.notifyRepeat,
      excludeFiles: features.excludeFiles,
      ...(declaresTargets(cmd) ? { targets: cmd.selected, appConfig: cmd.config, legacyKeysOf: (target: TargetSettings) => legacyKeys(target) } : {}),
    });
  } catch (err) {
    if (err instanceof StateLockedError) throw new UserError(err.message);
    const { message, code } = errorSummary(err);
    // EACCES is a listen failure only when the listen call raised it (a privileged port), not
    // when a file (the state lock, the seed) could not be opened.
    const syscall = (err as NodeJS.ErrnoException | undefined)?.syscall;
    if (code === 'EADDRINUSE' || (code === 'EACCES' && (syscall === 'listen' || syscall === 'bind'))) {
      // npm start has no --listen of its own: say how to pass one through npm.
      throw new UserError(`cannot listen on ${describeListen(flags.listen)}: ${message}; choose another address with --listen HOST:PORT (port 0 = any free port; with npm start: npm start -- --listen 127.0.0.1:0)`);
    }
    throw new UserError(message);
  }
  await waitForShutdown(running, logger, flags.shutdownTimeout);
}

function describeListen(listen: ListenAddress): string {
  return `${listen.host ?? ''}:${listen.port}`;
}

/**
 * SIGHUP asks for a pass now. SIGTERM/SIGINT stop taking work: the pass in flight is aborted
 * between writes (a write already sent finishes; one whose answer never comes keeps its intent in
 * state, so the next start reuses its clientToken), then the server closes and the process exits
 * 0. A hard deadline bounds the wait; a second signal exits at once.
 */
function waitForShutdown(running: RunningDaemon, logger: Logger, timeoutMs: number): Promise<void> {
  return new Promise<void>(() => {
    let stopping = false;
    process.on('SIGHUP', () => {
      logger.info({ event: 'daemon.signal', signal: 'SIGHUP' }, 'SIGHUP: reconcile requested');
      running.daemon.requestManualReconcile('signal');
    });
    const onStop = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ event: 'daemon.signal', signal }, `${signal} again: exiting now`);
        process.exit(0);
      }
      stopping = true;
      logger.info({ event: 'daemon.signal', signal, timeoutMs }, `${signal}: shutting down (finishing the write in flight, at most ${formatDuration(timeoutMs)})`);
      const deadline = setTimeout(() => {
        logger.warn(
          { event: 'daemon.shutdown', timedOut: true },
          `shutdown deadline of ${formatDuration(timeoutMs)} reached: exiting with the write in flight abandoned (its intent stays in state and is resumed on the next start)`,
        );
        process.exit(0);
      }, timeoutMs);
      deadline.unref();
      const started = Date.now();
      running
        .stop()
        .then(
          () => logger.info({ event: 'daemon.shutdown', durationMs: Date.now() - started }, 'shutdown complete'),
          (err: unknown) => logger.error({ event: 'daemon.shutdown', err: errorSummary(err) }, 'shutdown failed'),
        )
        .finally(() => process.exit(0));
    };
    process.on('SIGTERM', onStop);
    process.on('SIGINT', onStop);
  });
}
