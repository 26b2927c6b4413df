// What a policy sees of the target a write goes to (the CEL variable `target`).
import type { AwsTarget } from '../aws/ports.js';
import type { PolicyTarget } from './types.js';

/** `accountId` comes from a role ARN identity; '' when the configuration does not say (no STS call is made for it). */
export function policyTargetOf(target: AwsTarget, name: string): PolicyTarget {
  return { name, accountId: /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(target.identity)?.[1] ?? '', region: target.region };
}
