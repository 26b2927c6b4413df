// The daemon's HTTP surface, on node:http (no framework: five routes do not need one).
//   GET  /healthz    200 while the process serves requests (liveness)
//   GET  /readyz     200 once the first full pass is done and AWS answered the last read, else 503
//   GET  /metrics    Prometheus text
//   GET  /status     JSON: daemon state and one entry per profile (no secrets)
//   POST /reconcile  202: asks for a pass now (coalesces with any pending one)
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logging/logger.js';
import type { DaemonMetrics } from './metrics.js';
import type { ListenAddress } from './listen-address.js';

export interface Readiness {
  ready: boolean;
  checks: Record<string, boolean>;
}

export interface DaemonHttpHandlers {
  metrics: DaemonMetrics;
  readiness: () => Readiness;
  status: () => unknown;
  /** Returns false when the daemon no longer takes work (shutting down). */
  requestReconcile: () => boolean;
  logger?: Logger;
}

export interface DaemonHttpServer {
  server: Server;
  listen(address: ListenAddress): Promise<AddressInfo>;
  close(): Promise<void>;
}

export function createDaemonHttpServer(handlers: DaemonHttpHandlers): DaemonHttpServer {
  const server = createServer((req, res) => {
    route(req, res, handlers).catch((err: unknown) => {
      handlers.logger?.error({ err: { message: err instanceof Error ? err.message : String(err) }, path: req.url }, 'http handler failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.end();
    });
  });
  // Probes and scrapes are short; do not let idle keep-alive sockets hold shutdown up.
  server.keepAliveTimeout = 5_000;
  return {
    server,
    listen(address) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(address.port, address.host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

async function route(req: IncomingMessage, res: ServerResponse, handlers: DaemonHttpHandlers): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  const method = req.method ?? 'GET';
  const isRead = method === 'GET' || method === 'HEAD';
  switch (path) {
    case '/healthz':
      if (!isRead) return methodNotAllowed(res, 'GET, HEAD');
      return sendText(res, 200, 'ok\n');
    case '/readyz': {
      if (!isRead) return methodNotAllowed(res, 'GET, HEAD');
      const readiness = handlers.readiness();
      return sendJson(res, readiness.ready ? 200 : 503, readiness);
    }
    case '/metrics':
      if (!isRead) return methodNotAllowed(res, 'GET, HEAD');
      res.writeHead(200, { 'content-type': handlers.metrics.contentType });
      res.end(await handlers.metrics.render());
      return;
    case '/status':
      if (!isRead) return methodNotAllowed(res, 'GET, HEAD');
      return sendJson(res, 200, handlers.status());
    case '/reconcile': {
      if (method !== 'POST') return methodNotAllowed(res, 'POST');
      req.resume();
      const accepted = handlers.requestReconcile();
      return sendJson(res, accepted ? 202 : 503, accepted ? { accepted: true } : { accepted: false, error: 'shutting down' });
    }
    default:
      return sendJson(res, 404, { error: 'not found', paths: ['/healthz', '/readyz', '/metrics', '/status', 'POST /reconcile'] });
  }
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('allow', allow);
  sendJson(res, 405, { error: `method not allowed; use ${allow}` });
}

function sendText(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`${JSON.stringify(body, null, 2)}\n`);
}
