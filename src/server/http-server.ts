// The daemon's HTTP surface, on node:http (no framework: five routes do not need one).
//   GET  /healthz    200 while the process serves requests (liveness)
//   GET  /readyz     200 once the first full pass is done and AWS answered the last read, else 503
//   GET  /metrics    Prometheus text
//   GET  /status     JSON: daemon state and one entry per profile (no secrets)
//   POST /reconcile  202: asks for a pass (rate limited and coalesced by the daemon)
//   POST /suspend    200: pauses every write (persisted); POST /resume 200: lifts it and asks for a pass
// With a token (--http-token-file) the POST routes need `Authorization: Bearer TOKEN` (401
// otherwise); the GET routes stay open for kubelet probes and Prometheus.
//
// Every listener is an attack surface, so each connection's cost is bounded (see HTTP_LIMITS):
// a connection cap, short header/request/keep-alive timeouts, a small body limit for the one
// route that takes a body, and no body read at all elsewhere.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logging/logger.js';
import { bearerMatches } from './bearer-token.js';
import type { DaemonMetrics } from './metrics.js';
import type { ListenAddress } from './listen-address.js';
import { enforceRequestDeadlines, type RequestDeadlines } from './connection-deadlines.js';

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
  /** Pause and resume every write (POST /suspend, POST /resume); the body answered is the new state. */
  suspend?: () => Promise<unknown>;
  resume?: () => Promise<unknown>;
  /** When set, the POST routes require `Authorization: Bearer <token>`. */
  token?: string;
  logger?: Logger;
}

/** The server's bounds; the daemon's docs (docs/security.md) quote them. */
export const HTTP_LIMITS = {
  /** Concurrent connections; more are closed on accept. Probes, scrapes and webhooks need a handful. */
  maxConnections: 64,
  /** The request headers must arrive within this. */
  headersTimeoutMs: 5_000,
  /** The whole request (headers and body) must arrive within this. */
  requestTimeoutMs: 10_000,
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: 5_000,
  /**
   * How often Node itself checks the two timeouts above: its default, as a backstop. Each open
   * connection carries its own deadline timers (connection-deadlines.ts), so a half-open
   * connection is still closed at its deadline, and an idle daemon has no timer waking it.
   */
  connectionsCheckingIntervalMs: 30_000,
  /** Requests served on one connection before it is closed. */
  maxRequestsPerSocket: 100,
  /** Header lines per request. */
  maxHeadersCount: 50,
  /** Total header bytes per request. */
  maxHeaderSize: 8 * 1024,
  /** Body bytes POST /reconcile reads (and discards); more is 413. Other routes read no body. */
  maxBodyBytes: 1024,
} as const;

export interface DaemonHttpServer {
  server: Server;
  /** Connections with a request deadline armed right now (none while nobody is connected). */
  armedDeadlines(): number;
  listen(address: ListenAddress): Promise<AddressInfo>;
  close(): Promise<void>;
}

/** `deadlines`: the per-connection header and request deadlines (tests shorten them). */
export function createDaemonHttpServer(
  handlers: DaemonHttpHandlers,
  deadlines: RequestDeadlines = { headersTimeoutMs: HTTP_LIMITS.headersTimeoutMs, requestTimeoutMs: HTTP_LIMITS.requestTimeoutMs },
): DaemonHttpServer {
  const server = createServer(
    {
      headersTimeout: HTTP_LIMITS.headersTimeoutMs,
      requestTimeout: HTTP_LIMITS.requestTimeoutMs,
      connectionsCheckingInterval: HTTP_LIMITS.connectionsCheckingIntervalMs,
      maxHeaderSize: HTTP_LIMITS.maxHeaderSize,
    },
    (req, res) => {
      // A body nobody reads would otherwise be drained to the end after the response (Node's
      // keep-alive behaviour); closing the connection instead bounds what an unread body costs.
      if (carriesBody(req) && !isMutating(req)) res.shouldKeepAlive = false;
      route(req, res, handlers).catch((err: unknown) => {
        handlers.logger?.error({ err: { message: err instanceof Error ? err.message : String(err) }, path: req.url }, 'http handler failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.end();
      });
    },
  );
  server.maxConnections = HTTP_LIMITS.maxConnections;
  server.maxRequestsPerSocket = HTTP_LIMITS.maxRequestsPerSocket;
  server.maxHeadersCount = HTTP_LIMITS.maxHeadersCount;
  // Probes and scrapes are short; do not let idle keep-alive sockets hold shutdown up.
  server.keepAliveTimeout = HTTP_LIMITS.keepAliveTimeoutMs;
  const connectionDeadlines = enforceRequestDeadlines(server, deadlines);
  return {
    server,
    armedDeadlines: () => connectionDeadlines.armed(),
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
    case '/suspend':
    case '/resume': {
      const act = path === '/suspend' ? handlers.suspend : handlers.resume;
      if (!act) break;
      if (method !== 'POST') return methodNotAllowed(res, 'POST');
      if (!authorized(req, res, handlers)) return;
      if (!(await discardBody(req, HTTP_LIMITS.maxBodyBytes))) {
        res.shouldKeepAlive = false;
        return sendJson(res, 413, { error: `request body over ${HTTP_LIMITS.maxBodyBytes} bytes; POST ${path} needs no body` });
      }
      return sendJson(res, 200, await act());
    }
    case '/reconcile': {
      if (method !== 'POST') return methodNotAllowed(res, 'POST');
      if (!authorized(req, res, handlers)) return;
      if (!(await discardBody(req, HTTP_LIMITS.maxBodyBytes))) {
        res.shouldKeepAlive = false;
        return sendJson(res, 413, { error: `request body over ${HTTP_LIMITS.maxBodyBytes} bytes; POST /reconcile needs no body` });
      }
      const accepted = handlers.requestReconcile();
      return sendJson(res, accepted ? 202 : 503, accepted ? { accepted: true } : { accepted: false, error: 'shutting down' });
    }
  }
  return sendJson(res, 404, { error: 'not found', paths: ['/healthz', '/readyz', '/metrics', '/status', 'POST /reconcile', 'POST /suspend', 'POST /resume'] });
}

/** 401 (and false) unless the request carries the token, when one is configured. The body is not read. */
function authorized(req: IncomingMessage, res: ServerResponse, handlers: DaemonHttpHandlers): boolean {
  if (handlers.token === undefined || bearerMatches(req.headers.authorization, handlers.token)) return true;
  res.shouldKeepAlive = false;
  res.setHeader('www-authenticate', 'Bearer realm="appflow-gitops"');
  sendJson(res, 401, { error: 'unauthorized: send Authorization: Bearer <token> (the daemon runs with --http-token-file)' });
  return false;
}

function isMutating(req: IncomingMessage): boolean {
  return req.method === 'POST' && ['/reconcile', '/suspend', '/resume'].includes((req.url ?? '/').split('?')[0] ?? '');
}

function carriesBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Reads and drops the body; false (and stops reading) once it is over `limit` bytes. */
function discardBody(req: IncomingMessage, limit: number): Promise<boolean> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.resolve(false);
  return new Promise((resolve) => {
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= limit) return;
      // Stop reading; the 413 goes out and the connection closes (shouldKeepAlive = false).
      req.off('data', onData);
      req.pause();
      resolve(false);
    };
    req.on('data', onData);
    req.once('end', () => resolve(true));
    req.once('error', () => resolve(false));
  });
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
