// Local AppFlow (connector profiles) + Secrets Manager emulator. Start it in-process with
// startEmulator(), or as `appflow-gitops emulator`. Behaviour and sources: SPEC.md.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAdmin } from './admin.js';
import { Faults } from './faults.js';
import { createRequestListener } from './http-server.js';
import { Partitions } from './partitions.js';
import { readStateFile, restoreState, snapshotState, StateWriter } from './persistence.js';
import { RequestLog } from './request-log.js';
import { applySeed } from './seed.js';
import { StsSessions } from './sts-sessions.js';
import type { EmulatorOptions, EmulatorSeed, RunningEmulator } from './types.js';

export type {
  EmulatorOptions,
  EmulatorSeed,
  FaultController,
  FaultError,
  RequestLogEntry,
  RunningEmulator,
  SeedSecret,
  TokenMismatchError,
} from './types.js';

export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_ACCOUNT_ID = '123456789012';
/** AWS's default quota of connector profiles per account (CreateConnectorProfile documentation). */
export const DEFAULT_PROFILE_QUOTA = 100;

function checkQuota(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`profile quota must be a non-negative integer, got ${n}`);
  return n;
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  const region = opts.region ?? DEFAULT_REGION;
  const accountId = opts.accountId ?? DEFAULT_ACCOUNT_ID;
  let quota = checkQuota(opts.profileQuota ?? DEFAULT_PROFILE_QUOTA);
  let clockSource = opts.now ?? Date.now;
  let clockOffset = 0;
  const now = () => clockSource() + clockOffset;
  const tokenMismatchError = opts.tokenMismatchError ?? 'ConflictException';

  let writer: StateWriter | undefined;
  const partitions = new Partitions(accountId, region, {
    now,
    profileQuota: () => quota,
    changed: () => writer?.schedule(),
    tokenMismatchError: () => tokenMismatchError,
  });
  const store = partitions.defaultContext.store;
  writer = opts.stateFile ? new StateWriter(opts.stateFile, () => snapshotState(partitions)) : undefined;
  if (opts.stateFile) {
    const saved = readStateFile(opts.stateFile);
    if (saved) restoreState(partitions, saved);
  }
  const seed = (s: EmulatorSeed) => applySeed(partitions, s);
  if (opts.seed) seed(opts.seed);

  const faults = new Faults();
  const log = new RequestLog();
  const sessions = new StsSessions();
  const summary = () => ({
    region,
    accountId,
    profileQuota: quota,
    profiles: store.profiles.size,
    secrets: store.secrets.size,
    now: now(),
    partitions: partitions.all().map((p) => ({ accountId: p.accountId, region: p.region, profiles: p.store.profiles.size, secrets: p.store.secrets.size })),
  });
  const listener = createRequestListener({
    partitions,
    sts: { sessions, now, roleRefusal: (roleArn, externalId) => faults.roleRefusal(roleArn, externalId) },
    faults,
    log,
    admin: (method, path, body) =>
      handleAdmin(
        {
          faults,
          requestLog: () => log.list(),
          clearRequestLog: () => log.clear(),
          seed,
          resetState: () => {
            partitions.clear();
            sessions.clear();
            faults.reset();
            log.clear();
            writer?.schedule();
          },
          setProfileQuota: (n) => {
            quota = checkQuota(n);
          },
          advanceClock: (ms) => {
            clockOffset += ms;
          },
          summary,
        },
        method,
        path,
        body,
      ),
  });

  const server = createServer({ keepAlive: true }, listener);
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  writer?.flush();

  let closed = false;
  return {
    endpoint: `http://${urlHost}:${port}`,
    port,
    faults,
    requestLog: () => log.list(),
    clearRequestLog: () => log.clear(),
    seed,
    setNow: (source) => {
      clockSource = source;
    },
    setProfileQuota: (n) => {
      quota = checkQuota(n);
    },
    storedCredentials: (name) => store.credentials.get(name),
    profileCount: () => store.profiles.size,
    profileNames: (where = {}) => [...(partitions.find(where.accountId ?? accountId, where.region ?? region)?.store.sortedProfileNames ?? [])],
    onRequest: (listener) => log.subscribe(listener),
    onRequestArrived: (listener) => log.subscribeArrivals(listener),
    flushState: () => writer?.flush(),
    close: async () => {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      writer?.flush();
    },
  };
}
