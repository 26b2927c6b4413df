// The settings of one target: where a set of profile files is reconciled (an account and region,
// reached with the ambient credentials, an assumed role or a shared-config profile).
export interface TargetSettings {
  /** [a-z0-9-], unique in the config; shown in output, metrics and logs. */
  readonly name: string;
  /** Required in the config file; undefined only for the implicit target (the SDK chain decides). */
  readonly region?: string;
  /** When set, STS GetCallerIdentity must return this account before anything is read. */
  readonly accountId?: string;
  /** Assumed with STS AssumeRole (session name `appflow-gitops`). */
  readonly roleArn?: string;
  /** Name of the environment variable holding the ExternalId for AssumeRole (the value is never in the file). */
  readonly externalIdEnv?: string;
  /** A shared-config profile instead of roleArn (local use). */
  readonly profile?: string;
  /**
   * Normalised path selectors relative to the profiles directory: 'prod/' selects a directory,
   * 'shared/base.yaml' a file (or a directory of that name), '' everything.
   */
  readonly paths: readonly string[];
  /** True for the one target made up when the config declares none (today's behaviour). */
  readonly implicit: boolean;
}

/** The implicit target's name: what plan, metrics and logs call the one SDK-chain target. */
export const IMPLICIT_TARGET_NAME = 'default';

export function implicitTarget(): TargetSettings {
  return Object.freeze({ name: IMPLICIT_TARGET_NAME, paths: Object.freeze(['']), implicit: true });
}

/** `./prod//x/` → `prod/x/`; `.` and `./` → '' (everything). */
export function normalisePathSelector(selector: string): string {
  const trailing = selector.endsWith('/');
  const parts = selector.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.length === 0) return '';
  return parts.join('/') + (trailing ? '/' : '');
}

/** Does the selector (normalised) take the file at `relativePath` ('/' separators)? */
export function selectorMatches(selector: string, relativePath: string): boolean {
  if (selector === '') return true;
  if (selector.endsWith('/')) return relativePath.startsWith(selector);
  return relativePath === selector || relativePath.startsWith(`${selector}/`);
}

export function targetTakesFile(target: TargetSettings, relativePath: string): boolean {
  return target.paths.some((selector) => selectorMatches(selector, relativePath));
}
