// A real HTTP receiver on loopback (port 0) that records every request, for tests of code that
// POSTs somewhere (notification webhooks, Slack, a fake GitHub API). Answers come from `respond`
// (default 200). Tests wait on `nextRequest()` / `requests(n)` (resolved by the request itself,
// never by a sleep) and stop it with `close()`.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface HttpReceiver {
  url: string;
  received: RecordedRequest[];
  /** Resolves once `count` requests have been received in all. */
  requests(count: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

export async function startReceiver(respond: (request: RecordedRequest, index: number) => Answer = () => ({ status: 200 })): Promise<HttpReceiver> {
  const received: RecordedRequest[] = [];
  const waiters: Array<{ count: number; resolve: (all: RecordedRequest[]) => void }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const answer = respond(request, received.length);
      received.push(request);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body ?? '{}');
      for (const waiter of waiters.filter((w) => received.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve([...received]);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    requests(count) {
      if (received.length >= count) return Promise.resolve([...received]);
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
