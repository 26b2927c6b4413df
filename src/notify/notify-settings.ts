// The `notifications:` entries of appflow-gitops.yaml, turned into sinks. Secrets are named by
// environment variable, never written in the file: a webhook's HMAC key (`secretEnv`), the Slack
// webhook URL (`urlEnv`, the URL is the secret), the GitHub token (`tokenEnv`).
import { isIP } from 'node:net';
import { createGithubSink } from './sinks/github.js';
import { createSlackSink } from './sinks/slack.js';
import { createWebhookSink } from './sinks/webhook.js';
import type { NotificationSink } from './types.js';

export type NotificationSpec =
  | { type: 'webhook'; url: string; secretEnv?: string }
  | { type: 'slack'; urlEnv: string }
  | { type: 'github'; repository: string; tokenEnv: string; apiUrl?: string };

export interface SinkBuild {
  sinks: NotificationSink[];
  /** Unusable entries (`notifications[i]: ...`): the command stops with these. */
  problems: string[];
  /** Usable but risky (plain http to another host): printed once at start. */
  warnings: string[];
}

/** Why `text` cannot be a notification URL, or a warning when it can but travels in clear text. Never quotes the URL. */
export function checkUrl(text: string): { error?: string; warning?: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { error: 'is not a valid URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { error: `must be https:// (or http://), not ${url.protocol}//` };
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    return { warning: `uses plain http:// to ${url.hostname}: notifications (and any signature or token) travel unencrypted` };
  }
  return {};
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** Builds the sinks, reading the named environment variables. */
export function buildSinks(specs: readonly NotificationSpec[], env: NodeJS.ProcessEnv = process.env): SinkBuild {
  const build: SinkBuild = { sinks: [], problems: [], warnings: [] };
  specs.forEach((spec, index) => {
    const where = `notifications[${index}] (${spec.type})`;
    const problems: string[] = [];
    const fromEnv = (name: string, field: string): string | undefined => {
      const value = env[name];
      if (value === undefined || value === '') problems.push(`${where}: ${field} names ${name}, which is not set`);
      return value === '' ? undefined : value;
    };
    const url = (text: string | undefined, field: string): string | undefined => {
      if (text === undefined) return undefined;
      const verdict = checkUrl(text);
      if (verdict.error) problems.push(`${where}: ${field} ${verdict.error}`);
      if (verdict.warning) build.warnings.push(`${where}: ${field} ${verdict.warning}`);
      return verdict.error ? undefined : text;
    };
    let sink: NotificationSink | undefined;
    if (spec.type === 'webhook') {
      const target = url(spec.url, 'url');
      const secret = spec.secretEnv !== undefined ? fromEnv(spec.secretEnv, 'secretEnv') : undefined;
      if (target !== undefined) sink = createWebhookSink({ url: target, ...(secret !== undefined ? { secret } : {}) });
    } else if (spec.type === 'slack') {
      const target = url(fromEnv(spec.urlEnv, 'urlEnv'), `the URL in ${spec.urlEnv}`);
      if (target !== undefined) sink = createSlackSink({ url: target });
    } else {
      const token = fromEnv(spec.tokenEnv, 'tokenEnv');
      const apiUrl = url(spec.apiUrl, 'apiUrl');
      if (token !== undefined && (spec.apiUrl === undefined || apiUrl !== undefined)) sink = createGithubSink({ repository: spec.repository, token, ...(apiUrl ? { apiUrl } : {}) });
    }
    if (problems.length > 0) build.problems.push(...problems);
    else if (sink) build.sinks.push(sink);
  });
  return build;
}
