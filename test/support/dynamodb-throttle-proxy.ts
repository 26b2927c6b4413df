// A loopback HTTP proxy in front of DynamoDB Local that answers the first `throttle` requests for
// the chosen operations the way DynamoDB does when it throttles (HTTP 400,
// ProvisionedThroughputExceededException), then forwards everything. DynamoDB Local itself never
// throttles; this lets the real SDK's retry path be tested with real HTTP, no SDK mocks.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ThrottleProxy {
  endpoint: string;
  /** Requests answered with a throttle so far, by operation (X-Amz-Target suffix). */
  throttled: Map<string, number>;
  /** Throttle the next `count` requests of `operations` (all when empty). */
  throttleNext(count: number, operations?: string[]): void;
  close(): Promise<void>;
}

export async function startThrottleProxy(upstream: string): Promise<ThrottleProxy> {
  const target = new URL(upstream);
  let remaining = 0;
  let only: Set<string> | undefined;
  const throttled = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const operation = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
    if (remaining > 0 && (!only || only.has(operation))) {
      remaining -= 1;
      throttled.set(operation, (throttled.get(operation) ?? 0) + 1);
      req.resume();
      const body = JSON.stringify({
        __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
        message: 'The level of configured provisioned throughput for the table was exceeded.',
      });
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `throttle-${Date.now()}`, 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    const forward = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    throttled,
    throttleNext(count, operations = []) {
      remaining = count;
      only = operations.length > 0 ? new Set(operations) : undefined;
    },
    close: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}
