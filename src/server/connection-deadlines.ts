// How long one connection to the daemon's HTTP port may take to send a request, enforced with
// timers that exist only while that connection is open.
//
// Node enforces its own `headersTimeout` and `requestTimeout` from one server-wide interval
// (`connectionsCheckingInterval`) that runs from listen() to close(), connections or not. The
// daemon had it at 1 s so a half-open connection is closed soon after its deadline; but that is
// a wake-up of an idle daemon every second of its life, and on a small VM every wake-up of an
// idle Node process costs about 1 ms of CPU (docs/benchmarks.md, round ten): a tenth of the idle
// budget by itself. Here each connection carries its own deadline instead:
//   - headers: a connection must deliver a request's complete headers within `headersTimeoutMs`
//     of opening, and, kept alive, within `headersTimeoutMs` of the end of its previous response;
//     otherwise it is closed, with a 408 if it had no answer yet (what Node does);
//   - request: once the headers are in, the request's body must be complete within
//     `requestTimeoutMs` of the headers' deadline starting; otherwise the connection is closed. A
//     request without a body is complete with its headers (as Node's own check sees it), so the
//     time its answer takes is not bounded here.
// Node's own check stays on as a backstop at its default interval (30 s): a wake-up every 30 s.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface RequestDeadlines {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}

/** Node's own answer to a request that timed out (lib/_http_server.js), then the connection closes. */
const REQUEST_TIMEOUT_RESPONSE = 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';

/** One connection's pending deadline: at most one timer per open connection. */
interface ConnectionDeadline {
  timer: NodeJS.Timeout | undefined;
  /** Which deadline the timer is: a request's late 'end' must not disarm the next one's. */
  generation: number;
  /** When the current request's headers started to be awaited (performance.now() ms). */
  waitingSince: number;
}

/**
 * Installs the per-connection deadlines on `server`. Returns how many connections have a deadline
 * armed right now (for tests: none once every connection has closed).
 */
export function enforceRequestDeadlines(server: Server, limits: RequestDeadlines): { armed(): number } {
  const deadlines = new Map<Socket, ConnectionDeadline>();

  /** Clears the connection's deadline; with `generation`, only while that deadline is still the one armed. */
  const disarm = (socket: Socket, generation?: number): void => {
    const deadline = deadlines.get(socket);
    if (!deadline || (generation !== undefined && deadline.generation !== generation)) return;
    if (deadline.timer) clearTimeout(deadline.timer);
    deadline.timer = undefined;
  };

  /** Arms the connection's one deadline; returns its generation (undefined when the connection is gone). */
  const arm = (socket: Socket, ms: number, onExpiry: () => void): number | undefined => {
    const deadline = deadlines.get(socket);
    if (!deadline || socket.destroyed) return undefined;
    if (deadline.timer) clearTimeout(deadline.timer);
    deadline.generation++;
    deadline.timer = setTimeout(() => {
      deadline.timer = undefined;
      onExpiry();
    }, Math.max(0, ms));
    // A deadline never keeps the process alive on its own (shutdown closes the connections).
    deadline.timer.unref();
    return deadline.generation;
  };

  const awaitHeaders = (socket: Socket): void => {
    const deadline = deadlines.get(socket);
    if (!deadline) return;
    deadline.waitingSince = performance.now();
    arm(socket, limits.headersTimeoutMs, () => {
      // As Node does: a 408 only on a connection that has not been answered yet (a kept-alive
      // one that goes quiet mid-request is simply closed). No request is in progress on it, so
      // nothing else is being written.
      if (socket.writable && socket.bytesWritten === 0) socket.write(REQUEST_TIMEOUT_RESPONSE);
      socket.destroy();
    });
  };

  server.on('connection', (socket: Socket) => {
    deadlines.set(socket, { timer: undefined, generation: 0, waitingSince: performance.now() });
    socket.once('close', () => {
      disarm(socket);
      deadlines.delete(socket);
    });
    awaitHeaders(socket);
  });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    const deadline = deadlines.get(socket);
    if (!deadline) return;
    if (declaresBody(req)) {
      // The headers are in; what is left of the request's time is for its body.
      const left = limits.requestTimeoutMs - (performance.now() - deadline.waitingSince);
      const generation = arm(socket, left, () => socket.destroy());
      // The body is complete: the request's deadline is met. Node reads a body nobody consumed
      // once the response is done, so 'end' may come only after 'finish' armed the next deadline.
      req.once('end', () => disarm(socket, generation));
    } else {
      // Complete with its headers, as Node's own check sees it: the handler's time is not bounded here.
      disarm(socket);
    }
    res.once('finish', () => {
      if (!res.shouldKeepAlive || socket.destroyed) return disarm(socket);
      // Kept alive: the next request's headers are awaited from now (keepAliveTimeout also
      // closes the connection if nothing at all arrives).
      awaitHeaders(socket);
    });
  });

  return { armed: () => [...deadlines.values()].filter((d) => d.timer !== undefined).length };
}

/** Whether a body follows the headers (HTTP/1.1 framing: a length above zero, or chunked). */
function declaresBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
