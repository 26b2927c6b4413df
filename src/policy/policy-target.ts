// What a policy sees of the target a write goes to (the CEL variable `target`).
import type { AwsTarget } from '../aws/ports.js';
import type { PolicyTarget } from './types.js';

/**
 * `accountId`: the target's account when known (a declared target's, confirmed with STS), else
 * the one in a role ARN identity; '' when neither says (no STS call is made just for policies).
 */
export function policyTargetOf(target: AwsTarget, name: string): PolicyTarget {
  const accountId = target.accountId ?? /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(target.identity)?.[1] ?? '';
  return { name, accountId, region: target.region };
}
