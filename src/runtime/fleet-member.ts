// One target's member of the daemon fleet: its AWS clients, its view of the state (the state
// directory's, or its lease and fenced store in the shared table), its reconcile pass and the
// Daemon that schedules it. run-daemon.ts builds what every target shares and calls this once
// per target.
import type { LimitFunction } from 'p-limit';
import type { AwsSettings } from '../aws/ports.js';
import { createTargetAdapters } from '../aws/target-adapters.js';
import { targetTakesFile, type TargetSettings } from '../config/target-settings.js';
import type { ProfileParseCache } from '../desired/parse-cache.js';
import type { Logger } from '../logging/logger.js';
import type { StateStore } from '../model/types.js';
import type { Notifier } from '../notify/notifier.js';
import type { CompiledPolicy } from '../policy/compile-policies.js';
import type { DaemonMetrics } from '../server/metrics.js';
import { Daemon } from './daemon.js';
import type { IdleCollection } from './idle-collection.js';
import { pathTouchesSelectors, type FleetMember } from './daemon-fleet.js';
// Types only: the shared state's code (and the DynamoDB client) loads when --state names a table.
import type { SharedState, SharedStateSettings } from './shared-state.js';
import { targetPass, type PassSettings, type TargetPass } from './target-pass.js';
import type { TargetStateViews } from './target-state-views.js';
import type { WritePause } from './write-pause.js';

/** The daemon's settings a member uses (as in run-daemon.ts's RunDaemonConfig). */
export interface FleetMemberConfig {
  revision?: string;
  allowPlaintextCredentials: boolean;
  excludeFiles?: readonly string[];
  policies?: readonly CompiledPolicy[];
  resyncIntervalMs: number;
  /** `--state dynamodb://TABLE`; else the state directory's `fileStore` (and its `views` with declared targets). */
  sharedState?: SharedStateSettings;
  /** Keys a declared target's inventory may have had before targets (against AWS only). */
  legacyKeysOf?: (target: TargetSettings) => readonly string[];
}

/** What every target's member is built from (one of each per daemon). */
export interface FleetMemberContext {
  config: FleetMemberConfig;
  /** The profiles directory, resolved. */
  profilesDir: string;
  fileStore?: StateStore;
  views?: TargetStateViews;
  settings: AwsSettings;
  logger: Logger;
  metrics: DaemonMetrics;
  pause: WritePause;
  notifier: Notifier;
  parseCache: ProfileParseCache;
  passSettings: PassSettings;
  /** The bound on target passes at once. */
  passSlots: LimitFunction;
  /** Counts every target's passes; collects the young generation once none runs (idle-collection.ts). */
  idleCollection: IdleCollection;
  scopesOf?: (file: string) => readonly string[];
  /** Every target's shared state, for the pause to read suspend from (filled here). */
  sharedStates: SharedState[];
  /** Registers a step run at shutdown (in reverse order of registration). */
  onCleanup: (fn: () => Promise<void> | void) => void;
}

export interface AssembledMember {
  member: FleetMember;
  /** With the shared state: the target's lease, which run-daemon.ts starts once the fleet exists. */
  shared?: SharedState;
}

export async function assembleFleetMember(context: FleetMemberContext, targetSettings: TargetSettings): Promise<AssembledMember> {
  const { config, logger: log } = context;
  const { sharedState } = config;
  const name = targetSettings.name;
  const targetLog = log.child({ target: name });
  const targetMetrics = context.metrics.forTarget(name);
  let daemon: Daemon | undefined;
  const adapters = createTargetAdapters(targetSettings, { ...context.settings, observer: (call) => daemon?.awsObserver(call) });
  context.onCleanup(() => adapters.destroy());
  let store: StateStore;
  let appflow = adapters.appflow;
  let pass: TargetPass | undefined;
  let shared: SharedState | undefined;
  if (sharedState) {
    // A declared target opens its own table (its account and region) once its identity is
    // confirmed, and keeps trying meanwhile; the implicit target's is opened here.
    const { openSharedState, openTargetSharedState } = await import('./shared-state.js');
    shared = targetSettings.implicit ? openSharedState(sharedState, adapters.target, adapters.appflow, log) : openTargetSharedState(sharedState, adapters, targetLog);
    const opened = shared;
    context.sharedStates.push(opened);
    context.onCleanup(() => opened.stop());
    store = shared.store;
    appflow = shared.appflow;
    // A missing table fails the start in one line (naming it and `state init`), not every heartbeat.
    if (targetSettings.implicit) await store.load();
  } else {
    // Against AWS, a declared target takes over its pre-targets inventory (as apply does).
    const legacy = adapters.target.endpoint === undefined ? (config.legacyKeysOf?.(targetSettings) ?? []) : [];
    store = context.views ? context.views.forTarget(() => pass!.identified().key, legacy) : context.fileStore!;
  }
  pass = targetPass({
    name,
    profilesDir: context.profilesDir,
    ...(config.revision !== undefined ? { revision: config.revision } : {}),
    adapters,
    appflow,
    store,
    ...(targetSettings.implicit ? {} : { takesFile: (file: string) => targetTakesFile(targetSettings, file), targetFiles: { name, paths: targetSettings.paths } }),
    ...(context.scopesOf ? { scopesOf: context.scopesOf } : {}),
    allowPlaintextCredentials: config.allowPlaintextCredentials,
    parseCache: context.parseCache,
    ...(config.excludeFiles ? { excludeFiles: config.excludeFiles } : {}),
    ...(config.policies ? { policies: config.policies } : {}),
    notifier: context.notifier,
    settings: context.passSettings,
    logger: targetLog,
  });
  const reconcile = pass.reconcile;
  const inventoryStore = store;
  const passSlots = context.passSlots;
  daemon = new Daemon({
    logger: targetLog,
    metrics: targetMetrics,
    pause: context.pause,
    watchDir: context.profilesDir,
    externalWatch: true,
    resyncIntervalMs: config.resyncIntervalMs,
    reconcile: (request) => passSlots(() => reconcile(request)),
    readInventory: async (key) => (await inventoryStore.load()).state.targets[key]?.profiles,
    ...(shared ? { leadership: shared.leadership } : {}),
    idleCollection: context.idleCollection,
  });
  const passOfTarget = pass;
  const member: FleetMember = { name, daemon, identified: () => passOfTarget.identified(), touches: (path) => pathTouchesSelectors(targetSettings.paths, path) };
  return { member, ...(shared ? { shared } : {}) };
}
