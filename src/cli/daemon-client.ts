// Talking to a running daemon from the CLI (status, reconcile, suspend, resume): the --server and
// --http-token-file options, and one JSON request with errors in one line.
import { Option } from 'commander';
import { readTokenFile } from '../server/bearer-token.js';
import { UserError } from './user-error.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:8080';

export const serverOption = () => new Option('--server <url>', "the daemon's HTTP address").default(DEFAULT_SERVER);

export const httpTokenFileOption = (what = 'send Authorization: Bearer TOKEN, the token the daemon was started with') =>
  new Option('--http-token-file <file>', `file holding the bearer token: ${what}`);

export async function readTokenFileOrFail(path: string): Promise<string> {
  try {
    return await readTokenFile(path);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
}

export interface ClientFlags {
  server: string;
  httpTokenFile?: string;
}

/** One request to the daemon; JSON in the answer. Refused connections and HTTP errors become one UserError line. */
export async function callDaemon<T>(flags: ClientFlags, method: 'GET' | 'POST', path: string): Promise<T> {
  const headers: Record<string, string> = {};
  if (flags.httpTokenFile !== undefined) headers.authorization = `Bearer ${await readTokenFileOrFail(flags.httpTokenFile)}`;
  let url: URL;
  try {
    url = new URL(path, flags.server);
  } catch {
    throw new UserError(`--server must be a URL such as ${DEFAULT_SERVER}, got ${JSON.stringify(flags.server)}`);
  }
  let res: Response;
  try {
    res = await fetch(url, { method, headers, signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new UserError(`cannot reach the daemon at ${flags.server} (${cause}); is appflow-gitops run listening there? (--server URL)`);
  }
  const text = await res.text();
  if (res.status === 401) throw new UserError(`the daemon at ${flags.server} refused the request (401): pass --http-token-file with the token it was started with`);
  if (!res.ok && res.status !== 503) throw new UserError(`the daemon at ${flags.server} answered ${res.status} to ${method} ${path}: ${text.trim().slice(0, 200)}`);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new UserError(`the daemon at ${flags.server} answered ${method} ${path} with something that is not JSON`);
  }
}
