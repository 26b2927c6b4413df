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

/** Writes `count` profile files into `dir` (replacing it) and returns the matching secrets; names are numbered from `first`. */
export async function writeFleet(dir: string, count: number, first = 0): Promise<Fleet> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const names: string[] = [];
  const secrets: Fleet['secrets'] = [];
  for (let i = first; i < first + count; i++) {
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

/** One declared target of the fleet scenario: its own directory of profiles, in its own region. */
export interface FleetTarget {
  name: string;
  region: string;
  /** Path selector of appflow-gitops.yaml (`tN/`). */
  paths: string[];
}

/**
 * Ten regions of one account: the emulator keeps each account and region apart, as AWS does, so
 * each target is its own partition with its own profiles and secrets.
 */
const FLEET_REGIONS = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-west-2', 'eu-central-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1'];

/**
 * `targets` directories t0/ ... of `perTarget` profile files each (names unique across the fleet),
 * and the secrets of each target's region.
 */
export async function writeTargetFleet(dir: string, targets: number, perTarget: number): Promise<{ dir: string; targets: (FleetTarget & { secrets: Fleet['secrets'] })[] }> {
  if (targets > FLEET_REGIONS.length) throw new RangeError(`at most ${FLEET_REGIONS.length} targets (one region each)`);
  await rm(dir, { recursive: true, force: true });
  const out: (FleetTarget & { secrets: Fleet['secrets'] })[] = [];
  for (let t = 0; t < targets; t++) {
    const sub = await writeFleet(join(dir, `t${t}`), perTarget, t * perTarget);
    out.push({ name: `t${t}`, region: FLEET_REGIONS[t]!, paths: [`t${t}/`], secrets: sub.secrets });
  }
  return { dir, targets: out };
}
