// STS AssumeRole and GetCallerIdentity (SPEC.md 8). The emulator has no IAM: every role can be
// assumed by anyone unless a fault denies it (or asks for an ExternalId), and the issued keys
// select the role's account partition for AppFlow and Secrets Manager calls.
import { createHash } from 'node:crypto';
import { ApiError } from './api-error.js';
import type { StsSession, StsSessions } from './sts-sessions.js';

export const STS_OPERATIONS = ['AssumeRole', 'GetCallerIdentity'] as const;
export type StsOperation = (typeof STS_OPERATIONS)[number];

/** A role's default MaxSessionDuration (1 hour); AssumeRole's own range is 900..43200 seconds. */
const MAX_SESSION_SECONDS = 3600;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]*$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]*$/;

export interface StsCaller {
  accessKeyId?: string;
  /** The account of the caller (the key's role account, or the emulator's default). */
  accountId: string;
  session?: StsSession;
}

export interface StsDeps {
  sessions: StsSessions;
  now(): number;
  /** undefined: allowed; otherwise why AssumeRole of this role is refused (a fault). */
  roleRefusal(roleArn: string, externalId: string | undefined): string | undefined;
}

export function callerArn(caller: StsCaller): string {
  const s = caller.session;
  return s ? `arn:aws:sts::${s.accountId}:assumed-role/${s.roleName}/${s.sessionName}` : `arn:aws:iam::${caller.accountId}:user/emulator`;
}

function roleId(roleArn: string): string {
  const digest = createHash('sha256').update(roleArn).digest();
  return `AROA${[...digest.subarray(0, 17)].map((b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[b % 32]).join('')}`;
}

function validationError(problems: string[]): ApiError {
  const n = problems.length;
  return new ApiError(400, 'ValidationError', `${n} validation error${n === 1 ? '' : 's'} detected: ${problems.join('; ')}`);
}

function lengthProblem(name: string, value: string | undefined, min: number, max: number, pattern: RegExp, patternText: string, required: boolean): string | undefined {
  if (value === undefined) return required ? `Value null at '${name}' failed to satisfy constraint: Member must not be null` : undefined;
  if (value.length < min) return `Value '${value}' at '${name}' failed to satisfy constraint: Member must have length greater than or equal to ${min}`;
  if (value.length > max) return `Value at '${name}' failed to satisfy constraint: Member must have length less than or equal to ${max}`;
  if (!pattern.test(value)) return `Value '${value}' at '${name}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${patternText}`;
  return undefined;
}

/** Seconds-precision ISO 8601, the form STS answers with. */
const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function assumeRole(deps: StsDeps, caller: StsCaller, params: Record<string, string>): Record<string, unknown> {
  const roleArnValue = params.RoleArn;
  const sessionName = params.RoleSessionName;
  const externalId = params.ExternalId;
  const problems = [
    // eslint-disable-next-line no-control-regex -- AWS's documented RoleArn pattern admits tab, LF and CR
    lengthProblem('roleArn', roleArnValue, 20, 2048, /^[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD]+$/, '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+', true),
    lengthProblem('roleSessionName', sessionName, 2, 64, SESSION_NAME, '[\\w+=,.@-]*', true),
    lengthProblem('externalId', externalId, 2, 1224, EXTERNAL_ID, '[\\w+=,.@:\\/-]*', false),
  ].filter((p): p is string => p !== undefined);
  let durationSeconds = 3600;
  if (params.DurationSeconds !== undefined) {
    durationSeconds = Number(params.DurationSeconds);
    if (!Number.isInteger(durationSeconds) || durationSeconds < 900 || durationSeconds > 43200) {
      problems.push(`Value '${params.DurationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value ${durationSeconds < 900 ? 'greater than or equal to 900' : 'less than or equal to 43200'}`);
    }
  }
  if (problems.length > 0) throw validationError(problems);
  if (durationSeconds > MAX_SESSION_SECONDS) {
    throw new ApiError(400, 'ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }
  const roleArn = roleArnValue!;
  const parts = ROLE_ARN.exec(roleArn);
  if (!parts) throw new ApiError(400, 'ValidationError', `${roleArn} is invalid`);
  const refusal = deps.roleRefusal(roleArn, externalId);
  if (refusal !== undefined) {
    throw new ApiError(403, 'AccessDenied', `User: ${callerArn(caller)} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
  }
  const accountId = parts[1]!;
  const roleName = parts[2]!;
  const issued = deps.sessions.issue({ accountId, roleArn, roleName, sessionName: sessionName!, expiresAt: deps.now() + durationSeconds * 1000 });
  return {
    AssumedRoleUser: { Arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName!}`, AssumedRoleId: `${roleId(roleArn)}:${sessionName!}` },
    Credentials: {
      AccessKeyId: issued.accessKeyId,
      SecretAccessKey: issued.secretAccessKey,
      SessionToken: issued.sessionToken,
      Expiration: isoSeconds(issued.expiresAt),
    },
  };
}

export function getCallerIdentity(caller: StsCaller): Record<string, unknown> {
  const s = caller.session;
  return {
    UserId: s ? `${roleId(s.roleArn)}:${s.sessionName}` : 'AIDAEMULATORDEFAULT1',
    Account: caller.accountId,
    Arn: callerArn(caller),
  };
}
