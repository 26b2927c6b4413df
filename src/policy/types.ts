// Policies: CEL expressions over each planned write that must hold for the write to go ahead
// (docs/policies.md). Pure data here; compile-policies.ts turns specs into evaluators once per
// configuration, evaluate-policies.ts runs them over a plan.
import type { PlanAction, PolicyViolation } from '../model/types.js';

export type PolicySeverity = PolicyViolation['severity'];

/** The actions a policy can see: the planned writes. An unchanged profile is not written, so not checked. */
export type PolicyAction = Extract<PlanAction, 'create' | 'update' | 'replace' | 'delete'>;

/** The config file's key of the policies section (read by key where cel-js should not load: src/cli/config-features.ts). */
export const POLICIES_SECTION_KEY = 'policies';

export const POLICY_ACTIONS: readonly PolicyAction[] = ['create', 'update', 'replace', 'delete'];

/** One entry of the configuration file's `policies:` list, as written. */
export interface PolicySpec {
  name: string;
  /** CEL; must evaluate to true for the write to be allowed. */
  expression: string;
  /** Shown with every violation (plan, apply, logs, notifications). */
  message: string;
  /** deny (default): the write is not made. warn: reported, the write goes ahead. */
  severity: PolicySeverity;
  /** Only these targets (by name); absent: every target. */
  targets?: string[];
  /** Only these planned actions; absent: every write (create, update, replace, delete). */
  actions?: PolicyAction[];
  /** Line of the entry in the configuration file (1-based), for located errors. */
  line?: number;
  /** Line of the `expression:` value, where a CEL error points. */
  expressionLine?: number;
}

/** What a policy sees of the target a write goes to. */
export interface PolicyTarget {
  name: string;
  /** Empty when the account is not known (no STS call is made just for policies). */
  accountId: string;
  region: string;
}

export type { PolicyViolation };
