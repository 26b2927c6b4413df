// The admin HTTP API under /__emulator/, for tests and benchmarks that run the emulator as a
// separate process. It mirrors the in-process RunningEmulator controls. Documented in SPEC.md.
import type { Faults } from './faults.js';
import type { EmulatorSeed, FaultError } from './types.js';

export interface AdminControls {
  faults: Faults;
  requestLog(): unknown[];
  clearRequestLog(): void;
  seed(seed: EmulatorSeed): void;
  resetState(): void;
  setProfileQuota(n: number): void;
  /** Moves the emulator clock by `ms` relative to its source (negative allowed). */
  advanceClock(ms: number): void;
  summary(): Record<string, unknown>;
}

type AdminResult = { status: number; body: unknown };

const ok = (body: unknown = { ok: true }): AdminResult => ({ status: 200, body });
const bad = (message: string): AdminResult => ({ status: 400, body: { error: message } });

interface FaultCommand {
  action?: string;
  operation?: string;
  count?: number;
  error?: FaultError;
  requestsPerSecond?: number | null;
  ms?: number;
  roleArn?: string;
  denied?: boolean;
  externalId?: string | null;
}

function applyFault(faults: Faults, command: FaultCommand): void {
  const operation = command.operation ?? '*';
  switch (command.action) {
    case 'failNext':
      faults.failNext(operation, command.count ?? 1, command.error as FaultError);
      return;
    case 'throttle':
      faults.throttle(operation, command.requestsPerSecond ?? undefined);
      return;
    case 'latency':
      faults.latency(operation, command.ms ?? 0);
      return;
    case 'applyThenDrop':
      faults.applyThenDrop(operation, command.count ?? 1);
      return;
    case 'denyRole':
      faults.denyRole(command.roleArn as string, command.denied ?? true);
      return;
    case 'requireExternalId':
      faults.requireExternalId(command.roleArn as string, command.externalId ?? undefined);
      return;
    case 'reset':
      faults.reset();
      return;
    default:
      throw new RangeError(`unknown fault action ${JSON.stringify(command.action)} (failNext, throttle, latency, applyThenDrop, denyRole, requireExternalId, reset)`);
  }
}

export function handleAdmin(controls: AdminControls, method: string, path: string, body: unknown): AdminResult {
  const key = `${method} ${path.replace(/\/+$/, '')}`;
  try {
    switch (key) {
      case 'GET /__emulator/health':
        return ok({ ok: true, ...controls.summary() });
      case 'GET /__emulator/requests':
        return ok({ requests: controls.requestLog() });
      case 'DELETE /__emulator/requests':
        controls.clearRequestLog();
        return ok();
      case 'GET /__emulator/faults':
        return ok(controls.faults.describe());
      case 'POST /__emulator/faults': {
        const commands = Array.isArray(body) ? body : [body];
        for (const command of commands) applyFault(controls.faults, (command ?? {}) as FaultCommand);
        return ok(controls.faults.describe());
      }
      case 'DELETE /__emulator/faults':
        controls.faults.reset();
        return ok();
      case 'POST /__emulator/reset':
        controls.resetState();
        return ok();
      case 'POST /__emulator/seed':
        controls.seed(body ?? {});
        return ok(controls.summary());
      case 'POST /__emulator/config': {
        const config = (body ?? {}) as { profileQuota?: number; advanceClockMs?: number };
        if (config.profileQuota !== undefined) controls.setProfileQuota(config.profileQuota);
        if (config.advanceClockMs !== undefined) {
          if (typeof config.advanceClockMs !== 'number' || !Number.isFinite(config.advanceClockMs)) return bad('advanceClockMs must be a number');
          controls.advanceClock(config.advanceClockMs);
        }
        return ok(controls.summary());
      }
      default:
        return { status: 404, body: { error: `no admin route ${key}` } };
    }
  } catch (err) {
    return bad(err instanceof Error ? err.message : String(err));
  }
}
