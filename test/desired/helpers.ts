// Temporary profile directories for loader tests.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';

const created: string[] = [];

afterEach(() => {
  while (created.length > 0) rmSync(created.pop()!, { recursive: true, force: true });
});

/** A fresh directory holding `files` (relative path → content). */
export function profileDir(files: Record<string, string | Buffer> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'appflow-gitops-profiles-'));
  created.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

export const DATADOG_YAML = `connectorProfileName: datadog
connectorType: Datadog
connectionMode: Public
connectorProfileConfig:
  connectorProfileProperties:
    Datadog:
      instanceUrl: https://api.datadoghq.com
  connectorProfileCredentials:
    Datadog:
      apiKey: "{{resolve:secretsmanager:demo/datadog:SecretString:apiKey}}"
      applicationKey: "{{resolve:secretsmanager:demo/datadog:SecretString:applicationKey}}"
`;

export function datadog(name: string): string {
  return DATADOG_YAML.replace('connectorProfileName: datadog', `connectorProfileName: ${name}`);
}
