// One plan with every kind of change, built by the real planner, with sentinel secrets in every
// place a careless renderer could find them: the Sensitive box, the desired document (as if
// --allow-plaintext-credentials were used), and the error path.
import { Sensitive } from '../../src/model/sensitive.js';
import type { InvalidProfile, Plan } from '../../src/model/types.js';
import { planChanges, type CredentialResolution } from '../../src/planner/plan-changes.js';
import {
  OPTIONS,
  credentialsOf,
  desiredOf,
  inputOf,
  observedOf,
  recordOf,
  salesforceDocument,
  snowflakeDocument,
  stateOf,
} from '../planner/fixtures.js';

export const SENTINELS = ['SENTINEL-SECRET-create', 'SENTINEL-SECRET-rotated', 'SENTINEL-SECRET-plain', 'SENTINEL-SECRET-old'];

export function samplePlan(): Plan {
  const created = snowflakeDocument('a-created');
  (created.connectorProfileConfig.connectorProfileCredentials as Record<string, unknown>).Snowflake = {
    username: 'svc',
    password: 'SENTINEL-SECRET-plain',
  };
  const updated = salesforceDocument('b-updated', { isSandboxEnvironment: true });
  const updatedBefore = salesforceDocument('b-updated');
  const replaced = snowflakeDocument('c-replaced', { connectorLabel: 'new-label' });
  const replacedBefore = snowflakeDocument('c-replaced');
  const adopted = snowflakeDocument('d-adopted');
  const removed = snowflakeDocument('e-removed');
  const inSync = snowflakeDocument('f-in-sync');

  const old = credentialsOf({ Snowflake: { username: 'svc', password: 'SENTINEL-SECRET-old' } });
  const rotated = credentialsOf({ Salesforce: { jwtToken: 'SENTINEL-SECRET-rotated' } });
  const credentials = new Map<string, CredentialResolution>([
    ['a-created', credentialsOf({ Snowflake: { username: 'svc', password: 'SENTINEL-SECRET-create' } })],
    ['b-updated', rotated],
    ['c-replaced', old],
    ['d-adopted', old],
    ['f-in-sync', old],
    ['g-secret-missing', { error: 'secret reference {{resolve:secretsmanager:missing:SecretString:k}} at connectorProfileCredentials.Snowflake.password: secret "missing" was not found' }],
  ]);
  const invalid: InvalidProfile = {
    name: 'h-invalid',
    source: { file: 'h-invalid.yaml', line: 2, column: 1 },
    diagnostics: [
      {
        file: 'h-invalid.yaml',
        line: 5,
        column: 7,
        path: 'connectorProfileConfig.connectorProfileCredentials.Snowflake.password',
        message: 'plaintext credential; write a {{resolve:secretsmanager:SECRET_ID:SecretString:JSON_KEY}} reference',
        code: 'credential.plaintext',
        severity: 'error',
      },
    ],
  };
  const missingSecret = snowflakeDocument('g-secret-missing');

  return planChanges(
    inputOf({
      desired: [created, updated, replaced, adopted, inSync, missingSecret].map((d) => desiredOf(d)),
      invalid: [invalid],
      failedFiles: [],
      observed: [updatedBefore, replacedBefore, adopted, removed, inSync].map(observedOf),
      state: stateOf([
        recordOf(updatedBefore, credentialsOf({ Salesforce: { jwtToken: 'SENTINEL-SECRET-old' } })),
        recordOf(replacedBefore, old),
        recordOf(removed, old),
        recordOf(inSync, old),
      ]),
      credentials,
    }),
    { ...OPTIONS, prune: true },
  );
}

/** The same plan with the prune guard lifted (no invalid document), so a delete is planned. */
export function deletePlan(): Plan {
  const removed = snowflakeDocument('e-removed');
  return planChanges(
    inputOf({ observed: [observedOf(removed)], state: stateOf([recordOf(removed)]) }),
    { ...OPTIONS, prune: true, allowEmpty: true },
  );
}

export { Sensitive };
