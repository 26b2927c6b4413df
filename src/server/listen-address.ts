// `--listen` accepts PORT, :PORT, HOST:PORT and [IPV6]:PORT. An empty host means every interface
// (what a container needs); port 0 asks the OS for a free port, which the daemon then logs.

export interface ListenAddress {
  /** undefined = all interfaces. */
  host: string | undefined;
  port: number;
}

export function parseListenAddress(text: string): ListenAddress {
  const trimmed = text.trim();
  const match = /^(?:(\[[0-9a-fA-F:.]+\]|[^:[\]]*):)?(\d{1,5})$/.exec(trimmed);
  const port = match ? Number(match[2]) : NaN;
  if (!match || !(port >= 0 && port <= 65535)) {
    throw new Error(`invalid listen address "${text}": use PORT, :PORT or HOST:PORT (e.g. 8080, :8080, 127.0.0.1:8080, [::1]:8080)`);
  }
  const rawHost = match[1];
  const host = rawHost ? rawHost.replace(/^\[|\]$/g, '') : undefined;
  return { host: host === '' ? undefined : host, port };
}

/** `http://HOST:PORT` for logs, with IPv6 hosts bracketed and the wildcard shown as 0.0.0.0/[::]. */
export function formatListenUrl(address: { address: string; port: number }): string {
  const host = address.address.includes(':') ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
