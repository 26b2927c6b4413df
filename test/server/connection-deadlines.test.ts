// The HTTP port's per-connection deadlines (src/server/connection-deadlines.ts): a connection that
// is slow to send its headers or its body is closed by its own timer, not by Node's server-wide
// check (30 s apart, a backstop), and no timer is left once nobody is connected.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createDaemonHttpServer, HTTP_LIMITS, type DaemonHttpServer } from '../../src/server/http-server.js';
import { createDaemonMetrics } from '../../src/server/metrics.js';

/** Short deadlines, so a test waits a fraction of a second; Node's own check is 30 s away. */
const DEADLINES = { headersTimeoutMs: 300, requestTimeoutMs: 600 };

let http: DaemonHttpServer | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await http?.close();
  http = undefined;
});

async function start(): Promise<number> {
  http = createDaemonHttpServer(
    { metrics: createDaemonMetrics(), readiness: () => ({ ready: true, checks: {} }), status: () => ({}), requestReconcile: () => true },
    DEADLINES,
  );
  return (await http.listen({ host: '127.0.0.1', port: 0 })).port;
}

/** A raw connection: what it has received so far, and a promise of everything once the server closes it. */
function open(port: number): { socket: Socket; received: () => string; closed: Promise<string> } {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  let reply = '';
  socket.on('data', (chunk) => (reply += chunk.toString()));
  socket.on('error', () => undefined);
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(reply)));
  return { socket, received: () => reply, closed };
}

/** Resolves once `check` holds, looking again on each event of `socket` (data or close). */
function until(socket: Socket, check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (check()) return resolve();
    const look = () => {
      if (!check()) return;
      socket.off('data', look);
      resolve();
    };
    socket.on('data', look);
  });
}

describe('per-connection request deadlines', () => {
  it('Node\'s own timeout check runs at its default interval, as a backstop only', async () => {
    await start();
    expect(HTTP_LIMITS.connectionsCheckingIntervalMs).toBe(30_000);
    expect(http!.server.headersTimeout).toBe(HTTP_LIMITS.headersTimeoutMs);
    expect(http!.server.requestTimeout).toBe(HTTP_LIMITS.requestTimeoutMs);
  });

  it('a connection that never finishes its headers is answered 408 and closed by its own deadline', async () => {
    const port = await start();
    const c = open(port);
    c.socket.write('GET /status HTTP/1.1\r\nHost: x\r\n'); // never the blank line that ends the headers
    const reply = await c.closed;
    expect(reply.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
    expect(http!.armedDeadlines()).toBe(0);
  });

  it('a connection that never sends anything is closed at the headers deadline', async () => {
    const port = await start();
    const c = open(port);
    const reply = await c.closed;
    expect(reply.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
  });

  it('a request whose body never completes is closed at the request deadline, without an answer', async () => {
    const port = await start();
    const c = open(port);
    c.socket.write('POST /reconcile HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten b');
    const reply = await c.closed;
    expect(reply).toBe('');
  });

  it('a kept-alive connection gets a fresh headers deadline after each answer', async () => {
    const port = await start();
    // Registered after the deadlines' own listeners, so it runs after they re-armed the connection.
    const answered = new Promise<void>((resolve) => http!.server.once('request', (_req, res) => res.once('finish', () => resolve())));
    const c = open(port);
    c.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await answered;
    // Answered and kept alive: the next request's headers are awaited under a deadline of their own.
    expect(http!.armedDeadlines()).toBe(1);
    await until(c.socket, () => c.received().endsWith('0\r\n\r\n'));
    c.socket.write('GET /status HTTP/1.1\r\nHost: x\r\n'); // the second request's headers never end
    // Closed, as Node does it, without a 408 on a connection that was answered before: what it
    // received is the first answer alone.
    const reply = await c.closed;
    expect(reply.split('HTTP/1.1 ').length).toBe(2);
    expect(reply.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(http!.armedDeadlines()).toBe(0);
  });

  it('a request without a body is complete with its headers: its answer has no deadline; one with a body has until it ends', async () => {
    const port = await start();
    // Registered after the deadlines' own listener: what each request left armed once its headers were in.
    const armedAtRequest = new Map<string, number>();
    let postSeen: () => void = () => undefined;
    const postArrived = new Promise<void>((resolve) => (postSeen = resolve));
    http!.server.on('request', (req) => {
      armedAtRequest.set(req.method ?? '', http!.armedDeadlines());
      if (req.method === 'POST') postSeen();
    });
    const get = open(port);
    get.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await get.closed;
    const post = open(port);
    post.socket.write('POST /reconcile HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n');
    // The body follows only once the request (headers alone) has been seen.
    await postArrived;
    post.socket.write('{}');
    expect((await post.closed).split('\r\n')[0]).toBe('HTTP/1.1 202 Accepted');
    expect(armedAtRequest).toEqual(new Map([['GET', 0], ['POST', 1]]));
  });

  it('a complete exchange is not cut, and no deadline is left once the connection closes', async () => {
    const port = await start();
    const c = open(port);
    c.socket.write('POST /reconcile HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}');
    const reply = await c.closed;
    expect(reply.split('\r\n')[0]).toBe('HTTP/1.1 202 Accepted');
    expect(http!.armedDeadlines()).toBe(0);
  });
});
