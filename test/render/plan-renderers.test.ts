import { describe, expect, it } from 'vitest';
import { renderPlanJson } from '../../src/render/plan-json.js';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { renderPlanText } from '../../src/render/plan-text.js';
import type { ProfileOutcome } from '../../src/reconcile/types.js';
import { planChanges } from '../../src/planner/plan-changes.js';
import { OPTIONS, inSync, snowflakeDocument } from '../planner/fixtures.js';
import { SENTINELS, deletePlan, samplePlan } from './plan-fixture.js';

function expectNoSecrets(text: string): void {
  for (const sentinel of SENTINELS) expect(text).not.toContain(sentinel);
  expect(text).not.toContain('SENTINEL');
}

describe('renderPlanText', () => {
  it('renders every action in Terraform style, without secrets', () => {
    const text = renderPlanText(samplePlan(), { color: false });
    expectNoSecrets(text);
    expect(text).toMatchInlineSnapshot(`
      "AppFlow connector profiles: the following actions will be performed:

      Resource actions are indicated with the following symbols:
        + create
        ~ update in-place
      -/+ destroy and then create replacement
       <= adopt (existing profile, recorded in the inventory)

        # a-created (a-created.yaml:1) will be created
        + connector_profile "a-created" {
            + connectorType                                   = "Snowflake"
            + connectionMode                                  = "Public"
            + connectorProfileProperties.Snowflake.bucketName = "bucket-a"
            + connectorProfileProperties.Snowflake.stage      = "DB.SCHEMA.STAGE"
            + connectorProfileProperties.Snowflake.warehouse  = "WH"
            + connectorProfileCredentials                     = (sensitive value)
          }

        # b-updated (b-updated.yaml:1) will be updated in-place
        ~ connector_profile "b-updated" {
            ~ connectorProfileProperties.Salesforce.isSandboxEnvironment = false -> true
            ~ connectorProfileCredentials                                = (sensitive value) # changed
              # (3 unchanged attributes hidden)
          }

        # c-replaced (c-replaced.yaml:1) must be replaced
      -/+ connector_profile "c-replaced" {
            + connectorLabel = "new-label" # forces replacement
              # (6 unchanged attributes hidden)
          }

        # d-adopted (d-adopted.yaml:1) will be adopted and updated in-place
        ~ connector_profile "d-adopted" {
           <= adopt: exists in the account but not in the inventory
            ~ connectorProfileCredentials = (sensitive value) # unknown before (no stored fingerprint): will be sent
              # (5 unchanged attributes hidden)
          }

      Not changed:
        e-removed: document removed (was in e-removed.yaml); not deleted: prune skipped: 1 document is invalid; their profiles are unknown, not absent

      Errors (2, not acted upon):
        x g-secret-missing (g-secret-missing.yaml:1): secret reference {{resolve:secretsmanager:missing:SecretString:k}} at connectorProfileCredentials.Snowflake.password: secret "missing" was not found
        x h-invalid (h-invalid.yaml:2): invalid document (1 error)
            h-invalid.yaml:5:7: connectorProfileConfig.connectorProfileCredentials.Snowflake.password: plaintext credential; write a {{resolve:secretsmanager:SECRET_ID:SecretString:JSON_KEY}} reference

      Warning: prune skipped: 1 document is invalid; their profiles are unknown, not absent

      Plan: 2 to add, 2 to change, 1 to destroy. 2 profiles could not be planned (see the errors).
      "
    `);
  });

  it('renders a delete and the destroy count', () => {
    const text = renderPlanText(deletePlan(), { color: false });
    expect(text).toMatchInlineSnapshot(`
      "AppFlow connector profiles: the following actions will be performed:

      Resource actions are indicated with the following symbols:
        - destroy

        # e-removed will be destroyed
        - connector_profile "e-removed" {
            - connectorType                                   = "Snowflake" -> null
            - connectionMode                                  = "Public" -> null
            - connectorProfileProperties.Snowflake.bucketName = "bucket-a" -> null
            - connectorProfileProperties.Snowflake.stage      = "DB.SCHEMA.STAGE" -> null
            - connectorProfileProperties.Snowflake.warehouse  = "WH" -> null
              # note: document removed (was in e-removed.yaml) (--prune)
          }

      Plan: 0 to add, 0 to change, 1 to destroy.
      "
    `);
  });

  it('says "No changes" when in sync', () => {
    const plan = planChanges(inSync([snowflakeDocument('x')]), OPTIONS);
    expect(renderPlanText(plan, { color: false })).toBe('No changes. Your connector profiles match the configuration.\n');
  });

  it('colours only when asked', () => {
    expect(renderPlanText(samplePlan(), { color: false })).not.toContain('\u001b[');
    const coloured = renderPlanText(samplePlan(), { color: true });
    expect(coloured).toContain('\u001b[32m+\u001b[0m');
    expectNoSecrets(coloured);
  });

  it('neutralises control characters in values', () => {
    const doc = snowflakeDocument('x');
    (doc.connectorProfileConfig.connectorProfileProperties.Snowflake as unknown as Record<string, string>).warehouse = 'evil\u001b[2J';
    const input = inSync([snowflakeDocument('x')]);
    const plan = planChanges({ ...input, desired: [{ ...input.desired[0]!, document: doc }] }, OPTIONS);
    const text = renderPlanText(plan, { color: false });
    expect(text).not.toContain('\u001b');
    expect(text).toContain('"WH" -> "evil\\u001b[2J"');
  });
});

describe('renderPlanJson', () => {
  it('is a stable, versioned document without secrets', () => {
    const json = renderPlanJson(samplePlan());
    expectNoSecrets(json);
    const parsed = JSON.parse(json);
    expect(Object.keys(parsed)).toEqual(['formatVersion', 'target', 'revision', 'changes', 'warnings', 'summary', 'policies']);
    expect(parsed.formatVersion).toBe('1');
    expect(parsed.summary).toEqual({ create: 1, update: 2, replace: 1, delete: 0, noop: 2, error: 2 });
    for (const change of parsed.changes) {
      expect(Object.keys(change)).toEqual(['name', 'action', 'adopt', 'file', 'line', 'fields', 'unchanged', 'reason', 'diagnostics', 'policyViolations']);
      for (const field of change.fields) {
        expect(Object.keys(field)).toEqual(['path', 'before', 'after', 'sensitive', 'forcesReplacement', 'unknownBefore']);
        if (field.sensitive) expect([field.before, field.after]).toEqual([null, null]);
      }
    }
    expect(json).toMatchInlineSnapshot(`
      "{
        "formatVersion": "1",
        "target": "us-east-1/123456789012",
        "revision": null,
        "changes": [
          {
            "name": "a-created",
            "action": "create",
            "adopt": false,
            "file": "a-created.yaml",
            "line": 1,
            "fields": [
              {
                "path": "connectorType",
                "before": null,
                "after": "Snowflake",
                "sensitive": false,
                "forcesReplacement": false,
                "unknownBefore": false
              },
              {
                "path": "connectionMode",
                "before": null,
                "after": "Public",
                "sensitive": false,
                "forcesReplacement": false,
                "unknownBefore": false
              },
              {
                "path": "connectorProfileProperties.Snowflake.bucketName",
                "before": null,
                "after": "bucket-a",
                "sensitive": false,
                "forcesReplacement": false,
                "unknownBefore": false
              },
              {
                "path": "connectorProfileProperties.Snowflake.stage",
                "before": null,
                "after": "DB.SCHEMA.STAGE",
                "sensitive": false,
                "forcesReplacement": false,
                "unknownBefore": false
              },
              {
                "path": "connectorProfileProperties.Snowflake.warehouse",
                "before": null,
                "after": "WH",
                "sensitive": false,
                "forcesReplacement": false,
                "unknownBefore": false
              },
              {
                "path": "connectorProfileCredentials",
                "before": null,
                "after": null,
                "sensitive": true,
                "forcesReplacement": false,
                "unknownBefore": false
              }
            ],
            "unchanged": 0,
            "reason": null,
            "diagnostics": [],
            "policyViolations": []
          },
          {
            "name": "b-updated",
            "action": "update",
            "adopt": false,
            "file": "b-updated.yaml",
            "line": 1,
            "fields": [
              {
                "path": "connectorProfileProperties.Salesforce.isSandboxEnvironment",
                "before": false,
                "after": true,
                "sensitive": false,
                "forcesReplacement": false,
                "unknownBefore": false
              },
              {
                "path": "connectorProfileCredentials",
                "before": null,
                "after": null,
                "sensitive": true,
                "forcesReplacement": false,
                "unknownBefore": false
              }
            ],
            "unchanged": 3,
            "reason": null,
            "diagnostics": [],
            "policyViolations": []
          },
          {
            "name": "c-replaced",
            "action": "replace",
            "adopt": false,
            "file": "c-replaced.yaml",
            "line": 1,
            "fields": [
              {
                "path": "connectorLabel",
                "before": null,
                "after": "new-label",
                "sensitive": false,
                "forcesReplacement": true,
                "unknownBefore": false
              }
            ],
            "unchanged": 6,
            "reason": null,
            "diagnostics": [],
            "policyViolations": []
          },
          {
            "name": "d-adopted",
            "action": "update",
            "adopt": true,
            "file": "d-adopted.yaml",
            "line": 1,
            "fields": [
              {
                "path": "connectorProfileCredentials",
                "before": null,
                "after": null,
                "sensitive": true,
                "forcesReplacement": false,
                "unknownBefore": true
              }
            ],
            "unchanged": 5,
            "reason": null,
            "diagnostics": [],
            "policyViolations": []
          },
          {
            "name": "e-removed",
            "action": "noop",
            "adopt": false,
            "file": null,
            "line": null,
            "fields": [],
            "unchanged": 0,
            "reason": "document removed (was in e-removed.yaml); not deleted: prune skipped: 1 document is invalid; their profiles are unknown, not absent",
            "diagnostics": [],
            "policyViolations": []
          },
          {
            "name": "f-in-sync",
            "action": "noop",
            "adopt": false,
            "file": "f-in-sync.yaml",
            "line": 1,
            "fields": [],
            "unchanged": 6,
            "reason": null,
            "diagnostics": [],
            "policyViolations": []
          },
          {
            "name": "g-secret-missing",
            "action": "error",
            "adopt": false,
            "file": "g-secret-missing.yaml",
            "line": 1,
            "fields": [],
            "unchanged": 0,
            "reason": "secret reference {{resolve:secretsmanager:missing:SecretString:k}} at connectorProfileCredentials.Snowflake.password: secret \\"missing\\" was not found",
            "diagnostics": [],
            "policyViolations": []
          },
          {
            "name": "h-invalid",
            "action": "error",
            "adopt": false,
            "file": "h-invalid.yaml",
            "line": 2,
            "fields": [],
            "unchanged": 0,
            "reason": "invalid document at line 5, column 7: connectorProfileConfig.connectorProfileCredentials.Snowflake.password: plaintext credential; write a {{resolve:secretsmanager:SECRET_ID:SecretString:JSON_KEY}} reference",
            "diagnostics": [
              {
                "file": "h-invalid.yaml",
                "line": 5,
                "column": 7,
                "path": "connectorProfileConfig.connectorProfileCredentials.Snowflake.password",
                "severity": "error",
                "code": "credential.plaintext",
                "message": "plaintext credential; write a {{resolve:secretsmanager:SECRET_ID:SecretString:JSON_KEY}} reference"
              }
            ],
            "policyViolations": []
          }
        ],
        "warnings": [
          "prune skipped: 1 document is invalid; their profiles are unknown, not absent"
        ],
        "summary": {
          "create": 1,
          "update": 2,
          "replace": 1,
          "delete": 0,
          "noop": 2,
          "error": 2
        },
        "policies": {
          "denied": 0,
          "warned": 0
        }
      }
      "
    `);
  });

  it('merges outcomes per change when given', () => {
    const outcomes: ProfileOutcome[] = [
      { name: 'a-created', action: 'create', result: 'applied', attempts: 1, durationMs: 12 },
      { name: 'c-replaced', action: 'replace', result: 'blocked', attempts: 0, durationMs: 0, error: { code: 'replace.not-allowed', message: 'replacement needs --allow-replace', terminal: true } },
    ];
    const parsed = JSON.parse(renderPlanJson(samplePlan(), outcomes));
    const byName = new Map(parsed.changes.map((c: { name: string }) => [c.name, c]));
    expect(byName.get('a-created')).toMatchObject({ result: 'applied', error: null, attempts: 1 });
    expect(byName.get('c-replaced')).toMatchObject({ result: 'blocked', error: { code: 'replace.not-allowed', message: 'replacement needs --allow-replace', terminal: true } });
    expect(byName.get('f-in-sync')).toMatchObject({ result: null, error: null, attempts: 0 });
  });
});

describe('renderPlanMarkdown', () => {
  it('renders a summary table and a collapsible diff per profile, without secrets', () => {
    const markdown = renderPlanMarkdown(samplePlan());
    expectNoSecrets(markdown);
    expect(markdown).toMatchInlineSnapshot(`
      "### AppFlow connector profiles: plan

      **Plan: 2 to add, 2 to change, 1 to destroy. 2 profiles could not be planned (see the errors).**

      Target: \`us-east-1/123456789012\`

      | Action | Profiles |
      | --- | ---: |
      | Create | 1 |
      | Update in-place | 2 |
      | Replace | 1 |
      | Delete | 0 |
      | No change | 2 |
      | Error | 2 |

      > **Warning:** prune skipped: 1 document is invalid; their profiles are unknown, not absent

      <details>
      <summary><code>+ a-created</code> will be created (<code>a-created.yaml:1</code>)</summary>

      \`\`\`diff
      + connectorType = "Snowflake"
      + connectionMode = "Public"
      + connectorProfileProperties.Snowflake.bucketName = "bucket-a"
      + connectorProfileProperties.Snowflake.stage = "DB.SCHEMA.STAGE"
      + connectorProfileProperties.Snowflake.warehouse = "WH"
      ! connectorProfileCredentials = (sensitive value)
      \`\`\`

      </details>

      <details>
      <summary><code>~ b-updated</code> will be updated in-place (<code>b-updated.yaml:1</code>)</summary>

      \`\`\`diff
      - connectorProfileProperties.Salesforce.isSandboxEnvironment = false
      + connectorProfileProperties.Salesforce.isSandboxEnvironment = true
      ! connectorProfileCredentials = (sensitive value)  # changed
        # (3 unchanged attributes hidden)
      \`\`\`

      </details>

      <details>
      <summary><code>-/+ c-replaced</code> must be replaced (<code>c-replaced.yaml:1</code>)</summary>

      \`\`\`diff
      + connectorLabel = "new-label"  # forces replacement
        # (6 unchanged attributes hidden)
      \`\`\`

      </details>

      <details>
      <summary><code>~ d-adopted</code> will be adopted and updated in-place (<code>d-adopted.yaml:1</code>)</summary>

      \`\`\`diff
      # adopt: exists in the account but not in the inventory
      ! connectorProfileCredentials = (sensitive value)  # unknown before (no stored fingerprint): will be sent
        # (5 unchanged attributes hidden)
      \`\`\`

      </details>

      <details>
      <summary><code>= e-removed</code> is not changed</summary>

      \`\`\`diff
      # note: document removed (was in e-removed.yaml); not deleted: prune skipped: 1 document is invalid; their profiles are unknown, not absent
      \`\`\`

      </details>

      <details>
      <summary><code>x g-secret-missing</code> cannot be planned (<code>g-secret-missing.yaml:1</code>)</summary>

      \`\`\`text
      secret reference {{resolve:secretsmanager:missing:SecretString:k}} at connectorProfileCredentials.Snowflake.password: secret "missing" was not found
      \`\`\`

      </details>

      <details>
      <summary><code>x h-invalid</code> cannot be planned (<code>h-invalid.yaml:2</code>)</summary>

      \`\`\`text
      invalid document (1 error)
      h-invalid.yaml:5:7: connectorProfileConfig.connectorProfileCredentials.Snowflake.password: plaintext credential; write a {{resolve:secretsmanager:SECRET_ID:SecretString:JSON_KEY}} reference
      \`\`\`

      </details>
      "
    `);
  });

  it('keeps a value with backticks inside its code fence', () => {
    const doc = snowflakeDocument('x');
    (doc.connectorProfileConfig.connectorProfileProperties.Snowflake as unknown as Record<string, string>).warehouse = 'a```b';
    const input = inSync([snowflakeDocument('x')]);
    const plan = planChanges({ ...input, desired: [{ ...input.desired[0]!, document: doc }] }, OPTIONS);
    const markdown = renderPlanMarkdown(plan);
    expect(markdown).toContain('````diff');
  });

  it('shows outcomes in the summaries of an apply report', () => {
    const markdown = renderPlanMarkdown(samplePlan(), [{ name: 'a-created', action: 'create', result: 'applied', attempts: 1, durationMs: 3 }]);
    expect(markdown).toContain('### AppFlow connector profiles: apply');
    expect(markdown).toContain('<code>+ a-created</code> will be created (<code>a-created.yaml:1</code>) — **applied**');
  });
});
