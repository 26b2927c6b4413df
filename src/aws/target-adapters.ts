// One set of AWS clients per target of appflow-gitops.yaml, built once and reused (the SDK then
// caches the assumed role's credentials and refreshes them before they expire). The target's
// identity is confirmed with STS GetCallerIdentity before anything is read: with a configured
// accountId that differs, the target fails and no AppFlow call is made for it.
//
// STS and the credential providers are imported on first use (about 40 ms of start-up): the
// implicit target, which is every run without `targets:`, never needs them.
import { createAwsAdapters } from './clients.js';
import { appflowEndpoint, endpointIdentity, stsEndpoint } from './endpoint-identity.js';
import { awsErrorCode } from './error-codes.js';
import type { AwsAdapters, AwsSettings, AwsTarget, CredentialsProvider } from './ports.js';
import { resolveTarget } from './target.js';

/** What the AWS edge needs of a configured target (src/config/target-settings.ts has the full type). */
export interface TargetAccess {
  name: string;
  region?: string;
  accountId?: string;
  roleArn?: string;
  externalIdEnv?: string;
  profile?: string;
  implicit: boolean;
}

/** RoleSessionName of every AssumeRole (it shows in the spoke account's CloudTrail). */
export const ROLE_SESSION_NAME = 'appflow-gitops';

type Env = Record<string, string | undefined>;

/** A target that cannot be used: the reason is safe to print (never a credential). */
export class TargetAccessError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'TargetAccessError';
  }
}

export interface TargetAdapters extends AwsAdapters {
  /**
   * Confirms the account with STS GetCallerIdentity (once; later calls reuse the answer, a failure is asked again) and
   * returns the target with its account and final state key. Throws TargetAccessError.
   */
  identify(): Promise<AwsTarget>;
  /**
   * The target identify() has confirmed, without waiting: undefined until its first answer arrives
   * (and while the last one was a failure). A pass reads the inventory of a target it already knows
   * before its files are loaded (src/reconcile/reconcile-targets.ts).
   */
  identified?(): AwsTarget | undefined;
  /**
   * The credentials this target's clients use (the assumed role's provider, a shared-config
   * profile, or the settings' own); undefined means the SDK's default chain. Other clients of the
   * same target (the shared state's DynamoDB table) reuse them.
   */
  readonly credentials?: AwsSettings['credentials'];
}

/**
 * A provider that builds the real one (`make`, from @aws-sdk/credential-providers) on the first
 * request and hands every request to it, so the SDK's caching and refresh see the same provider.
 */
type CredentialProviders = typeof import('@aws-sdk/credential-providers');
type SdkProvider = ReturnType<CredentialProviders['fromIni']>;

function lazyProvider(make: (providers: CredentialProviders) => SdkProvider): CredentialsProvider {
  let provider: SdkProvider | undefined;
  // The SDK passes identity properties (the calling client's config); forward them unchanged.
  return async (...args: Parameters<SdkProvider>) => {
    provider ??= make(await import('@aws-sdk/credential-providers'));
    return provider(...args);
  };
}

function credentialsFor(target: TargetAccess, settings: AwsSettings, sts: string | undefined, env: Env): CredentialsProvider | AwsSettings['credentials'] {
  if (target.roleArn !== undefined) {
    let externalId: string | undefined;
    if (target.externalIdEnv !== undefined) {
      externalId = env[target.externalIdEnv];
      if (externalId === undefined || externalId === '') {
        throw new TargetAccessError('target.external-id-missing', `target ${target.name}: the environment variable ${target.externalIdEnv} (externalIdEnv) is not set`);
      }
    }
    const roleArn = target.roleArn;
    return lazyProvider(({ fromTemporaryCredentials }) =>
      fromTemporaryCredentials({
        params: { RoleArn: roleArn, RoleSessionName: ROLE_SESSION_NAME, ...(externalId !== undefined ? { ExternalId: externalId } : {}) },
        ...(settings.credentials ? { masterCredentials: settings.credentials } : {}),
        clientConfig: { region: target.region, ...(sts ? { endpoint: sts } : {}) },
      }),
    );
  }
  if (target.profile !== undefined) {
    const profile = target.profile;
    return lazyProvider(({ fromIni }) => fromIni({ profile, clientConfig: { region: target.region, ...(sts ? { endpoint: sts } : {}) } }));
  }
  return settings.credentials;
}

/**
 * The adapters of one target. The implicit target keeps today's behaviour exactly (the SDK
 * chain, the v1 key, no STS call); a configured target gets its own credentials and region and
 * a state key `ACCOUNT/REGION[@ENDPOINT]` once identify() has confirmed the account.
 */
export function createTargetAdapters(target: TargetAccess, settings: AwsSettings = {}, env: Env = process.env): TargetAdapters {
  if (target.implicit) {
    const adapters = createAwsAdapters(settings);
    const named: AwsTarget = { ...adapters.target, name: target.name };
    return { ...adapters, target: named, identify: async () => named, identified: () => named, ...(settings.credentials ? { credentials: settings.credentials } : {}) };
  }
  const appflow = appflowEndpoint(settings.endpoints?.appflow, env);
  const sts = stsEndpoint(appflow, env);
  const credentials = credentialsFor(target, settings, sts, env);
  const adapters = createAwsAdapters({ ...settings, region: target.region, ...(credentials ? { credentials } : {}), identity: target.roleArn ?? target.profile ?? 'default' });
  const endpoint = endpointIdentity(appflow);
  const base: AwsTarget = {
    ...resolveTarget({ ...settings, region: target.region, identity: target.roleArn ?? target.profile ?? 'default' }, env),
    name: target.name,
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(target.roleArn !== undefined ? { roleArn: target.roleArn } : {}),
    ...(target.accountId !== undefined ? { accountId: target.accountId } : {}),
  };
  let identified: Promise<AwsTarget> | undefined;
  let confirmed: AwsTarget | undefined;
  const identify = (): Promise<AwsTarget> => {
    identified ??= (async () => {
      const { GetCallerIdentityCommand, STSClient } = await import('@aws-sdk/client-sts');
      const client = new STSClient({ region: target.region, ...(sts ? { endpoint: sts } : {}), ...(credentials ? { credentials } : {}), maxAttempts: settings.maxAttempts ?? 3 });
      let account: string | undefined;
      try {
        account = (await client.send(new GetCallerIdentityCommand({}))).Account;
      } catch (err) {
        const code = awsErrorCode(err) ?? 'UnknownError';
        const what = target.roleArn ? `could not assume ${target.roleArn}` : 'could not confirm the account (STS GetCallerIdentity)';
        throw new TargetAccessError(code === 'UnknownError' ? 'target.identity-failed' : code, `target ${target.name}: ${what}: ${code}: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        client.destroy();
      }
      if (account === undefined) throw new TargetAccessError('target.identity-failed', `target ${target.name}: STS GetCallerIdentity returned no account`);
      if (target.accountId !== undefined && account !== target.accountId) {
        throw new TargetAccessError('target.account-mismatch', `target ${target.name}: the credentials belong to account ${account}, not ${target.accountId} (accountId); nothing was read or written`);
      }
      const key = `${account}/${target.region!}${endpoint !== undefined ? `@${endpoint}` : ''}`;
      return { ...base, key, accountId: account };
    })();
    // A failure is not kept: the daemon asks again on its next pass (a role fixed, a trust policy
    // corrected), while a confirmed identity is asked for once for the life of the clients.
    identified.then(
      (target) => {
        confirmed = target;
      },
      () => {
        identified = undefined;
        confirmed = undefined;
      },
    );
    return identified;
  };
  return { ...adapters, target: base, identify, identified: () => confirmed, ...(credentials ? { credentials } : {}) };
}
