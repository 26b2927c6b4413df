// What a Secrets Manager answer becomes for the secrets adapter (src/aws/secrets-adapter.ts): one
// fetched secret, or why it could not be fetched; and which BatchGetSecretValue entry answers
// which requested id. Pure functions of the answer.
import type { SecretValueEntry } from '@aws-sdk/client-secrets-manager';
import { awsErrorCode, describeAwsError } from './error-codes.js';
import type { SecretResolutionError } from './ports.js';
import type { FetchedSecret } from './secret-value.js';

export type FetchFailure = { code: SecretResolutionError['code']; detail: string };
export type FetchResult = FetchedSecret | FetchFailure;

export function isFailure(result: FetchResult): result is FetchFailure {
  return 'detail' in result;
}

export function isFailureLike(value: object): value is FetchFailure {
  return 'detail' in value && 'code' in value && typeof (value as FetchFailure).detail === 'string';
}

type SecretEntry = { SecretString?: string | undefined; SecretBinary?: Uint8Array | undefined; VersionId?: string | undefined };

/**
 * What a frozen entry gave: a remembered answer (src/aws/remembered-reads.ts) hands the daemon's
 * passes the same frozen entries while a secret is unchanged, so each is read once.
 */
const fetchedOfFrozen = new WeakMap<SecretEntry, FetchResult>();

export function fromEntry(entry: SecretEntry): FetchResult {
  if (!Object.isFrozen(entry)) return readEntry(entry);
  let fetched = fetchedOfFrozen.get(entry);
  if (fetched === undefined) {
    fetched = Object.freeze(readEntry(entry));
    fetchedOfFrozen.set(entry, fetched);
  }
  return fetched;
}

function readEntry(entry: SecretEntry): FetchResult {
  if (typeof entry.SecretString === 'string') {
    return { kind: 'string', secretString: entry.SecretString, ...(entry.VersionId ? { versionId: entry.VersionId } : {}) };
  }
  if (entry.SecretBinary !== undefined) return { kind: 'binary' };
  return { code: 'secret.error', detail: 'the service returned neither SecretString nor SecretBinary' };
}

/** A secret the service says does not exist, whether the whole call or one batch entry said so. */
function notFound(): FetchFailure {
  return { code: 'secret.not-found', detail: 'not found (ResourceNotFoundException)' };
}

export function failureFromError(err: unknown): FetchFailure {
  const code = awsErrorCode(err);
  if (code === 'ResourceNotFoundException') return notFound();
  if (code === 'AccessDeniedException') return { code: 'secret.access-denied', detail: `access denied: ${describeAwsError(err)}` };
  return { code: 'secret.error', detail: `could not be read: ${describeAwsError(err)}` };
}

/** Does a BatchGetSecretValue entry answer the requested id (a name, a full ARN or a partial ARN)? */
function entryMatches(id: string, entry: SecretValueEntry): boolean {
  if (entry.Name === id || entry.ARN === id) return true;
  return id.startsWith('arn:') && entry.ARN !== undefined && entry.ARN.startsWith(`${id}-`);
}

/** Batch entries by name and by full ARN (the first entry for each wins). */
function identifierIndex(entries: readonly SecretValueEntry[]): Map<string, SecretValueEntry> {
  const byIdentifier = new Map<string, SecretValueEntry>();
  for (const entry of entries) {
    if (entry.ARN !== undefined && !byIdentifier.has(entry.ARN)) byIdentifier.set(entry.ARN, entry);
    if (entry.Name !== undefined && !byIdentifier.has(entry.Name)) byIdentifier.set(entry.Name, entry);
  }
  return byIdentifier;
}

/**
 * The answer to each of `ids` (in order) in one BatchGetSecretValue exchange: its fetched secret,
 * a not-found failure, or undefined (fetch it one by one: GetSecretValue gives the precise reason).
 */
export function matchBatchAnswers(ids: readonly string[], entries: readonly SecretValueEntry[], errors: ReadonlyMap<string, { ErrorCode?: string | undefined }>): (FetchResult | undefined)[] {
  const results: (FetchResult | undefined)[] = [];
  // The service answers in the order asked (as a rule, not a promise): the entry at the id's
  // own position is checked first. Otherwise by name and by full ARN at once (built on the
  // first miss only); a partial ARN (rare) is matched by prefix.
  let byIdentifier: Map<string, SecretValueEntry> | undefined;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const atPosition = entries[i];
    let entry = atPosition !== undefined && (atPosition.Name === id || atPosition.ARN === id) ? atPosition : undefined;
    if (entry === undefined) {
      byIdentifier ??= identifierIndex(entries);
      entry = byIdentifier.get(id) ?? entries.find((candidate) => entryMatches(id, candidate));
    }
    if (entry) {
      results.push(fromEntry(entry));
      continue;
    }
    const error = errors.get(id);
    // Another per-secret error (access denied on that secret, decryption...) or no answer at
    // all: GetSecretValue gives the precise reason (undefined: fetched one by one).
    results.push(error?.ErrorCode === 'ResourceNotFoundException' ? notFound() : undefined);
  }
  return results;
}
