// Which target (region + identity) this process reconciles, worked out from settings and the
// ambient configuration WITHOUT network calls. v1 keys state by `${region}/${identity}` where
// identity is the role ARN, else the profile name, else "default". STS GetCallerIdentity would
// give the real account, but it costs an extra IAM permission, a call on every start, and does
// not work offline against the emulator; the configuration that selects the account is a
// faithful enough proxy for one target per state directory.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { appflowEndpoint, endpointIdentity } from './endpoint-identity.js';
import type { AwsSettings, AwsTarget } from './ports.js';

export const DEFAULT_REGION = 'us-east-1';

type Env = Record<string, string | undefined>;

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * Reads `region` for a profile from an AWS shared config/credentials INI file, synchronously
 * (a few hundred bytes, once at start). Sections are `[default]`, `[profile NAME]` in the config
 * file and `[NAME]` in the credentials file.
 */
export function regionFromIniText(text: string, profile: string, isConfigFile: boolean): string | undefined {
  const wanted = new Set(isConfigFile && profile !== 'default' ? [`profile ${profile}`] : [profile]);
  if (isConfigFile && profile === 'default') wanted.add('profile default');
  let inSection = false;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.replace(/\s[#;].*$/, '').trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (section) {
      inSection = wanted.has(section[1]!.replace(/\s+/g, ' '));
      continue;
    }
    if (!inSection) continue;
    const pair = /^([A-Za-z0-9_]+)\s*=\s*(.*)$/.exec(line);
    if (pair && pair[1]!.toLowerCase() === 'region' && pair[2]) return pair[2].trim();
  }
  return undefined;
}

function readIni(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Region from the shared config files for the active profile (AWS_PROFILE or default). */
export function sharedConfigRegion(env: Env = process.env): string | undefined {
  const profile = nonEmpty(env.AWS_PROFILE) ?? 'default';
  const home = nonEmpty(env.HOME) ?? homedir();
  const configFile = nonEmpty(env.AWS_CONFIG_FILE) ?? join(home, '.aws', 'config');
  const credentialsFile = nonEmpty(env.AWS_SHARED_CREDENTIALS_FILE) ?? join(home, '.aws', 'credentials');
  const fromConfig = readIni(configFile);
  const region = fromConfig !== undefined ? regionFromIniText(fromConfig, profile, true) : undefined;
  if (region) return region;
  const fromCredentials = readIni(credentialsFile);
  return fromCredentials !== undefined ? regionFromIniText(fromCredentials, profile, false) : undefined;
}

/** settings.region, AWS_REGION, AWS_DEFAULT_REGION, the shared config, else us-east-1. */
export function resolveRegion(settings: AwsSettings = {}, env: Env = process.env): { region: string; source: string } {
  const explicit = nonEmpty(settings.region);
  if (explicit) return { region: explicit, source: 'settings' };
  const fromEnv = nonEmpty(env.AWS_REGION);
  if (fromEnv) return { region: fromEnv, source: 'AWS_REGION' };
  const fromDefaultEnv = nonEmpty(env.AWS_DEFAULT_REGION);
  if (fromDefaultEnv) return { region: fromDefaultEnv, source: 'AWS_DEFAULT_REGION' };
  const fromFile = sharedConfigRegion(env);
  if (fromFile) return { region: fromFile, source: 'shared config' };
  return { region: DEFAULT_REGION, source: 'default' };
}

/** settings.identity, AWS_ROLE_ARN, AWS_PROFILE, else "default". */
export function resolveIdentity(settings: AwsSettings = {}, env: Env = process.env): string {
  return nonEmpty(settings.identity) ?? nonEmpty(env.AWS_ROLE_ARN) ?? nonEmpty(env.AWS_PROFILE) ?? 'default';
}

/**
 * The implicit target's key: `REGION/IDENTITY` against AWS (unchanged since v1, so an upgrade
 * keeps its inventory), `REGION/IDENTITY@ENDPOINT` against any other endpoint (`@local` for an
 * emulator on loopback), so an emulator's state and AWS's are never the same entry. An explicit
 * settings.identity (the embedded emulator's) is already distinct and is kept as it is.
 */
export function resolveTarget(settings: AwsSettings = {}, env: Env = process.env): AwsTarget {
  const { region } = resolveRegion(settings, env);
  const identity = resolveIdentity(settings, env);
  const endpoint = endpointIdentity(appflowEndpoint(settings.endpoints?.appflow, env));
  const suffix = endpoint !== undefined && nonEmpty(settings.identity) === undefined ? `@${endpoint}` : '';
  return { key: `${region}/${identity}${suffix}`, region, identity, ...(endpoint !== undefined ? { endpoint } : {}) };
}
