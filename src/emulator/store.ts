// In-memory state of the emulated account: connector profiles, secrets and idempotency records.
// Built for tens of thousands of profiles: Maps for lookups and a name-sorted index maintained by
// binary insertion, so paginated describes never sort or scan the whole set per call.

export interface StoredProfile {
  connectorProfileName: string;
  connectorProfileArn: string;
  connectorType: string;
  connectorLabel?: string;
  connectionMode: string;
  kmsArn?: string;
  connectorProfileProperties: Record<string, unknown>;
  credentialsArn?: string;
  /** sha256 of the credentials as received (the values themselves are kept in memory only). */
  credentialsDigest?: string;
  /** Epoch ms. */
  createdAt: number;
  lastUpdatedAt: number;
}

export interface StoredSecretVersion {
  versionId: string;
  secretString?: string;
  /** base64, as on the wire. */
  secretBinary?: string;
  createdDate: number;
  stages: string[];
}

export interface StoredSecret {
  name: string;
  arn: string;
  description?: string;
  kmsKeyId?: string;
  createdDate: number;
  lastChangedDate: number;
  lastAccessedDate?: number;
  /** Oldest first. */
  versions: StoredSecretVersion[];
}

export interface IdempotencyRecord {
  operation: string;
  clientToken: string;
  paramsDigest: string;
  /** Epoch ms of the first (applied) call. */
  at: number;
  response: Record<string, unknown>;
}

/** Binary search: index of the first element >= name (code-unit order, stable across runs). */
export function lowerBound(sorted: string[], name: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < name) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class EmulatorStore {
  readonly profiles = new Map<string, StoredProfile>();
  /** Profile names in ascending order; the pagination order of DescribeConnectorProfiles. */
  readonly sortedProfileNames: string[] = [];
  /** Credentials as received, by profile name. Never persisted, never returned by any AWS API. */
  readonly credentials = new Map<string, unknown>();
  readonly secrets = new Map<string, StoredSecret>();
  readonly secretsByArn = new Map<string, StoredSecret>();
  readonly tokens = new Map<string, IdempotencyRecord>();

  putProfile(profile: StoredProfile): void {
    const name = profile.connectorProfileName;
    if (!this.profiles.has(name)) {
      this.sortedProfileNames.splice(lowerBound(this.sortedProfileNames, name), 0, name);
    }
    this.profiles.set(name, profile);
  }

  deleteProfile(name: string): boolean {
    if (!this.profiles.delete(name)) return false;
    const i = lowerBound(this.sortedProfileNames, name);
    if (this.sortedProfileNames[i] === name) this.sortedProfileNames.splice(i, 1);
    this.credentials.delete(name);
    return true;
  }

  putSecret(secret: StoredSecret): void {
    this.secrets.set(secret.name, secret);
    this.secretsByArn.set(secret.arn, secret);
  }

  /** By name, full ARN, or ARN without the random suffix (as Secrets Manager accepts). */
  findSecret(secretId: string): StoredSecret | undefined {
    const byName = this.secrets.get(secretId);
    if (byName) return byName;
    const byArn = this.secretsByArn.get(secretId);
    if (byArn) return byArn;
    const marker = ':secret:';
    const at = secretId.indexOf(marker);
    if (secretId.startsWith('arn:') && at >= 0) {
      const candidate = this.secrets.get(secretId.slice(at + marker.length));
      if (candidate && candidate.arn.startsWith(`${secretId}-`)) return candidate;
    }
    return undefined;
  }

  clear(): void {
    this.profiles.clear();
    this.sortedProfileNames.length = 0;
    this.credentials.clear();
    this.secrets.clear();
    this.secretsByArn.clear();
    this.tokens.clear();
  }
}
