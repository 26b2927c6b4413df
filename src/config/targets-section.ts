// The `targets:` section: which account and region each group of profile files is reconciled
// in. The schema catches shapes and spellings; build() adds what a schema cannot say (unique
// names, roleArn XOR profile, an accountId that contradicts the role, paths leaving the
// directory, two targets on one account and region) as located diagnostics.
import type { Diagnostic } from '../model/types.js';
import { makeDiagnostic } from '../desired/diagnostics.js';
import { displayPath, valueLocation } from '../desired/node-positions.js';
import { deepFreeze, defineSection, type JsonSchema } from './config-section.js';
import { normalisePathSelector, type TargetSettings } from './target-settings.js';

export const TARGET_NAME_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$';
const REGION_PATTERN = '^[a-z]{2}(?:-[a-z]+)+-[0-9]+$';
const ACCOUNT_PATTERN = '^[0-9]{12}$';
const ROLE_ARN_PATTERN = '^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$';
const ENV_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]{0,127}$';

const targetSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'region', 'paths'],
  properties: {
    name: { type: 'string', pattern: TARGET_NAME_PATTERN, description: 'unique; [a-z0-9-]' },
    region: { type: 'string', pattern: REGION_PATTERN },
    accountId: { type: 'string', pattern: ACCOUNT_PATTERN },
    roleArn: { type: 'string', pattern: ROLE_ARN_PATTERN },
    externalIdEnv: { type: 'string', pattern: ENV_NAME_PATTERN },
    profile: { type: 'string', minLength: 1, maxLength: 128 },
    paths: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 1024 } },
  },
};

export const targetsSchema: JsonSchema = { type: 'array', minItems: 1, maxItems: 100, items: targetSchema };

interface RawTarget {
  name: string;
  region: string;
  accountId?: string;
  roleArn?: string;
  externalIdEnv?: string;
  profile?: string;
  paths: string[];
}

/** The account in a role ARN (arn:PARTITION:iam::ACCOUNT:role/NAME). */
export function roleAccount(roleArn: string): string | undefined {
  return roleArn.split(':')[4] || undefined;
}

export const targetsSection = defineSection<readonly TargetSettings[] | undefined>({
  key: 'targets',
  schema: targetsSchema,
  build(value, doc) {
    if (value === undefined) return { value: undefined, diagnostics: [] };
    const raw = value as RawTarget[];
    const diagnostics: Diagnostic[] = [];
    const at = (segments: (string | number)[]) => (doc ? valueLocation(doc, segments.map(String)) : { file: '', line: 1, column: 1 });
    const problem = (segments: (string | number)[], code: string, message: string) =>
      diagnostics.push(makeDiagnostic(at(segments), code, message, displayPath(segments.map(String))));

    const seenNames = new Map<string, number>();
    const seenPlaces = new Map<string, number>();
    const targets = raw.map((entry, i): TargetSettings => {
      const first = seenNames.get(entry.name);
      if (first !== undefined) problem(['targets', i, 'name'], 'config.duplicate-target', `target name '${entry.name}' is already used by targets[${first}]; names must be unique`);
      else seenNames.set(entry.name, i);

      if (entry.roleArn !== undefined && entry.profile !== undefined) {
        problem(['targets', i, 'profile'], 'config.role-and-profile', 'give roleArn or profile, not both (profile is a shared-config profile for local use; roleArn is assumed with STS)');
      }
      if (entry.externalIdEnv !== undefined && entry.roleArn === undefined) {
        problem(['targets', i, 'externalIdEnv'], 'config.external-id-without-role', 'externalIdEnv needs roleArn (the ExternalId is sent with AssumeRole)');
      }
      const account = entry.roleArn !== undefined ? roleAccount(entry.roleArn) : undefined;
      if (entry.accountId !== undefined && account !== undefined && account !== entry.accountId) {
        problem(['targets', i, 'accountId'], 'config.account-mismatch', `accountId '${entry.accountId}' differs from the account of roleArn (${account})`);
      }
      entry.paths.forEach((path, j) => {
        if (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.split(/[\\/]/).includes('..')) {
          problem(['targets', i, 'paths', j], 'config.path-outside', `path '${path}' must be relative to the profiles directory and stay inside it (no leading '/', no '..')`);
        }
      });

      // Two targets on one account and region would prune each other's profiles: refuse when
      // the configuration alone shows it (same region and the same account, role, or profile).
      const identity = entry.accountId ?? account ?? (entry.profile !== undefined ? `profile:${entry.profile}` : 'ambient');
      const place = `${entry.region}|${identity}|${entry.roleArn ?? ''}`;
      const sameAs = seenPlaces.get(place);
      if (sameAs !== undefined) {
        problem(['targets', i, 'region'], 'config.duplicate-place', `targets[${sameAs}] already reconciles ${entry.region} with the same credentials; two targets on one account and region would prune each other's profiles (list both paths in one target)`);
      } else seenPlaces.set(place, i);

      return {
        name: entry.name,
        region: entry.region,
        ...(entry.accountId !== undefined ? { accountId: entry.accountId } : {}),
        ...(entry.roleArn !== undefined ? { roleArn: entry.roleArn } : {}),
        ...(entry.externalIdEnv !== undefined ? { externalIdEnv: entry.externalIdEnv } : {}),
        ...(entry.profile !== undefined ? { profile: entry.profile } : {}),
        paths: [...new Set(entry.paths.map(normalisePathSelector))],
        implicit: false,
      };
    });
    return { value: deepFreeze(targets), diagnostics };
  },
});
