// The daemon of `run`: one Daemon per target (its own scheduler, backoff, status and pass retry, so
// a failing target never holds the others back) behind what they share: ONE watcher over the
// profiles directory (a changed file wakes only the targets that take it), one write pause
// (suspend and resume apply to every target), start and stop, readiness and the aggregated
// /status. The HTTP server and the bound on passes at once are wired in run-daemon.ts.
import type { AwsTarget } from '../aws/ports.js';
import type { Logger } from '../logging/logger.js';
import type { TargetMetrics } from '../server/metrics.js';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import type { Daemon } from './daemon.js';
import type { DaemonStatus } from './daemon-status.js';
import { errorSummary } from './error-summary.js';
import { fleetStatus } from './fleet-status.js';
import { watchProfiles, type ProfileWatcher } from './profile-watcher.js';
import type { TriggerReason } from './scheduler.js';
import type { PauseState, WritePause } from './write-pause.js';

export interface FleetMember {
  name: string;
  daemon: Daemon;
  /** Does a change at this path (relative to the profiles directory) concern this target? */
  touches(relativePath: string): boolean;
  /** The target as last identified (account and state key once confirmed). */
  identified(): AwsTarget;
}

export interface DaemonFleetOptions {
  members: readonly FleetMember[];
  logger: Logger;
  /** For the daemon-wide suspended gauge. */
  metrics?: Pick<TargetMetrics, 'setSuspended'>;
  pause: WritePause;
  /** Profiles directory to watch; no watcher when undefined. */
  watchDir?: string;
  /** Paths under watchDir (relative) that are not profiles: the config file. A change there wakes no target. */
  ignoredPaths?: readonly string[];
  watchDebounceMs?: number;
  clock?: Clock;
  /**
   * Problems of placement (files no target takes), asked at start and after each change of files;
   * shown in /status warnings and logged when they change (src/runtime/fleet-placement.ts).
   */
  checkPlacement?: () => Promise<string[]>;
}

/** Does a change at `path` concern a target with these path selectors? ('.' is the directory itself.) */
export function pathTouchesSelectors(selectors: readonly string[], path: string): boolean {
  if (path === '.' || path === '') return true;
  return selectors.some((selector) => {
    if (selector === '') return true;
    const dir = selector.endsWith('/') ? selector : `${selector}/`;
    // The file or directory itself, something under it, or a directory above it (renamed or removed).
    return path === selector || `${path}/` === dir || path.startsWith(dir) || dir.startsWith(`${path}/`);
  });
}

export class DaemonFleet {
  readonly #opts: DaemonFleetOptions;
  readonly #members: readonly FleetMember[];
  readonly #log: Logger;
  readonly #ignored: ReadonlySet<string>;
  #watcher: ProfileWatcher | undefined;
  #placement: string[] = [];
  #placementCheck: Promise<void> = Promise.resolve();

  constructor(options: DaemonFleetOptions) {
    this.#opts = options;
    this.#members = options.members;
    this.#log = options.logger;
    this.#ignored = new Set(options.ignoredPaths ?? []);
  }

  get members(): readonly FleetMember[] {
    return this.#members;
  }

  member(name: string): FleetMember | undefined {
    return this.#members.find((m) => m.name === name);
  }

  /** Loads the pause, starts the one watcher, then every target's daemon (each asks for its first pass). */
  async start(): Promise<void> {
    const pause = this.#opts.pause;
    await pause.load();
    this.#opts.metrics?.setSuspended(pause.suspended);
    if (pause.suspended) this.#log.warn({ event: 'daemon.suspended', since: pause.state().since }, 'writes are suspended (appflow-gitops resume lifts it)');
    if (this.#opts.watchDir !== undefined) {
      this.#watcher = watchProfiles({
        dir: this.#opts.watchDir,
        clock: this.#opts.clock ?? systemClock,
        debounceMs: this.#opts.watchDebounceMs,
        onChange: (paths) => this.filesChanged(paths),
        onError: (err) => this.#log.warn({ err: errorSummary(err) }, 'profile watcher error'),
      });
      await this.#watcher.ready;
      this.#log.info({ event: 'daemon.watch', dir: this.#opts.watchDir }, 'watching profiles directory');
    }
    this.#recheckPlacement();
    for (const member of this.#members) await member.daemon.start();
  }

  /** Resolves once the placement checks asked for so far have finished. */
  placementChecked(): Promise<void> {
    return this.#placementCheck;
  }

  #recheckPlacement(): void {
    const check = this.#opts.checkPlacement;
    if (!check) return;
    this.#placementCheck = this.#placementCheck.then(async () => {
      try {
        const found = await check();
        if (found.join('\n') !== this.#placement.join('\n')) {
          for (const message of found) this.#log.warn({ event: 'daemon.placement' }, message);
        }
        this.#placement = found;
      } catch (err) {
        this.#log.warn({ event: 'daemon.placement', err: errorSummary(err) }, 'could not check which target takes each file');
      }
    });
  }

  /** Hands each target the changed paths it takes; a target that takes none is not woken. */
  filesChanged(paths: readonly string[]): void {
    const relevant = paths.filter((p) => !this.#ignored.has(p));
    if (relevant.length > 0) this.#recheckPlacement();
    for (const member of this.#members) {
      const mine = relevant.filter((p) => member.touches(p));
      if (mine.length > 0) member.daemon.filesChanged(mine);
    }
  }

  requestReconcile(reason: TriggerReason): boolean {
    return this.#members.map((m) => m.daemon.requestReconcile(reason)).every(Boolean);
  }

  requestManualReconcile(reason: 'http' | 'signal'): boolean {
    return this.#members.map((m) => m.daemon.requestManualReconcile(reason)).every(Boolean);
  }

  async suspend(): Promise<PauseState> {
    const state = await this.#opts.pause.suspend((this.#opts.clock ?? systemClock).now());
    this.#opts.metrics?.setSuspended(true);
    this.#log.warn({ event: 'daemon.suspended', since: state.since }, 'writes suspended');
    return state;
  }

  async resume(): Promise<PauseState> {
    const state = await this.#opts.pause.resume();
    this.#opts.metrics?.setSuspended(false);
    this.#log.info({ event: 'daemon.resumed' }, 'writes resumed');
    this.requestManualReconcile('http');
    return state;
  }

  /** Stops the watcher and every daemon, waiting for the passes in flight (the caller bounds the wait). */
  async stop(): Promise<void> {
    const closing = this.#watcher?.close();
    await Promise.all(this.#members.map((m) => m.daemon.stop()));
    await closing;
  }

  async whenIdle(): Promise<void> {
    await Promise.all(this.#members.map((m) => m.daemon.whenIdle()));
  }

  get passes(): number {
    return this.#members.reduce((sum, m) => sum + m.daemon.passes, 0);
  }

  /** Ready when every target has finished a first pass (or is a healthy standby) and reaches AWS. */
  readiness(): { ready: boolean; checks: DaemonStatus['checks'] } {
    const each = this.#members.map((m) => m.daemon.readiness());
    return {
      ready: each.every((r) => r.ready),
      checks: { firstReconcileDone: each.every((r) => r.checks.firstReconcileDone), awsReachable: each.every((r) => r.checks.awsReachable) },
    };
  }

  status(): DaemonStatus {
    const status = fleetStatus(this.#memberStatuses());
    return this.#placement.length === 0 ? status : { ...status, warnings: [...this.#placement, ...status.warnings] };
  }

  #memberStatuses() {
    return this.#members.map((m) => ({ name: m.name, target: m.identified(), status: m.daemon.status() }));
  }
}
