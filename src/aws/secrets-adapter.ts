// SecretsPort over the AWS SDK. Each distinct secret (id + version) is fetched once per resolve()
// call, whatever the number of references to it: unpinned secrets with BatchGetSecretValue, 20
// ids per call; pinned versions (and anything the batch call could not answer) with
// GetSecretValue. A failure affects only the references to that secret. Values stay in memory,
// in the returned map; nothing here logs or stores them.
import {
  BatchGetSecretValueCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  type SecretValueEntry,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import pLimit from 'p-limit';
import { isDeepFrozen } from '../model/deep-frozen.js';
import type { SecretReference } from '../model/types.js';
import { awsErrorCode } from './error-codes.js';
import { failureFromError, fromEntry, isFailure, isFailureLike, matchBatchAnswers, type FetchFailure, type FetchResult } from './secret-answers.js';
import type { SecretLookup, SecretsPort, SecretVersionLookup } from './ports.js';
import { describeReference, extractSecretValue } from './secret-value.js';

/** BatchGetSecretValue's limit for SecretIdList. */
export const BATCH_GET_SIZE = 20;

/** Errors of the batch call that mean "this caller cannot use BatchGetSecretValue here": fall back. */
const BATCH_UNAVAILABLE_CODES = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnknownOperationException',
  'UnrecognizedClientException',
  'ValidationException',
  'InvalidRequestException',
  'NotImplemented',
]);


interface SecretGroup {
  key: string;
  secretId: string;
  versionId?: string;
  versionStage?: string;
  refs: SecretReference[];
}


/** Unpinned and `AWSCURRENT` without a version id are the same secret version. */
function groupReferences(refs: SecretReference[]): Map<string, SecretGroup> {
  const groups = new Map<string, SecretGroup>();
  for (const ref of refs) {
    const versionId = ref.versionId || undefined;
    const versionStage = versionId || (ref.versionStage && ref.versionStage !== 'AWSCURRENT') ? ref.versionStage || undefined : undefined;
    // NUL cannot occur in a secret id, version id or stage, so the key is unambiguous (and far
    // cheaper than JSON.stringify for the two thousand references of a 1,000-profile pass).
    const key = `${ref.secretId}\u0000${versionId ?? ''}\u0000${versionStage ?? ''}`;
    let group = groups.get(key);
    if (!group) {
      group = { key, secretId: ref.secretId, refs: [] };
      if (versionId) group.versionId = versionId;
      if (versionStage) group.versionStage = versionStage;
      groups.set(key, group);
    }
    group.refs.push(ref);
  }
  return groups;
}

/** References grouped by secret version, unpinned ones (one batch call per 20) apart from pinned ones. */
interface Grouping {
  groups: ReadonlyMap<string, SecretGroup>;
  pinned: readonly SecretGroup[];
  /** The unpinned groups in batch-sized chunks, and their secret ids (the request's SecretIdList). */
  chunks: readonly { ids: readonly string[]; groups: readonly SecretGroup[] }[];
}


export interface SecretsAdapterOptions {
  /** Concurrent GetSecretValue calls on the fallback/pinned path. */
  concurrency?: number;
}

/** The lookups one secret version gave its references, remembered until the next resolve. */
interface ResolvedVersion {
  versionId: string | undefined;
  secretString: string;
  /** By `ref.raw`: successful lookups only (frozen), so a failure's message is always current. */
  lookups: Map<string, SecretLookup>;
}

export function createSecretsAdapter(client: SecretsManagerClient, options: SecretsAdapterOptions = {}): SecretsPort {
  /**
   * What the previous resolve extracted per secret group. A secret version's content never
   * changes (Secrets Manager creates a new version for a new value), so while the answer is the
   * same version with the same string, its references' lookups are the ones handed out last
   * time: no JSON.parse of every secret on every daemon pass, and the same objects for the
   * memos downstream (src/reconcile/credential-memo.ts). Values stay in memory only, as in the
   * plan of every pass; only the last resolve's are kept.
   */
  let lastResolved = new Map<string, ResolvedVersion>();

  /**
   * The last grouping, for the reference list it was made from. The caller hands the daemon's
   * passes the same deep-frozen list while no file's references changed (src/reconcile/
   * prepare-plan.ts), and a deep-frozen list and its references cannot change, so the groups are
   * reused instead of rebuilt from 2,000 references on every pass. The groups are only read.
   */
  let lastGrouping: { refs: readonly SecretReference[]; grouping: Grouping } | undefined;

  /**
   * The last resolve's whole answer, when every reference in it was answered (a string secret and
   * its key found), for the grouping it was made for. A daemon's warm pass asks again for the same
   * deep-frozen list; when every secret comes back the same version with the same string, the
   * answer is the same, so that map is handed out again (callers only read it: ReadonlyMap)
   * instead of 2,000 lookups set into a new one. Every secret is still read.
   */
  let lastWhole: { grouping: Grouping; resolved: ReadonlyMap<string, SecretLookup> } | undefined;

  /** True when every group's answer now is the version and string the last resolve extracted from. */
  function everySameAsLast(groups: ReadonlyMap<string, SecretGroup>, fetched: ReadonlyMap<SecretGroup, FetchResult>): boolean {
    for (const group of groups.values()) {
      const result = fetched.get(group);
      if (result === undefined || isFailure(result) || result.kind !== 'string') return false;
      const last = lastResolved.get(group.key);
      if (last === undefined || last.versionId !== result.versionId || last.secretString !== result.secretString) return false;
    }
    return true;
  }

  function groupingOf(refs: SecretReference[]): Grouping {
    if (lastGrouping?.refs === refs && isDeepFrozen(refs)) return lastGrouping.grouping;
    const groups = groupReferences(refs);
    const pinned: SecretGroup[] = [];
    // Unpinned groups have distinct secret ids (the group key is the id with no version).
    const unpinned: SecretGroup[] = [];
    for (const group of groups.values()) {
      if (group.versionId || group.versionStage) pinned.push(group);
      else unpinned.push(group);
    }
    const chunks: Grouping['chunks'][number][] = [];
    for (let i = 0; i < unpinned.length; i += BATCH_GET_SIZE) {
      const chunkGroups = unpinned.slice(i, i + BATCH_GET_SIZE);
      chunks.push({ ids: chunkGroups.map((group) => group.secretId), groups: chunkGroups });
    }
    const grouping = { groups, pinned, chunks };
    lastGrouping = isDeepFrozen(refs) ? { refs, grouping } : undefined;
    return grouping;
  }

  async function getOne(group: SecretGroup): Promise<FetchResult> {
    try {
      const output = await client.send(
        new GetSecretValueCommand({ SecretId: group.secretId, VersionId: group.versionId, VersionStage: group.versionStage }),
      );
      return fromEntry(output);
    } catch (err) {
      return failureFromError(err);
    }
  }

  /**
   * Fetches one chunk of up to 20 unpinned groups (`ids`: their secret ids). Returns a result for
   * each group in order (undefined: fetch it one by one), or `unavailable` when the batch
   * operation itself cannot be used by this caller.
   */
  async function batchChunk(ids: readonly string[]): Promise<{ unavailable: false; results: (FetchResult | undefined)[] } | { unavailable: true }> {
    const entries: SecretValueEntry[] = [];
    const errors = new Map<string, { ErrorCode?: string | undefined; Message?: string | undefined }>();
    let nextToken: string | undefined;
    try {
      do {
        const output = await client.send(new BatchGetSecretValueCommand({ SecretIdList: [...ids], NextToken: nextToken }));
        entries.push(...(output.SecretValues ?? []));
        for (const error of output.Errors ?? []) if (error.SecretId) errors.set(error.SecretId, error);
        nextToken = output.NextToken && output.NextToken !== nextToken ? output.NextToken : undefined;
      } while (nextToken);
    } catch (err) {
      const code = awsErrorCode(err);
      if (code && BATCH_UNAVAILABLE_CODES.has(code)) return { unavailable: true };
      const failure = failureFromError(err);
      return { unavailable: false, results: ids.map(() => failure) };
    }
    return { unavailable: false, results: matchBatchAnswers(ids, entries, errors) };
  }

  /** VersionIdsToStages of each distinct secret id (DescribeSecret), or why it could not be read. */
  async function describeSecrets(ids: string[]): Promise<Map<string, Record<string, string[]> | FetchFailure>> {
    const limit = pLimit(options.concurrency ?? 4);
    const out = new Map<string, Record<string, string[]> | FetchFailure>();
    await Promise.all(
      ids.map((id) =>
        limit(async () => {
          try {
            const output = await client.send(new DescribeSecretCommand({ SecretId: id }));
            out.set(id, output.VersionIdsToStages ?? {});
          } catch (err) {
            out.set(id, failureFromError(err));
          }
        }),
      ),
    );
    return out;
  }

  return {
    async describeVersions(refs) {
      const described = await describeSecrets([...new Set(refs.map((ref) => ref.secretId))]);
      const result = new Map<string, SecretVersionLookup>();
      for (const ref of refs) {
        const stages = described.get(ref.secretId);
        if (stages === undefined || isFailureLike(stages)) {
          const failure = stages ?? { code: 'secret.error' as const, detail: 'was not described' };
          result.set(ref.raw, { ok: false, error: { code: failure.code, message: `${describeReference(ref)} ${failure.detail}` } });
          continue;
        }
        const stage = ref.versionStage || 'AWSCURRENT';
        const versionId = ref.versionId
          ? Object.hasOwn(stages, ref.versionId) ? ref.versionId : undefined
          : Object.entries(stages).find(([, labels]) => labels.includes(stage))?.[0];
        result.set(
          ref.raw,
          versionId
            ? { ok: true, versionId }
            : { ok: false, error: { code: 'secret.not-found', message: `${describeReference(ref)} not found (no such version)` } },
        );
      }
      return result;
    },

    async resolve(refs) {
      const grouping = groupingOf(refs);
      const { groups, pinned, chunks } = grouping;
      const fetched = new Map<SecretGroup, FetchResult>();
      const singles: SecretGroup[] = [...pinned];
      const limit = pLimit(options.concurrency ?? 4);
      let batchUsable = true;
      const takeChunk = async (chunk: Grouping['chunks'][number]): Promise<void> => {
        const outcome = batchUsable ? await batchChunk(chunk.ids) : ({ unavailable: true } as const);
        if (outcome.unavailable) {
          // Remember for the rest of this resolve: one failed batch call, not one per chunk.
          batchUsable = false;
          singles.push(...chunk.groups);
          return;
        }
        for (let i = 0; i < chunk.groups.length; i++) {
          const result = outcome.results[i];
          if (result === undefined) singles.push(chunk.groups[i]!);
          else fetched.set(chunk.groups[i]!, result);
        }
      };
      // The first chunk alone tells whether this caller may use BatchGetSecretValue at all; the
      // rest then run a few at a time (one after another, a 1,000-profile pass waited on 50
      // round trips in a row).
      if (chunks.length > 0) await takeChunk(chunks[0]!);
      await Promise.all(chunks.slice(1).map((chunk) => limit(() => takeChunk(chunk))));

      await Promise.all(
        singles.map((group) =>
          limit(async () => {
            fetched.set(group, await getOne(group));
          }),
        ),
      );

      // Every secret the same version with the same string as the last resolve of this very
      // grouping, and every reference answered from it then: that resolve's lookups, as they were.
      if (lastWhole?.grouping === grouping && everySameAsLast(groups, fetched)) return lastWhole.resolved;

      const resolved = new Map<string, SecretLookup>();
      const remembered = new Map<string, ResolvedVersion>();
      let whole = true;
      for (const group of groups.values()) {
        const result = fetched.get(group) ?? { code: 'secret.error', detail: 'was not fetched' };
        if (isFailure(result)) {
          whole = false;
          for (const ref of group.refs) {
            const key = ref.jsonKey === '' ? '' : ` (key ${JSON.stringify(ref.jsonKey)})`;
            resolved.set(ref.raw, {
              ok: false,
              error: { code: result.code, message: `${describeReference(ref)}${key} ${result.detail}`, detail: result.detail, secretWide: true },
            });
          }
          continue;
        }
        if (result.kind !== 'string') {
          whole = false;
          for (const ref of group.refs) resolved.set(ref.raw, extractSecretValue(ref, result));
          continue;
        }
        const last = lastResolved.get(group.key);
        const known = last && last.versionId === result.versionId && last.secretString === result.secretString ? last.lookups : undefined;
        if (known && group.refs.every((ref) => known.has(ref.raw))) {
          // The same version, and every reference already answered from it: the remembered
          // lookups as they are (a daemon's usual pass; no new map per secret).
          for (const ref of group.refs) resolved.set(ref.raw, known.get(ref.raw)!);
          remembered.set(group.key, last!);
          continue;
        }
        const lookups = new Map<string, SecretLookup>();
        for (const ref of group.refs) {
          const lookup = known?.get(ref.raw) ?? extractSecretValue(ref, result);
          resolved.set(ref.raw, lookup);
          if (lookup.ok) lookups.set(ref.raw, Object.isFrozen(lookup) ? lookup : Object.freeze(lookup));
          else whole = false;
        }
        remembered.set(group.key, { versionId: result.versionId, secretString: result.secretString, lookups });
      }
      lastResolved = remembered;
      lastWhole = whole ? { grouping, resolved } : undefined;
      return resolved;
    },
  };
}
