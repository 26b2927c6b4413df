// How a policy violation reads wherever it is shown (plan, apply, logs, notifications): one line,
// the policy's name, severity and message, never a value from the document.
import type { PolicyViolation } from '../model/types.js';

/** The outcome code (and notification reason) of a write that a deny policy kept from being made. */
export const POLICY_VIOLATION_CODE = 'PolicyViolation';

/** `policy NAME (deny): MESSAGE`, and why it could not be evaluated when that is the case. */
export function describeViolation(violation: PolicyViolation): string {
  const why = violation.evaluationError ? ` (could not be evaluated: ${violation.evaluationError})` : '';
  return `policy ${violation.policy} (${violation.severity}): ${violation.message}${why}`;
}

/** The text of the outcome of a write that deny policies kept from being made. */
export function deniedText(violations: readonly PolicyViolation[]): string {
  return violations.filter((v) => v.severity === 'deny').map(describeViolation).join('; ');
}
