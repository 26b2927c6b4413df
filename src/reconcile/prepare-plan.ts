// preparePlan: the read side of a reconcile. Observe (one batched Describe) while resolving secrets
// (one resolve call: each secret fetched once whatever the number of references), assemble and
// check each profile's credentials, fingerprint them, then hand everything to the pure planner.
// Nothing here writes: `plan`, `apply` and the daemon all start with exactly this.
import type { SecretLookup, SecretVersionLookup } from '../aws/ports.js';
import { describeReference } from '../aws/secret-value.js';
import { suggest } from '../desired/did-you-mean.js';
import { checkResolvedCredentials } from '../desired/resolved-credentials.js';
import { isDeepFrozen } from '../model/deep-frozen.js';
import { nameKeyed } from '../model/name-keyed.js';
import { Sensitive } from '../model/sensitive.js';
import type { DesiredProfile, FingerprintScheme, LoadResult, ObservedProfile, Plan, PlanOptions, ResolvedCredentials, SecretReference, SourceLocation } from '../model/types.js';
import { computeFingerprint, computeVersionFingerprint } from '../planner/fingerprint.js';
import { planChanges, type CredentialResolution } from '../planner/plan-changes.js';
import { checkPlanPolicies } from '../policy/evaluate-policies.js';
import { CredentialMemo } from './credential-memo.js';
import { observeProfiles, type EarlyObservation } from './early-describe.js';
import { resolveWithEarly, sharedUniqueReferences, uniqueReferences, type EarlySecrets } from './early-secrets.js';
import { phaseEnded } from './phase-boundary.js';
import { PlanMemo, type PlanSources } from './plan-memo.js';
import type { PlanContext } from './types.js';

/**
 * `early`: the inventory's Describe batches when the caller started them before loading the files
 * (src/reconcile/early-describe.ts); only the names they do not cover are described here.
 * `earlySecrets`: the previous pass's secret reads, started as early (src/reconcile/early-secrets.ts);
 * only the references they do not cover are resolved here.
 */
export async function preparePlan(ctx: PlanContext, load: LoadResult, options: PlanOptions, early?: EarlyObservation, earlySecrets?: EarlySecrets): Promise<Plan> {
  // Desired names ∪ inventory names: the inventory side is what prune and "deleted out of band"
  // need. Profiles outside both are none of our business and are not even read.
  const names = [...new Set([...load.profiles.map((p) => p.name), ...Object.keys(ctx.state.profiles)])].sort();
  // The two reads are independent and hit different services (and quotas): run them side by side.
  const byVersion = ctx.skipCredentials && ctx.fingerprintScheme === 'secret-version' && ctx.secrets.describeVersions !== undefined;
  // Version ids each reference resolved to (metadata only), recorded on the plan's changes below.
  const versions = new Map<string, string>();
  const [observed, credentials] = await Promise.all([
    observeProfiles(ctx.appflow, names, early),
    byVersion
      ? compareSecretVersions(ctx, load.profiles, versions)
      : ctx.skipCredentials
        ? Promise.resolve(new Map<string, CredentialResolution>())
        : resolveCredentials(ctx, load.profiles, versions, earlySecrets),
  ]);
  phaseEnded();

  const sources = memoSources(ctx, load, options, observed, credentials);
  const again = sources && planMemo.reuse(ctx.appflow, sources);
  if (again) return again;
  const plan = planChanges(
    {
      target: ctx.target.key,
      desired: load.profiles,
      invalid: load.invalid,
      observed,
      state: ctx.state,
      credentials,
      directory: load.directory,
      ...(load.emptyTarget ? { emptyTarget: load.emptyTarget } : {}),
      failedFiles: load.failedFiles,
    },
    options,
  );
  if (byVersion) {
    plan.warnings.push(
      'credentials were compared by secret version, not read (--skip-credentials with shared state): rotations and missing secrets are shown; ' +
        'a missing JSON key inside a secret is caught only where values are read (apply, the daemon)',
    );
  } else if (ctx.skipCredentials) {
    plan.warnings.push('credentials were not read (--skip-credentials): credential changes and unresolvable secrets are not shown');
  }
  if (ctx.policies) checkPlanPolicies(plan, ctx.policies);
  recordSecretVersions(plan, versions);
  if (sources) planMemo.remember(ctx.appflow, sources, plan);
  return plan;
}

/** Keyed weakly on the AppFlow port: a daemon's passes over one target share it. */
const planMemo = new PlanMemo();

/**
 * What the plan is made from, when it may be remembered: a pass that knows its state's digest (the
 * daemon's, reconcile-once.ts) and reads credentials. With policies, only a plan without a write is
 * remembered (plan-memo.ts).
 */
function memoSources(
  ctx: PlanContext,
  load: LoadResult,
  options: PlanOptions,
  observed: readonly ObservedProfile[],
  credentials: ReadonlyMap<string, CredentialResolution>,
): PlanSources | undefined {
  if (ctx.stateDigest === undefined || ctx.skipCredentials) return undefined;
  return {
    target: ctx.target.key,
    load,
    observed,
    credentials,
    stateDigest: ctx.stateDigest,
    options,
    hmacKey: ctx.hmacKey,
    scheme: ctx.fingerprintScheme ?? 'value',
    policiesChecked: ctx.policies !== undefined && ctx.policies.policies.length > 0,
  };
}

/** Each change's references and the secret versions they resolved to (none when nothing was read). */
function recordSecretVersions(plan: Plan, versions: ReadonlyMap<string, string>): void {
  if (versions.size === 0) return;
  for (const change of plan.changes) {
    const refs = change.desired?.credentialRefs ?? [];
    if (refs.length === 0) continue;
    change.secretVersions = secretVersionsOf(refs, versions);
  }
}

/**
 * The last record made per parse-cached (deep-frozen) reference list, with its versions in the
 * list's order (compared as an array: reading them back by key from the frozen record cost more).
 */
const lastSecretVersions = new WeakMap<object, { record: Record<string, string>; inOrder: string[] }>();

function secretVersionsOf(refs: DesiredProfile['credentialRefs'], versions: ReadonlyMap<string, string>): Record<string, string> {
  const frozenRefs = isDeepFrozen(refs);
  const known = frozenRefs ? lastSecretVersions.get(refs) : undefined;
  // Compared in place: an unchanged profile (nearly all of a daemon's pass) allocates nothing here.
  if (known && sameVersions(refs, versions, known.inOrder)) return known.record;
  const inOrder = refs.map(({ ref }) => versions.get(ref.raw) ?? '');
  // Keyed by the references' texts, which no other record shares: an ordinary object gets a hidden
  // class of its own per profile (and one more transition off the empty object's); a null-prototype
  // one is a small hash table. Building 10,000 takes half the time, and the 10,000-profile fresh
  // no-op peaked 5-10 MB lower (A/B; most of it is garbage the hidden classes left).
  const record = nameKeyed<string>();
  refs.forEach(({ ref }, i) => {
    record[ref.raw] = inOrder[i]!;
  });
  if (frozenRefs) lastSecretVersions.set(refs, { record: Object.freeze(record), inOrder });
  return record;
}

function sameVersions(refs: DesiredProfile['credentialRefs'], versions: ReadonlyMap<string, string>, inOrder: readonly string[]): boolean {
  if (refs.length !== inOrder.length) return false;
  for (let i = 0; i < refs.length; i++) if ((versions.get(refs[i]!.ref.raw) ?? '') !== inOrder[i]) return false;
  return true;
}

/** Keyed weakly on parse-cached documents: a daemon's passes share it, one-shot commands never hit it. */
const credentialMemo = new CredentialMemo();

async function resolveCredentials(
  ctx: PlanContext,
  profiles: readonly DesiredProfile[],
  versions: Map<string, string>,
  early: EarlySecrets | undefined,
): Promise<Map<string, CredentialResolution>> {
  const refs = sharedUniqueReferences(ctx.secrets, profiles);
  const lookups = await resolveWithEarly(ctx.secrets, refs, early);
  // forEach: see src/model/same-frozen-values.ts.
  lookups.forEach((lookup, raw) => {
    if (lookup.ok && lookup.versionId) versions.set(raw, lookup.versionId);
  });
  return credentialMemo.resolveAll(ctx.secrets, profiles, lookups, ctx.hmacKey, ctx.fingerprintScheme ?? 'value', assembleCredentials);
}

/**
 * The CI plan on shared state: each profile's secret-version fingerprint from DescribeSecret
 * alone (no GetSecretValue, no BatchGetSecretValue), compared by the planner with the one the
 * daemon recorded. No value, so nothing of this can be applied.
 */
async function compareSecretVersions(ctx: PlanContext, profiles: readonly DesiredProfile[], found: Map<string, string>): Promise<Map<string, CredentialResolution>> {
  const refs = uniqueReferences(profiles);
  const versions = refs.length > 0 ? await ctx.secrets.describeVersions!(refs) : new Map<string, SecretVersionLookup>();
  for (const [raw, lookup] of versions) if (lookup.ok) found.set(raw, lookup.versionId);
  const credentials = new Map<string, CredentialResolution>();
  for (const profile of profiles) {
    const written = profile.document.connectorProfileConfig?.connectorProfileCredentials;
    if (written === undefined || written === null) continue;
    const problems: string[] = [];
    for (const { path, ref } of profile.credentialRefs) {
      const lookup = versions.get(ref.raw);
      if (!lookup?.ok) problems.push(`${['connectorProfileCredentials', ...path].join('.')}: ${lookup ? lookup.error.message : `${ref.raw} was not resolved`}`);
    }
    if (problems.length > 0) {
      credentials.set(profile.name, { error: joinProblems(problems) });
      continue;
    }
    const versionOf = (raw: string) => (versions.get(raw) as { versionId: string }).versionId;
    credentials.set(profile.name, {
      fingerprint: computeVersionFingerprint(ctx.hmacKey, written as Record<string, unknown>, profile.credentialRefs, versionOf),
    });
  }
  return credentials;
}

function joinProblems(problems: string[]): string {
  return problems.length === 1 ? problems[0]! : `${problems[0]} (and ${problems.length - 1} more: ${problems.slice(1).join('; ')})`;
}

/**
 * The credentials to send for one profile: a copy of `connectorProfileCredentials` with every
 * reference replaced by its value (mechanism members such as `oAuth2GrantType` stay as written).
 * Undefined when the document has no credentials. Errors name the member and the secret, never a value.
 */
export function assembleCredentials(
  profile: DesiredProfile,
  lookups: ReadonlyMap<string, SecretLookup>,
  hmacKey: Buffer,
  scheme: FingerprintScheme = 'value',
): CredentialResolution | undefined {
  const written = profile.document.connectorProfileConfig?.connectorProfileCredentials;
  if (written === undefined || written === null) return undefined;
  const resolved = structuredClone(written) as ResolvedCredentials;
  const failures: UnresolvedReference[] = [];
  for (const { path, ref, source } of profile.credentialRefs) {
    const lookup = lookups.get(ref.raw);
    if (!lookup) failures.push({ ref, path, source, secretWide: true, detail: 'was not resolved' });
    else if (!lookup.ok) failures.push({ ref, path, source, secretWide: lookup.error.secretWide === true, detail: withKeyHint(ref, lookup.error), message: lookup.error.message });
    else setPath(resolved, path, lookup.value);
  }
  if (failures.length > 0) {
    // One line per secret: a missing secret used by three members is one problem, not three.
    const lines = describeFailuresBySecret(failures);
    return { error: [`credentials cannot be resolved (${lines.length} secret${lines.length === 1 ? '' : 's'}):`, ...lines].join('\n') };
  }
  const problems = checkResolvedCredentials(profile.document, resolved);
  if (problems.length === 0 && scheme === 'secret-version') {
    for (const { path, ref } of profile.credentialRefs) {
      const lookup = lookups.get(ref.raw);
      if (lookup?.ok && !lookup.versionId) {
        problems.push(`${['connectorProfileCredentials', ...path].join('.')}: ${ref.raw}: Secrets Manager returned no VersionId`);
      }
    }
  }
  if (problems.length > 0) return { error: joinProblems(problems) };
  const fingerprint =
    scheme === 'secret-version'
      ? computeVersionFingerprint(hmacKey, written as Record<string, unknown>, profile.credentialRefs, (raw) => (lookups.get(raw) as { versionId: string }).versionId)
      : computeFingerprint(hmacKey, resolved);
  return { fingerprint, value: new Sensitive(resolved) };
}

/** `has no key "apikey" (did you mean "apiKey"?)`: the closest of the secret's key names, never a value. */
function withKeyHint(ref: SecretReference, error: { detail?: string; keys?: string[] }): string | undefined {
  const hint = error.detail !== undefined && error.keys ? suggest(ref.jsonKey, error.keys) : undefined;
  return hint === undefined ? error.detail : `${error.detail} (did you mean ${JSON.stringify(hint)}?)`;
}

interface UnresolvedReference {
  ref: SecretReference;
  /** Below connectorProfileCredentials. */
  path: readonly string[];
  source?: SourceLocation;
  secretWide: boolean;
  /** The problem without the secret's name (adapters that give none fall back to `message`). */
  detail?: string;
  message?: string;
}

/**
 * One line per secret (and version), shaped as `validate` prints a diagnostic: the position of the
 * first member that uses the secret, its path, then the problem and every member it affects, e.g.
 * `dd.json:9:17: connectorProfileCredentials.Datadog.apiKey: secret "x" not found (...) (used by
 * Datadog.apiKey, Datadog.applicationKey)`. Never a value.
 */
function describeFailuresBySecret(failures: readonly UnresolvedReference[]): string[] {
  const bySecret = new Map<string, UnresolvedReference[]>();
  for (const failure of failures) {
    const key = describeReference(failure.ref);
    bySecret.set(key, [...(bySecret.get(key) ?? []), failure]);
  }
  const lines: string[] = [];
  for (const [secret, group] of bySecret) {
    const members = (items: readonly UnresolvedReference[]) => items.map((f) => f.path.join('.')).join(', ');
    const wide = group.filter((f) => f.secretWide && f.detail !== undefined);
    const parts: string[] = [];
    for (const detail of new Set(wide.map((f) => f.detail!))) {
      parts.push(`${detail} (used by ${members(wide.filter((f) => f.detail === detail))})`);
    }
    for (const f of group.filter((item) => !wide.includes(item))) {
      parts.push(`${f.detail ?? f.message ?? 'was not resolved'} (used by ${f.path.join('.')})`);
    }
    const first = group[0]!;
    const where = first.source ? `${first.source.file}:${first.source.line}:${first.source.column}: ` : '';
    lines.push(`${where}${['connectorProfileCredentials', ...first.path].join('.')}: ${secret} ${parts.join('; ')}`);
  }
  return lines;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node: Record<string, unknown> = target;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    if (typeof next !== 'object' || next === null) return; // cannot happen: the path came from this document
    node = next as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}
