// End-to-end: the daemon's HTTP port under hostile use (issue 11 item 1). The spawned CLI against
// the emulator; AWS cost is counted in the emulator's request log, file descriptors in /proc.
import { readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { ensureBuilt } from '../support/cli.js';
import { datadogDocument } from '../support/profile-documents.js';
import { waitFor } from '../support/wait-for.js';
import { DaemonProcess, emulatorEnv } from './daemon-process.js';

ensureBuilt(['runtime/daemon.ts', 'runtime/manual-trigger-gate.ts', 'server/http-server.ts', 'cli/commands/run.ts']);

const seed = { secrets: [{ name: 'flood/datadog', secretString: JSON.stringify({ apiKey: 'SENTINEL-flood-api', applicationKey: 'SENTINEL-flood-app' }) }] };
const WRITES = /^(Create|Update|Delete)ConnectorProfile$/;

let emu: RunningEmulator;
let work: string | undefined;
const daemons: DaemonProcess[] = [];
const sockets: Socket[] = [];

beforeAll(async () => {
  emu = await startEmulator({ port: 0, seed });
});
afterAll(async () => {
  await emu?.close();
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const d of daemons.splice(0)) d.kill();
  emu.faults.reset();
  if (work) await rm(work, { recursive: true, force: true });
  work = undefined;
});

async function startDaemon(profileNames: string[]): Promise<DaemonProcess> {
  work = await mkdtemp(join(tmpdir(), 'http-hardening-'));
  const profiles = join(work, 'profiles');
  await mkdir(profiles);
  for (const name of profileNames) {
    await writeFile(join(profiles, `${name}.json`), JSON.stringify(datadogDocument(name, { secret: 'flood/datadog' })));
  }
  const daemon = new DaemonProcess(['--profiles', profiles, '--state', join(work, 'state'), '--listen', '127.0.0.1:0', '--interval', '1h'], emulatorEnv(emu.endpoint));
  daemons.push(daemon);
  await daemon.started();
  return daemon;
}

/** `total` POSTs over at most `concurrency` keep-alive connections; resolves with the status codes. */
async function postBurst(url: string, total: number, concurrency: number): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const statuses: number[] = [];
  let sent = 0;
  const worker = async () => {
    while (sent < total) {
      sent += 1;
      statuses.push(
        await new Promise<number>((resolve, reject) => {
          const req = request(`${url}/reconcile`, { method: 'POST', agent }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', reject);
          req.end();
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return statuses;
}

interface Status {
  reconciling: boolean;
  reconcileQueued?: boolean;
  profiles: { name: string; condition: string; backoff?: { failures: number; retryAt: string | null } }[];
}

/** Waits until no pass runs and none is queued (the manual-trigger spacing included). */
function waitIdle(daemon: DaemonProcess, timeoutMs = 15_000): Promise<Status> {
  return waitFor(async () => {
    const status = await daemon.json<Status>('/status');
    return !status.reconciling && status.reconcileQueued !== true ? status : undefined;
  }, timeoutMs);
}

const passStarts = (daemon: DaemonProcess, from: number) => daemon.lines.slice(from).filter((l) => l.event === 'daemon.pass.start');

describe('POST /reconcile flood (spawned CLI, emulator)', () => {
  it('a burst of 300 POSTs costs at most one pass plus one follow-up, counted in AWS reads', async () => {
    const daemon = await startDaemon(['flood-a']);
    await daemon.waitReady();
    await waitIdle(daemon);
    // One pass's worth of AWS reads, from a pass of the same fleet with nothing to write.
    emu.clearRequestLog();
    let from = daemon.lines.length;
    await postBurst(daemon.url, 1, 1);
    await waitIdle(daemon);
    const readsPerPass = emu.requestLog().filter((e) => !WRITES.test(e.operation)).length;
    expect(passStarts(daemon, from)).toHaveLength(1);
    expect(readsPerPass).toBeGreaterThan(0);

    // The follow-up spacing counts from the last manual pass; start the burst after it.
    await postBurst(daemon.url, 1, 1);
    await waitIdle(daemon);
    emu.clearRequestLog();
    from = daemon.lines.length;
    const burstStart = Date.now();
    const statuses = await postBurst(daemon.url, 300, 16);
    const burstMs = Date.now() - burstStart;
    await waitIdle(daemon);
    const passes = passStarts(daemon, from).length;
    const reads = emu.requestLog().filter((e) => !WRITES.test(e.operation)).length;
    console.log(`flood: 300 POSTs in ${burstMs} ms -> ${passes} passes, ${reads} AWS reads (${readsPerPass} per pass)`);
    expect(statuses.every((s) => s === 202)).toBe(true);
    // Manual passes start at least 1 s apart: one pass at once, then one per started second of
    // the burst (a burst shorter than a second: one pass plus one follow-up).
    const bound = 1 + Math.max(1, Math.ceil(burstMs / 1000));
    expect(passes).toBeGreaterThanOrEqual(1);
    expect(passes).toBeLessThanOrEqual(bound);
    expect(reads).toBeLessThanOrEqual(bound * readsPerPass);
  });

  it('manual triggers never retry a profile that is backing off', async () => {
    // Every write to 'flood-bad' fails with a 500 (retried inside the pass, then backed off 15 s).
    emu.faults.failNext('CreateConnectorProfile', 1_000, { status: 500, code: 'InternalServerException', message: 'injected' });
    const daemon = await startDaemon(['flood-bad']);
    const backingOff = await waitFor(async () => {
      const status = await daemon.json<Status>('/status');
      return status.profiles.find((p) => p.name === 'flood-bad' && p.backoff?.retryAt) && !status.reconciling ? status : undefined;
    }, 15_000);
    const retryAt = Date.parse(backingOff.profiles[0]!.backoff!.retryAt!);
    emu.clearRequestLog();
    const from = daemon.lines.length;
    await postBurst(daemon.url, 50, 4);
    daemon.child.kill('SIGHUP');
    await daemon.waitForLog((l) => l.event === 'daemon.pass.start' && (l.triggers as string[]).includes('signal'), 10_000, from);
    await waitIdle(daemon);
    // Only writes made before the backoff expires count: after it, a retry is the backoff working.
    const writesDuringBackoff = emu.requestLog().filter((e) => WRITES.test(e.operation) && e.at < retryAt);
    console.log(`backoff: ${passStarts(daemon, from).length} manual passes during backoff, ${writesDuringBackoff.length} writes of the failing profile`);
    expect(passStarts(daemon, from).length).toBeGreaterThanOrEqual(1);
    expect(writesDuringBackoff).toEqual([]);
  });
});

describe('half-open connections', () => {
  it('300 connections that never finish their headers cost a bounded number of descriptors, and the port recovers', async () => {
    const daemon = await startDaemon([]);
    await daemon.waitReady();
    const pid = daemon.child.pid!;
    const fds = () => readdirSync(`/proc/${pid}/fd`).length;
    const baseline = fds();
    const { port } = new URL(daemon.url);
    const closed: Promise<void>[] = [];
    for (let i = 0; i < 300; i++) {
      const socket = connect(Number(port), '127.0.0.1');
      sockets.push(socket);
      socket.on('error', () => {});
      socket.resume(); // read the server's 408, so the close that follows it is seen
      socket.write('GET /status HTTP/1.1\r\nHost: x\r\n'); // never the blank line that ends the headers
      closed.push(new Promise((resolve) => socket.once('close', () => resolve())));
    }
    // The server accepts in arrival order: once a later connection has been answered or refused,
    // the 300 before it have been accepted (and kept or dropped).
    await new Promise<void>((resolve) => {
      const last = connect(Number(port), '127.0.0.1');
      sockets.push(last);
      last.on('error', () => resolve());
      last.on('close', () => resolve());
      last.on('data', () => last.destroy());
      last.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    });
    const held = fds() - baseline;
    console.log(`half-open: 300 connections held ${held} descriptors in the daemon`);
    expect(held).toBeLessThanOrEqual(64 + 8);
    // The header timeout frees every slot without the client's help.
    await Promise.all(closed);
    const res = await fetch(`${daemon.url}/healthz`);
    expect(res.status).toBe(200);
  }, 30_000);
});
