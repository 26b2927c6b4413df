// Shared domain types: the contracts between the modules. Pure data, no I/O.
//
// Pipeline:  desired/ (files → DesiredProfile)   aws/ (AppFlow → ObservedProfile, Secrets → values)
//                       \                          /
//                        planner/ planChanges(desired, observed, state) → Plan    (pure)
//                                   |
//                        reconcile/ executePlan(plan) → ProfileOutcome[]  (writes, tokens, retries)
//                                   |
//                        state/ (inventory, fingerprints, intents)  render/ (text, json, markdown)
import type {
  ConnectorProfileDocument,
} from './generated/connector-profile.js';
import type { Sensitive } from './sensitive.js';

export type { ConnectorProfileDocument };

/** `connectorProfileConfig.connectorProfileCredentials` with every reference resolved to its value. */
export type ResolvedCredentials = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Desired state (profiles directory)

/** A position in a profile file. `file` is relative to the profiles directory; line and column are 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export type DiagnosticSeverity = 'error' | 'warning';

/** One problem found in a profile file, printed as `FILE:LINE:COL: path: message`. Never holds a secret value. */
export interface Diagnostic extends SourceLocation {
  /** Dotted path of the offending field inside the document, e.g. `connectorProfileConfig.connectorProfileProperties.Snowflake.stage`; '' for the whole document/file. */
  path: string;
  message: string;
  /** Stable machine code, e.g. `schema.pattern`, `yaml.syntax`, `credential.plaintext`, `profile.duplicate-name`. */
  code: string;
  severity: DiagnosticSeverity;
}

/** A parsed `{{resolve:secretsmanager:SECRET_ID:SecretString:JSON_KEY[:VERSION_STAGE:VERSION_ID]}}`. */
export interface SecretReference {
  /** The reference text exactly as written (safe to print: it names a secret, it is not one). */
  raw: string;
  /** Secret name or full ARN. */
  secretId: string;
  jsonKey: string;
  versionStage?: string;
  versionId?: string;
}

/** A credential member whose value is a secret reference. */
export interface CredentialReference {
  /** Path below `connectorProfileCredentials`, e.g. ['Salesforce', 'jwtToken'] or ['CustomConnector', 'oauth2', 'clientSecret']. */
  path: string[];
  ref: SecretReference;
  /** Where the reference is written (absent when the document did not come from a file). */
  source?: SourceLocation;
}

/** `credentialsOnUpdate`: send the declared credentials with every update, or only when their fingerprint changed. */
export type CredentialsOnUpdate = 'always' | 'changed';
export const DEFAULT_CREDENTIALS_ON_UPDATE: CredentialsOnUpdate = 'always';

/**
 * A profile's `lifecycle:` key: how this tool treats the profile, never sent to AWS (the loader
 * takes it out of the document). See docs/profiles.md (Lifecycle).
 */
export interface ProfileLifecycle {
  /** No writes for this profile; drift is still read and reported. */
  suspend?: boolean;
  /** A plan that would delete or replace the profile is an error (Terraform's prevent_destroy). */
  preventDestroy?: boolean;
  /** Retain: when the document goes, the profile is forgotten from the inventory, never deleted. */
  deletionPolicy?: 'Delete' | 'Retain';
  /** Document paths never diffed (and, on update, sent as found in the account). */
  ignoreChanges?: string[];
  credentialsOnUpdate?: CredentialsOnUpdate;
}

/** One valid profile document from the profiles directory. Credential strings are still references here. */
export interface DesiredProfile {
  name: string;
  /** The AppFlow request members only: `lifecycle` is taken out into its own field. */
  document: ConnectorProfileDocument;
  source: SourceLocation;
  credentialRefs: CredentialReference[];
  /** The document's `lifecycle:` key, when it has one. */
  lifecycle?: ProfileLifecycle;
}

/** A document that was found but is invalid: its profile is unknown, not absent. */
export interface InvalidProfile {
  /** The name when it could still be read from the document, else undefined. */
  name?: string;
  source: SourceLocation;
  diagnostics: Diagnostic[];
}

export type DirectoryStatus = 'ok' | 'missing' | 'unreadable' | 'empty';

export interface LoadResult {
  /** State of the profiles directory itself; anything but 'ok' blocks prune (unless --allow-empty). */
  directory: DirectoryStatus;
  profiles: DesiredProfile[];
  invalid: InvalidProfile[];
  /** Every diagnostic, errors and warnings, in file then line order. */
  diagnostics: Diagnostic[];
  /** Files (relative) that failed to parse or hold an invalid document. Non-empty blocks prune. */
  failedFiles: string[];
  filesRead: number;
  /**
   * Set when the load was restricted to a declared target whose paths match no profile file (a
   * renamed directory, a checkout without it): for that target the directory is as good as empty,
   * so it blocks prune as an empty directory does (unless --allow-empty).
   */
  emptyTarget?: TargetPaths;
}

/** A declared target's name and the path selectors (relative to the profiles directory) of its files. */
export interface TargetPaths {
  name: string;
  paths: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Observed state (AWS)

/**
 * Which AWS account/role and region a profile lives in: `${region}/${identity}`. v1 reconciles one
 * target taken from the ambient AWS configuration; keying state by it now keeps multi-account
 * support from being a rewrite.
 */
export type TargetKey = string;

/** One profile as DescribeConnectorProfiles returns it, the fields a pass reads (never credentials, never kmsArn). */
export interface ObservedProfile {
  name: string;
  connectorType: string;
  connectorLabel?: string;
  connectionMode: string;
  /** `connectorProfileProperties` exactly as returned. */
  properties: Record<string, unknown>;
  /** Moves with every change, credentials included (the saved plan's digest notices it). */
  lastUpdatedAt?: Date;
}

// ---------------------------------------------------------------------------------------------
// Persistent state (state directory)

export type ManagedOrigin = 'created' | 'adopted' | 'imported';

/** What this tool knows about a profile it manages. Holds no secret, only a keyed fingerprint. */
export interface ManagedProfileRecord {
  name: string;
  origin: ManagedOrigin;
  connectorType: string;
  connectorLabel?: string;
  /** kmsArn as last applied: Describe does not return it, so replacement detection compares with this. */
  kmsArn?: string;
  /** HMAC-SHA256 (hex) of the resolved credentials sent in the last successful write. */
  credentialsFingerprint?: string;
  sourceFile?: string;
  /** ISO-8601 time of the last successful write (or adoption). */
  lastAppliedAt?: string;
  /**
   * The document's `lifecycle:` as last applied: preventDestroy and deletionPolicy Retain still
   * hold after the file is deleted. Absent when the document had none.
   */
  lifecycle?: ProfileLifecycle;
  /** SHA-256 of the document as last applied (references, never values): an update while it is unchanged is drift. */
  documentDigest?: string;
}

export type WriteOperation = 'create' | 'update' | 'delete';

/**
 * A write this tool intends to make, persisted before its first attempt so that every retry and a
 * restart after a crash reuse the same clientToken for the same request.
 */
export interface WriteIntent {
  operation: WriteOperation;
  name: string;
  /** Idempotency token sent as clientToken (create/update). */
  clientToken: string;
  /** HMAC of the full request (including resolved credentials): the token is reused only for the identical request. */
  requestDigest: string;
  /** ISO-8601; intents older than the retirement age (well under AWS's 8 h) are dropped and re-minted. */
  createdAt: string;
}

export interface TargetState {
  /** Inventory: profiles this tool created, adopted or imported, by name. */
  profiles: Record<string, ManagedProfileRecord>;
  /** Pending writes by profile name (at most one per profile). */
  intents: Record<string, WriteIntent>;
}

export const STATE_FORMAT_VERSION = 1 as const;

export interface StateSnapshot {
  formatVersion: typeof STATE_FORMAT_VERSION;
  targets: Record<TargetKey, TargetState>;
}

/** What StateStore.load() gives: a snapshot of the caller's own (never shared with another load). */
export interface LoadedState {
  state: StateSnapshot;
  warnings: string[];
  /**
   * stateDigest (src/model/json-digest.ts) of `state` exactly as returned, when the store already
   * knows it (the file store computes it once per version of the file), so a pass need not digest
   * the snapshot it just loaded. A wrapper that changes `state` before handing it on must leave
   * this out.
   */
  digest?: string;
  /**
   * The snapshot as loaded, when the store keeps it anyway (the file store's last parse): the same
   * JSON as `state` at load, held by the store and changed by no one (never change it). A pass
   * compares its snapshot with it to tell whether it changed anything (src/model/json-equal.ts),
   * without digesting. Like `digest`, a wrapper that changes `state` must leave this out.
   */
  original?: StateSnapshot;
}

/** Persistence port for the state directory (implemented in src/state/). */
export interface StateStore {
  /** Reads state. Missing or corrupt state gives an empty snapshot plus a warning, never a throw. */
  load(): Promise<LoadedState>;
  /** Writes atomically: temp file, fsync, rename (and fsync of the directory). */
  save(state: StateSnapshot): Promise<void>;
  /** The fingerprint HMAC key, created (32 random bytes, mode 0600) on first use. */
  hmacKey(): Promise<Buffer>;
  /**
   * What a credential fingerprint covers (default 'value'): 'value' is an HMAC of the resolved
   * credentials under the key above, kept beside the state; 'secret-version' (the shared
   * DynamoDB state) covers the references and the secret version ids they resolved to, so the
   * state holds nothing derived from a secret value and a CI plan can compare without reading one.
   */
  readonly fingerprintScheme?: FingerprintScheme;
}

export type FingerprintScheme = 'value' | 'secret-version';

// ---------------------------------------------------------------------------------------------
// Plan

export type PlanAction = 'create' | 'update' | 'replace' | 'delete' | 'noop' | 'error';

export interface FieldChange {
  /** Dotted path, e.g. `connectionMode`, `connectorProfileProperties.Snowflake.warehouse`, `connectorProfileCredentials`. */
  path: string;
  /** Values are omitted (undefined) for sensitive fields; renderers print `(sensitive value)`. */
  before?: unknown;
  after?: unknown;
  sensitive: boolean;
  /** True when this field's change makes the update impossible (connectorType, connectorLabel, kmsArn). */
  forcesReplacement: boolean;
  /** True when the old value cannot be known (credentials with no stored fingerprint): they will be sent. */
  unknownBefore?: boolean;
}

export interface PlannedChange {
  target: TargetKey;
  name: string;
  action: PlanAction;
  /** Existing profile not in the inventory whose name matches a document: apply records it as adopted. */
  adopt: boolean;
  /** Source file and line of the document (absent for deletes of files that are gone). */
  source?: SourceLocation;
  fields: FieldChange[];
  /** Number of compared leaf fields that did not change (rendered as a count, not printed). */
  unchangedFields: number;
  /** Why: error text for 'error', the blocking guard for a blocked delete, etc. Never a secret. */
  reason?: string;
  diagnostics?: Diagnostic[];
  /** The desired document (references, not values). Absent for deletes. */
  desired?: DesiredProfile;
  /** Resolved credentials for the write; serialises as "[REDACTED]". Absent when none are sent. */
  credentials?: Sensitive<ResolvedCredentials>;
  /** Keyed fingerprint of `credentials` (hex), stored after a successful write. */
  credentialsFingerprint?: string;
  /**
   * The Secrets Manager version id each of the document's references resolved to, by reference
   * text (metadata, never derived from a value): what a saved plan (src/saved-plan/) records to
   * notice a rotation between plan and apply. Absent when the profile has no references or
   * credentials were not read.
   */
  secretVersions?: Record<string, string>;
  /** The observed profile, when it exists. */
  observed?: ObservedProfile;
  /**
   * Inventory-only change (action 'noop'): the document is gone and so is the profile in AWS, so
   * apply drops the name from the inventory without any AWS call.
   */
  forget?: boolean;
  /**
   * Delete that a prune guard blocked (action 'noop'; `reason` names the guard). The executor
   * reports it as 'blocked' without any AWS call.
   */
  pruneBlocked?: boolean;
  /** The profile's lifecycle.suspend holds: action 'noop', `fields` and `reason` tell the drift left in place. */
  suspended?: boolean;
  /**
   * An update that corrects drift: the document is the one last applied (same digest), so the
   * account was changed outside git. Its `fields` hold the values found (before) and restored (after).
   */
  drift?: boolean;
  /**
   * Policies (appflow-gitops.yaml `policies:`) this write does not satisfy. One with severity
   * 'deny' keeps the write from being made (outcome 'blocked', code PolicyViolation); 'warn' ones
   * are reported and the write goes ahead. Absent when every policy holds or none applies.
   */
  policyViolations?: PolicyViolation[];
}

/** One policy (src/policy/) that a planned write does not satisfy. Never holds a credential value. */
export interface PolicyViolation {
  policy: string;
  /** deny: the write is not made. warn: reported, the write goes ahead. */
  severity: 'deny' | 'warn';
  message: string;
  /**
   * Set when the expression could not be evaluated (a missing field, a non-bool result): the
   * write is treated as violating the policy, as Kubernetes admission does with failurePolicy Fail.
   */
  evaluationError?: string;
}

export interface Plan {
  target: TargetKey;
  /** Git revision of the profiles the plan was made from (src/revision/), when known. */
  revision?: string;
  changes: PlannedChange[];
  /** Plan-wide warnings, e.g. "prune skipped: 1 file failed to parse". */
  warnings: string[];
  summary: Record<PlanAction, number>;
}

export interface PlanOptions {
  prune: boolean;
  /** Allow prune when the profiles directory is missing, unreadable or empty. */
  allowEmpty: boolean;
  /** At most this many deletes per pass; more blocks all deletes with a warning. */
  maxDeletes: number;
  /** Default for profiles whose `lifecycle:` does not say (flag, else config file, else 'always'). */
  credentialsOnUpdate?: CredentialsOnUpdate;
  /** `--names`: plan (and so apply) only these profiles; every other one is left out of the plan. */
  names?: ReadonlySet<string>;
}
