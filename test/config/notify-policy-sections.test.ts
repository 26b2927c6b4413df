// The `notifications:` and `policies:` sections of appflow-gitops.yaml: read into settings,
// problems located like profile errors (FILE:LINE:COL: path: message), the targets section
// untouched (a file without `targets:` keeps the implicit single target).
import { describe, expect, it } from 'vitest';
import { configSection } from '../../src/config/app-config.js';
import { loadConfig } from '../../src/config/load-config.js';
import { formatDiagnostic } from '../../src/desired/diagnostics.js';
import { notificationsSection } from '../../src/notify/notifications-section.js';
import { policiesSection } from '../../src/policy/policies-section.js';
import { datadog, profileDir } from '../desired/helpers.js';
import { ensureBuilt, runBuiltCli } from '../support/cli.js';

export const NOTIFY_POLICY_CONFIG = `notifications:
  - type: webhook
    url: https://hooks.example.com/appflow
    secretEnv: HOOK_HMAC_KEY
  - type: slack
    urlEnv: SLACK_WEBHOOK_URL
  - type: github
    repository: acme/data-config
    tokenEnv: GITHUB_TOKEN
    apiUrl: https://api.github.com
policies:
  - name: private-in-prod
    expression: "!profile.connectorProfileName.startsWith('prod-') || profile.connectionMode == 'Private'"
    message: production profiles must use a Private connection
    severity: deny
    targets: [default]
  - name: kms-required
    expression: has(profile.kmsArn)
    severity: warn
    actions: [create, replace]
`;

async function load(text: string) {
  return loadConfig({ profilesDir: profileDir({ 'appflow-gitops.yaml': text }) });
}

describe('notifications and policies in appflow-gitops.yaml', () => {
  it('reads both sections as the issue gives them, keeping the implicit target', async () => {
    const { config, diagnostics } = await load(NOTIFY_POLICY_CONFIG);
    expect(diagnostics).toEqual([]);
    expect(config?.targets.map((t) => t.name)).toEqual(['default']);
    expect(configSection(config!, notificationsSection)?.map((n) => n.type)).toEqual(['webhook', 'slack', 'github']);
    const policies = configSection(config!, policiesSection)!;
    expect(policies.map((p) => p.spec)).toEqual([
      expect.objectContaining({ name: 'private-in-prod', severity: 'deny', targets: ['default'], line: 12, expressionLine: 13 }),
      expect.objectContaining({ name: 'kms-required', severity: 'warn', message: 'policy kms-required is not satisfied', actions: ['create', 'replace'] }),
    ]);
    expect(Object.isFrozen(policies)).toBe(true);
  });

  it('locates a bad expression at its line, one line each', async () => {
    const { config, diagnostics } = await load(`policies:
  - name: ok
    expression: "true"
  - name: typo
    expression: "profile.connectionMod == 'Private'"
  - name: syntax
    expression: "profile.connectionMode =="
`);
    expect(config).toBeUndefined();
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/^appflow-gitops\.yaml:5:17: policies\[1\]\.expression: No such key: connectionMod/),
      expect.stringMatching(/^appflow-gitops\.yaml:7:17: policies\[2\]\.expression: Unexpected token: EOF/),
    ]);
  });

  it('refuses unknown keys, a bad severity, a duplicate name, and keys of another notification type', async () => {
    const { diagnostics } = await load(`policies:
  - name: a
    expression: "true"
    severity: block
  - name: a
    expresion: "true"
`);
    expect(diagnostics.map(formatDiagnostic).join('\n')).toMatch(/policies\[0\]\.severity/);
    expect(diagnostics.map(formatDiagnostic).join('\n')).toMatch(/expresion/);

    const notify = await load(`notifications:
  - type: slack
    url: https://hooks.slack.com/services/x
  - type: webhook
    url: ftp://example.com/x
  - type: webhook
    url: http://hooks.internal/x
`);
    expect(notify.diagnostics.map(formatDiagnostic)).toEqual([
      'appflow-gitops.yaml:2:5: notifications[0]: a slack notification needs urlEnv',
      'appflow-gitops.yaml:3:5: notifications[0].url: url is not a slack setting (slack takes urlEnv)',
      'appflow-gitops.yaml:5:10: notifications[1].url: url must be https:// (or http://), not ftp://',
      'appflow-gitops.yaml:7:10: notifications[2].url: url uses plain http:// to hooks.internal: notifications (and any signature or token) travel unencrypted',
    ]);
    expect(notify.diagnostics.map((d) => d.severity)).toEqual(['error', 'error', 'error', 'warning']);
  });

  it('a duplicate policy name is an error at the second', async () => {
    const { diagnostics } = await load(`policies:\n  - name: a\n    expression: "true"\n  - name: a\n    expression: "false"\n`);
    expect(diagnostics.map(formatDiagnostic)).toEqual(["appflow-gitops.yaml:4:11: policies[1].name: policy name 'a' is already used by policies[0]; names must be unique"]);
  });
});

describe('validate', () => {
  it('reports a bad policy expression as appflow-gitops.yaml:LINE and exits 1', async () => {
    ensureBuilt(['cli/commands/validate.ts', 'config/sections.ts', 'policy/policies-section.ts', 'policy/compile-policies.ts']);
    const dir = profileDir({
      'appflow-gitops.yaml': 'policies:\n  - name: typo\n    expression: "profile.kmsArm == \'\'"\n',
      'a.yaml': datadog('a'),
    });
    const run = await runBuiltCli(['validate', '--profiles', dir], { cwd: dir, env: { PATH: process.env.PATH, NO_COLOR: '1' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${dir}/appflow-gitops.yaml:3:17: policies[0].expression: No such key: kmsArm`);
  }, 180_000);
});
