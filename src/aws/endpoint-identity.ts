// Which service a target talks to, as a short name for state keys and output: undefined for
// AWS's own endpoints, 'local' for a loopback endpoint (an emulator: its port changes from run to
// run, the state must not), else host[:port]. State keyed by it keeps an emulator's inventory and
// AWS's apart: a prune planned from one can never delete in the other.

type Env = Record<string, string | undefined>;

const nonEmpty = (value: string | undefined): string | undefined => (value !== undefined && value.trim() !== '' ? value.trim() : undefined);

/** The AppFlow endpoint in use: the explicit setting, else the SDK's own variables, else AWS (undefined). */
export function appflowEndpoint(explicit: string | undefined, env: Env = process.env): string | undefined {
  return nonEmpty(explicit) ?? nonEmpty(env.AWS_ENDPOINT_URL_APPFLOW) ?? nonEmpty(env.AWS_ENDPOINT_URL);
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function endpointIdentity(endpoint: string | undefined): string | undefined {
  if (endpoint === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return endpoint;
  }
  if (isLoopbackHost(url.hostname)) return 'local';
  // A custom endpoint on amazonaws.com (FIPS, VPC endpoint) is still AWS: same account, same state.
  if (/(^|\.)amazonaws\.com(\.cn)?$/.test(url.hostname) || url.hostname.endsWith('.api.aws')) return undefined;
  return url.port ? `${url.hostname}:${url.port}` : url.hostname;
}

/**
 * STS for a target: AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL when set (the SDK reads them itself),
 * else, when AppFlow goes to a custom endpoint, that same endpoint (the emulator serves STS too):
 * a test or demo must never send its placeholder keys to the real STS.
 */
export function stsEndpoint(appflow: string | undefined, env: Env = process.env): string | undefined {
  if (nonEmpty(env.AWS_ENDPOINT_URL_STS) ?? nonEmpty(env.AWS_ENDPOINT_URL)) return undefined;
  return endpointIdentity(appflow) === undefined ? undefined : appflow;
}
