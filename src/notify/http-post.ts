// One POST of a notification, with Node's fetch. Never follows a redirect: a request may carry a
// token (GitHub) or a signature, and a redirect would hand it to wherever the server points.
// Errors say what failed without the URL (a Slack webhook URL is itself the secret).
import { AbortError } from 'p-retry';
import type { Delivery } from './types.js';

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** Bytes of a failed answer's body kept for the log line: enough for GitHub's "message". */
const ERROR_BODY_LIMIT = 200;

export const USER_AGENT = 'appflow-gitops-notifications';

/** A delivery the receiver refused for good (4xx but 408/429): retrying cannot help. */
export class DeliveryRejected extends AbortError {
  constructor(readonly status: number, detail: string) {
    super(`the receiver answered HTTP ${status}${detail ? `: ${detail}` : ''}`);
  }
}

/** Resolves when the receiver answered 2xx; throws otherwise (retryable unless DeliveryRejected). */
export async function postDelivery(delivery: Delivery, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetch(delivery.url, {
      method: 'POST',
      headers: { 'user-agent': USER_AGENT, ...delivery.headers },
      body: delivery.body,
      redirect: 'manual',
      signal,
    });
  } catch (err) {
    if (options.signal?.aborted) throw new AbortError('stopped');
    // eslint-disable-next-line preserve-caught-error -- fetch's error can carry the destination URL (a webhook URL is a secret); only its code goes on
    throw new Error(timeout.aborted ? 'the receiver did not answer in time' : `the request failed (${causeOf(err)})`);
  }
  if (response.status >= 200 && response.status < 300) {
    await response.body?.cancel().catch(() => undefined);
    return;
  }
  const detail = await briefBody(response);
  if (response.status >= 300 && response.status < 400) throw new DeliveryRejected(response.status, 'redirects are not followed');
  if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
    throw new DeliveryRejected(response.status, detail);
  }
  throw new Error(`the receiver answered HTTP ${response.status}${detail ? `: ${detail}` : ''}`);
}

async function briefBody(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  // eslint-disable-next-line no-control-regex
  const oneLine = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return oneLine.length > ERROR_BODY_LIMIT ? `${oneLine.slice(0, ERROR_BODY_LIMIT)}…` : oneLine;
}

/** The network error's code (ECONNREFUSED, ENOTFOUND...), never its message (undici quotes the URL). */
function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string } }).cause;
  return cause?.code ?? (err instanceof Error ? err.name : 'error');
}
