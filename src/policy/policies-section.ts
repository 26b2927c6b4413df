// The `policies:` section of appflow-gitops.yaml. The schema checks shapes and spellings; build()
// compiles and type-checks every expression once (when the file loads), so a bad expression is
// a located error from `validate` (appflow-gitops.yaml:LINE:COL: policies[i].expression: ...).
import { defineSection, deepFreeze, type JsonSchema } from '../config/config-section.js';
import { TARGET_NAME_PATTERN } from '../config/targets-section.js';
import { makeDiagnostic } from '../desired/diagnostics.js';
import { displayPath, valueLocation } from '../desired/node-positions.js';
import type { Diagnostic } from '../model/types.js';
import { compilePolicies, type CompiledPolicy } from './compile-policies.js';
import { POLICIES_SECTION_KEY, POLICY_ACTIONS, type PolicyAction, type PolicySeverity, type PolicySpec } from './types.js';

export const POLICY_NAME_PATTERN = '^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62})$';

const policySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'expression'],
  properties: {
    name: { type: 'string', pattern: POLICY_NAME_PATTERN, description: 'unique; letters, digits, . _ -' },
    expression: { type: 'string', minLength: 1, maxLength: 4096, description: 'CEL; true allows the write' },
    message: { type: 'string', minLength: 1, maxLength: 500 },
    severity: { type: 'string', enum: ['deny', 'warn'] },
    targets: { type: 'array', minItems: 1, maxItems: 100, uniqueItems: true, items: { type: 'string', pattern: TARGET_NAME_PATTERN } },
    actions: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: [...POLICY_ACTIONS] } },
  },
};

export const policiesSchema: JsonSchema = { type: 'array', maxItems: 100, items: policySchema };

interface RawPolicy {
  name: string;
  expression: string;
  message?: string;
  severity?: PolicySeverity;
  targets?: string[];
  actions?: PolicyAction[];
}

export const policiesSection = defineSection<readonly CompiledPolicy[]>({
  key: POLICIES_SECTION_KEY,
  schema: policiesSchema,
  build(value, doc) {
    if (value === undefined) return { value: [], diagnostics: [] };
    const diagnostics: Diagnostic[] = [];
    const at = (segments: (string | number)[]) => (doc ? valueLocation(doc, segments.map(String)) : { file: '', line: 1, column: 1 });
    const seen = new Map<string, number>();
    const specs = (value as RawPolicy[]).map((raw, i): PolicySpec => {
      const first = seen.get(raw.name);
      if (first !== undefined) {
        diagnostics.push(makeDiagnostic(at(['policies', i, 'name']), 'config.duplicate-policy', `policy name '${raw.name}' is already used by policies[${first}]; names must be unique`, displayPath(['policies', String(i), 'name'])));
      } else seen.set(raw.name, i);
      return {
        name: raw.name,
        expression: raw.expression,
        message: raw.message ?? `policy ${raw.name} is not satisfied`,
        severity: raw.severity ?? 'deny',
        ...(raw.targets !== undefined ? { targets: [...raw.targets] } : {}),
        ...(raw.actions !== undefined ? { actions: [...raw.actions] } : {}),
        line: at(['policies', i]).line,
        expressionLine: at(['policies', i, 'expression']).line,
      };
    });
    const compiled = compilePolicies(specs);
    for (const problem of compiled.problems) {
      const index = problem.index;
      diagnostics.push(makeDiagnostic(at(['policies', index, 'expression']), 'config.policy-expression', problem.message, displayPath(['policies', String(index), 'expression'])));
    }
    return { value: deepFreeze(compiled.policies), diagnostics };
  },
});
