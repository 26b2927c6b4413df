// Policies are parsed and type-checked once, when the configuration loads (and again only when it
// changes): a bad expression is a located error from `validate`, never a failure in the middle of
// a pass, and evaluating a compiled policy costs a function call per write.
import type { Environment } from '@marcbachmann/cel-js';
import { createPolicyEnvironment } from './cel-environment.js';
import { celProblem } from './cel-problem.js';
import type { PolicySpec } from './types.js';

export { celProblem };

export type PolicyEvaluator = (input: Record<string, unknown>) => unknown;

export interface CompiledPolicy {
  spec: PolicySpec;
  evaluate: PolicyEvaluator;
}

/** A policy that cannot be used: printed `FILE:LINE: policies[i].expression: message`. */
export interface PolicyProblem {
  /** Position of the policy in the list. */
  index: number;
  /** 1-based line in the configuration file, when known. */
  line?: number;
  /** Where in the file, e.g. `policies[2].expression`. */
  path: string;
  message: string;
}

export interface CompiledPolicies {
  policies: CompiledPolicy[];
  problems: PolicyProblem[];
}

let sharedEnvironment: Environment | undefined;

/** Building the environment is the expensive part; it never changes, so it is built once. */
function environment(): Environment {
  sharedEnvironment ??= createPolicyEnvironment();
  return sharedEnvironment;
}

export function compilePolicies(specs: readonly PolicySpec[]): CompiledPolicies {
  const result: CompiledPolicies = { policies: [], problems: [] };
  specs.forEach((spec, index) => {
    const compiled = compileOne(spec);
    if ('problem' in compiled) {
      const line = spec.expressionLine ?? spec.line;
      result.problems.push({ index, ...(line !== undefined ? { line } : {}), path: `policies[${index}].expression`, message: compiled.problem });
    } else {
      result.policies.push({ spec, evaluate: compiled.evaluate });
    }
  });
  return result;
}

function compileOne(spec: PolicySpec): { evaluate: PolicyEvaluator } | { problem: string } {
  let parsed: ReturnType<Environment['parse']>;
  try {
    parsed = environment().parse(spec.expression);
  } catch (err) {
    return { problem: celProblem(err, spec.expression) };
  }
  const checked = parsed.check();
  if (!checked.valid) return { problem: celProblem(checked.error, spec.expression) };
  // `dyn` is allowed (e.g. `profile.connectorProfileConfig.x`): its value is checked when evaluated.
  if (checked.type !== 'bool' && checked.type !== 'dyn') {
    return { problem: `the expression must evaluate to a bool (true: allowed), not ${checked.type}` };
  }
  return { evaluate: (input): unknown => parsed(input) };
}
