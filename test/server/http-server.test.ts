import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { Daemon, type DaemonReconcileFn } from '../../src/runtime/daemon.js';
import { createDaemonHttpServer, HTTP_LIMITS, type DaemonHttpServer } from '../../src/server/http-server.js';
import { createDaemonMetrics } from '../../src/server/metrics.js';
import { fakeReport, type FakeProfile } from '../runtime/fake-report.js';

const quiet = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
let http: DaemonHttpServer | undefined;
let daemon: Daemon | undefined;

afterEach(async () => {
  await daemon?.stop();
  await http?.close();
  daemon = undefined;
  http = undefined;
});

async function startStack(profiles: FakeProfile[], opts: { holdFirstPass?: Promise<void> } = {}) {
  const metrics = createDaemonMetrics();
  const calls: string[] = [];
  const reconcile: DaemonReconcileFn = async ({ reconcileId }) => {
    if (calls.length === 0 && opts.holdFirstPass) await opts.holdFirstPass;
    calls.push(reconcileId);
    daemon!.awsObserver({ service: 'appflow', operation: 'DescribeConnectorProfiles', durationMs: 12 });
    daemon!.awsObserver({ service: 'appflow', operation: 'UpdateConnectorProfile', errorCode: 'ThrottlingException', durationMs: 5 });
    daemon!.awsObserver({ service: 'appflow', operation: 'UpdateConnectorProfile', durationMs: 7 });
    return fakeReport(reconcileId, profiles);
  };
  daemon = new Daemon({ reconcile, logger: quiet, metrics, clock: new ManualClock(Date.UTC(2026, 0, 1)), resyncIntervalMs: 3_600_000 });
  const d = daemon;
  http = createDaemonHttpServer({
    metrics,
    readiness: () => d.readiness(),
    status: () => d.status(),
    requestReconcile: () => d.requestReconcile('http'),
  });
  const address = await http.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${address.port}`;
  return { base, calls, metrics };
}

describe('daemon HTTP server', () => {
  it('serves /healthz at once and /readyz 503 until the first pass is done, then 200', async () => {
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const { base } = await startStack([{ name: 'a' }], { holdFirstPass: hold });
    await daemon!.start();
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok\n');
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ ready: false, checks: { firstReconcileDone: false, awsReachable: true } });
    release();
    await daemon!.whenIdle();
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { ready: boolean }).ready).toBe(true);
  });

  it('exposes every metric with counts in Prometheus text', async () => {
    const { base } = await startStack([
      { name: 'a', action: 'update' },
      { name: 'b' },
      { name: 'c', action: 'update', result: 'failed', error: { code: 'ValidationException', message: 'nope', terminal: true } },
    ]);
    await daemon!.start();
    await daemon!.whenIdle();
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    for (const line of [
      'appflow_gitops_reconcile_total{result="failure",target="default"} 1',
      'appflow_gitops_reconcile_total{result="success",target="default"} 0',
      'appflow_gitops_reconcile_duration_seconds_count{result="failure",target="default"} 1',
      'appflow_gitops_profiles{condition="Ready",target="default"} 2',
      'appflow_gitops_profiles{condition="Failed",target="default"} 1',
      'appflow_gitops_profiles{condition="Pending",target="default"} 0',
      'appflow_gitops_drift_detected_total{action="update",target="default"} 2',
      'appflow_gitops_aws_calls_total{service="appflow",operation="DescribeConnectorProfiles",code="Success",target="default"} 1',
      'appflow_gitops_aws_calls_total{service="appflow",operation="UpdateConnectorProfile",code="ThrottlingException",target="default"} 1',
      'appflow_gitops_aws_call_duration_seconds_count{service="appflow",operation="UpdateConnectorProfile",target="default"} 2',
      'appflow_gitops_profile_writes_total{action="update",result="applied",target="default"} 1',
      'appflow_gitops_profile_writes_total{action="update",result="failed",target="default"} 1',
      'appflow_gitops_profiles_backing_off{target="default"} 1',
      'appflow_gitops_reconcile_requests_total{trigger="startup",target="default"} 1',
      'appflow_gitops_last_successful_reconcile_timestamp_seconds{target="default"} 0',
      'appflow_gitops_reconcile_in_progress{target="default"} 0',
    ]) {
      expect(text).toContain(line);
    }
    expect(text).toMatch(/^process_cpu_seconds_total /m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes /m);
  });

  it('sets the last-success timestamp after a fully converged pass', async () => {
    const { base } = await startStack([{ name: 'a' }]);
    await daemon!.start();
    await daemon!.whenIdle();
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain(`appflow_gitops_last_successful_reconcile_timestamp_seconds{target="default"} ${Date.UTC(2026, 0, 1) / 1000}`);
    expect(text).toContain('appflow_gitops_reconcile_total{result="success",target="default"} 1');
  });

  it('serves /status JSON per profile', async () => {
    const { base } = await startStack([
      { name: 'a', action: 'create', file: 'team/a.yaml' },
      { name: 'c', action: 'update', result: 'failed', error: { code: 'ValidationException', message: 'nope', terminal: true } },
    ]);
    await daemon!.start();
    await daemon!.whenIdle();
    const res = await fetch(`${base}/status`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown> & { profiles: unknown[] };
    expect(body.ready).toBe(true);
    expect(body.lastReconcile).toMatchObject({ result: 'failure', triggers: ['startup'] });
    expect(body.profiles).toEqual([
      expect.objectContaining({ name: 'a', condition: 'Ready', reason: 'Applied', sourceFile: 'team/a.yaml', lastAppliedAt: '2026-01-01T00:00:00.000Z' }),
      expect.objectContaining({
        name: 'c',
        condition: 'Failed',
        reason: 'WriteFailed',
        message: 'ValidationException: nope',
        lastError: expect.objectContaining({ code: 'ValidationException', terminal: true }),
        backoff: { failures: 1, retryAt: null, waitingForInputChange: true },
      }),
    ]);
  });

  it('POST /reconcile answers 202 and runs one pass; GET is refused', async () => {
    const { base, calls } = await startStack([{ name: 'a' }]);
    await daemon!.start();
    await daemon!.whenIdle();
    expect(calls).toHaveLength(1);
    const res = await fetch(`${base}/reconcile`, { method: 'POST' });
    expect(res.status).toBe(202);
    await daemon!.whenIdle();
    expect(calls).toHaveLength(2);
    expect(daemon!.status().lastReconcile?.triggers).toEqual(['http']);
    expect((await fetch(`${base}/reconcile`)).status).toBe(405);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    await daemon!.stop();
    expect((await fetch(`${base}/reconcile`, { method: 'POST' })).status).toBe(503);
  });

  it('POST /reconcile reads at most a small body: a larger one is 413 and the connection closes', async () => {
    const { base, calls } = await startStack([{ name: 'a' }]);
    await daemon!.start();
    await daemon!.whenIdle();
    const small = await fetch(`${base}/reconcile`, { method: 'POST', body: '{}' });
    expect(small.status).toBe(202);
    const declared = await fetch(`${base}/reconcile`, { method: 'POST', body: 'x'.repeat(HTTP_LIMITS.maxBodyBytes + 1) });
    expect(declared.status).toBe(413);
    expect(declared.headers.get('connection')).toBe('close');
    // Chunked, no length declared: counted while read, cut off past the limit.
    const chunked = await rawExchange(base, `POST /reconcile HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${'400\r\n' + 'y'.repeat(0x400) + '\r\n'}${'400\r\n' + 'y'.repeat(0x400) + '\r\n'}`);
    expect(chunked.split('\r\n')[0]).toBe('HTTP/1.1 413 Payload Too Large');
    await daemon!.whenIdle();
    expect(calls).toHaveLength(2); // only the small POST asked for a pass
  });

  it('GET reads no body: a request that sends one is answered and its connection closed', async () => {
    const { base } = await startStack([]);
    // A body announced as 10 MB but never sent: the server answers and closes instead of waiting for it.
    const reply = await rawExchange(base, 'GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\nabc');
    expect(reply.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(reply.toLowerCase()).toContain('connection: close');
  });

  it('sets the connection and timeout bounds on the server', async () => {
    await startStack([]);
    const server = http!.server;
    expect(server.maxConnections).toBe(64);
    expect(server.headersTimeout).toBe(5_000);
    expect(server.requestTimeout).toBe(10_000);
    expect(server.keepAliveTimeout).toBe(5_000);
    expect(server.maxRequestsPerSocket).toBe(100);
  });
});

/** Writes `text` on a fresh connection and resolves with everything read until the server closes it. */
function rawExchange(base: string, text: string): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    let reply = '';
    const socket = connect(Number(port), hostname);
    socket.on('data', (chunk) => (reply += chunk.toString()));
    socket.on('close', () => resolve(reply));
    socket.on('error', reject);
    socket.write(text);
  });
}
