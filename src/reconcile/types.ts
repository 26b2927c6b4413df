// Contracts of the reconcile pipeline shared by `plan`, `apply` and the daemon.
import type { AppFlowPort, AwsTarget, SecretsPort } from '../aws/ports.js';
import type { Logger } from '../logging/logger.js';
import type { PolicyCheck } from '../policy/evaluate-policies.js';
import type { LoadOptions } from '../desired/load-profiles.js';
import type { DirectoryStatus, FingerprintScheme, LoadResult, Plan, PlanAction, PlanOptions, SourceLocation, StateStore, TargetPaths, TargetState } from '../model/types.js';

/** Everything `preparePlan` needs: read-only ports plus the target's state. */
export interface PlanContext {
  target: AwsTarget;
  appflow: AppFlowPort;
  secrets: SecretsPort;
  state: TargetState;
  /** Key for credential fingerprints (from the state store). */
  hmacKey: Buffer;
  /** What fingerprints cover (the store's scheme; default 'value'). */
  fingerprintScheme?: FingerprintScheme;
  /**
   * Read no secret and leave credentials out of the plan (`plan --skip-credentials`): for a
   * pull-request check whose role must not read production secrets and which has no state
   * directory, where every credential would otherwise show as unknown. Never used for writes.
   */
  skipCredentials?: boolean;
  /** Policies (appflow-gitops.yaml) each planned write is checked against; none when absent. */
  policies?: PolicyCheck;
  /**
   * The digest of the state snapshot `state` belongs to, when nothing changed it since it was
   * loaded: lets a daemon's pass reuse the previous plan (plan-memo.ts). Absent, it plans afresh.
   */
  stateDigest?: string;
}

export interface ReconcileDeps {
  profilesDir: string;
  loadOptions: LoadOptions;
  store: StateStore;
  appflow: AppFlowPort;
  secrets: SecretsPort;
  target: AwsTarget;
  logger: Logger;
  /** Injectable clock (ms since epoch) for intent ages and timestamps in tests. */
  now?: () => number;
  /** Policies each planned write is checked against (appflow-gitops.yaml `policies:`). */
  policies?: PolicyCheck;
  /** Git revision of the profiles read from `profilesDir` (src/revision/): carried by the plan, the report and every log line of the pass. */
  revision?: string;
  /**
   * The files this pass reconciles (a declared target's paths, relative to `profilesDir`); every
   * file when undefined. Files outside are neither planned nor, with prune, counted as gone.
   */
  takesFile?: (relativePath: string) => boolean;
  /** The declared target `takesFile` selects for: when its paths match no file, prune is blocked as for an empty directory. */
  targetFiles?: TargetPaths;
  /**
   * The profiles, already being loaded from `profilesDir` with `loadOptions` (plan and apply load
   * them on a worker thread: src/cli/worker-load.ts); taken where the pass would load them. Given
   * the pass's logger (its reconcileId), so what the load has to say is part of the pass's log.
   */
  profileLoad?: (passLogger: Logger) => Promise<LoadResult>;
}

/** Overrides of the write retry policy (tests shorten the backoff; defaults in retry-policy.ts). */
export interface WriteRetrySettings {
  /** p-retry retries after the first attempt. */
  retries: number;
  factor: number;
  /** First backoff, in ms (before jitter). */
  minTimeout: number;
  /** Cap on one backoff, in ms. */
  maxTimeout: number;
  /** Cap on the whole retried write, in ms. */
  maxRetryTime: number;
  /** A throttled attempt is retried after a pause of this to twice this, in ms, without using a retry. */
  throttlePauseMs: number;
  /** Throttled attempts per write that pause instead of using a retry; later ones back off as above. */
  throttlePauses: number;
}

export interface ReconcileOptions extends PlanOptions {
  /** Permit delete-then-create when connectorType, connectorLabel or kmsArn changes. */
  allowReplace: boolean;
  /** Maximum concurrent writes. */
  writeConcurrency?: number;
  /** When set, only these profile names are written this pass (the daemon's per-profile backoff). */
  onlyNames?: ReadonlySet<string>;
  /** Aborts between writes (SIGTERM): in-flight writes finish or leave their intent in state. */
  signal?: AbortSignal;
  /** `apply --strict`: write nothing when any profile could not be planned (an invalid file, an unresolvable secret). */
  strict?: boolean;
  /**
   * Asked with the plan before any write when it has changes (apply's TTY confirmation); false
   * cancels the pass with nothing written.
   */
  confirm?: (plan: Plan) => Promise<boolean>;
  /**
   * Called once every target of the pass has planned, before any write (apply FILE checks the
   * saved plan here): a message refuses the whole pass with nothing written (error code
   * `plan.stale`). A read-only pass calls it too, which is how `plan --out` sees what it saves.
   */
  verifyPlans?: (planned: PlannedTarget[]) => Promise<string | undefined>;
  /** Reconcile id for logs; generated when absent. */
  reconcileId?: string;
  /** Overrides of the write retry policy (tests); defaults documented in retry-policy.ts. */
  retry?: Partial<WriteRetrySettings>;
}

/** One target's plan and the state it was made from, or why it could not be planned. */
export interface PlannedTarget {
  /** The target's name (appflow-gitops.yaml, or 'default'). */
  name: string;
  target: AwsTarget;
  plan?: Plan;
  state?: TargetState;
  /** Set when the target failed before it could plan (identity, observe). */
  error?: string;
}

/** The error code of a pass that `verifyPlans` refused. */
export const PLAN_STALE_CODE = 'plan.stale';

export type OutcomeResult = 'applied' | 'unchanged' | 'failed' | 'blocked' | 'skipped';

export interface ProfileOutcome {
  name: string;
  action: PlanAction;
  result: OutcomeResult;
  /** AWS error code or our own (e.g. `replace.not-allowed`); message never holds a secret. */
  error?: { code: string; message: string; terminal: boolean };
  attempts: number;
  durationMs: number;
  source?: SourceLocation;
  /**
   * Keyed HMAC (hex) of the inputs of the write (the full request, credentials included): the
   * daemon stops retrying a terminal failure until this digest changes (file or secret edited).
   */
  inputDigest?: string;
  /** The clientToken(s) used for this profile's write(s) this pass (not secret; for audit and tests). */
  clientTokens?: string[];
}

export interface ReconcileReport {
  id: string;
  /** Git revision of the profiles this pass read, when known. */
  revision?: string;
  plan: Plan;
  outcomes: ProfileOutcome[];
  /** True when every profile converged (no failed or error outcome). */
  ok: boolean;
  startedAt: string;
  durationMs: number;
  warnings: string[];
  /** Set when the pass failed as a whole (state unreadable, AWS unreachable while observing). */
  error?: { code: string; message: string };
  /** State of the profiles directory as the loader found it (absent when the pass never read it). */
  profilesDirectory?: DirectoryStatus;
}
