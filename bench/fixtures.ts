// Generates a fleet of in-sync-able profile files and the secrets they reference, for benchmarks.
// Each profile has its own secret with two keys (two references per profile): the honest worst
// case for batching, since no secret is shared.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Fleet {
  dir: string;
  names: string[];
  secrets: { name: string; secretString: string }[];
}

export function profileName(index: number): string {
  return `bench-${String(index).padStart(5, '0')}`;
}

export function profileYaml(name: string, instanceUrl = 'https://api.datadoghq.com'): string {
  return [
    `connectorProfileName: ${name}`,
    'connectorType: Datadog',
    'connectionMode: Public',
    'connectorProfileConfig:',
    '  connectorProfileProperties:',
    '    Datadog:',
    `      instanceUrl: ${instanceUrl}`,
    '  connectorProfileCredentials:',
    '    Datadog:',
    `      apiKey: "{{resolve:secretsmanager:bench/${name}:SecretString:apiKey}}"`,
    `      applicationKey: "{{resolve:secretsmanager:bench/${name}:SecretString:applicationKey}}"`,
    '',
  ].join('\n');
}

/** Writes `count` profile files into `dir` (replacing it) and returns the matching secrets. */
export async function writeFleet(dir: string, count: number): Promise<Fleet> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const names: string[] = [];
  const secrets: Fleet['secrets'] = [];
  for (let i = 0; i < count; i++) {
    const name = profileName(i);
    names.push(name);
    secrets.push({
      name: `bench/${name}`,
      secretString: JSON.stringify({ apiKey: `api-${i}-key`, applicationKey: `app-${i}-key` }),
    });
  }
  // Bounded parallel writes: 10,000 files would otherwise exhaust file descriptors.
  for (let start = 0; start < names.length; start += 200) {
    await Promise.all(
      names.slice(start, start + 200).map((name) => writeFile(join(dir, `${name}.yaml`), profileYaml(name))),
    );
  }
  return { dir, names, secrets };
}
