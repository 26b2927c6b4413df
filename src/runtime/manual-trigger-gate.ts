// Rate limit for manual triggers (POST /reconcile, SIGHUP). Anyone who can reach the port can send
// them, so their cost is bounded here rather than trusted: a burst of any size costs at most one
// pass plus one follow-up, and passes that a manual trigger asked for start at least
// `minIntervalMs` apart. While a manual request waits for its slot, every further one joins it.
// Requests handed on still coalesce in the single-flight scheduler with whatever else is queued.
import type { Clock, TimerHandle } from './clock.js';
import type { TriggerReason } from './scheduler.js';

export const MANUAL_TRIGGERS: ReadonlySet<TriggerReason> = new Set<TriggerReason>(['http', 'signal']);
export const DEFAULT_MANUAL_MIN_INTERVAL_MS = 1_000;

export type ManualTriggerOutcome = 'requested' | 'waiting' | 'coalesced';

export interface ManualTriggerGateOptions {
  clock: Clock;
  minIntervalMs?: number;
  /** Hands the (coalesced) manual request on to the scheduler. */
  release: (reasons: TriggerReason[]) => void;
}

export class ManualTriggerGate {
  readonly #clock: Clock;
  readonly #minIntervalMs: number;
  readonly #release: (reasons: TriggerReason[]) => void;
  #waiting: Set<TriggerReason> | undefined;
  #timer: TimerHandle | undefined;
  #lastManualPassAt: number | undefined;

  constructor(options: ManualTriggerGateOptions) {
    this.#clock = options.clock;
    this.#minIntervalMs = options.minIntervalMs ?? DEFAULT_MANUAL_MIN_INTERVAL_MS;
    this.#release = options.release;
  }

  /** True while a manual request waits for its slot. */
  get waiting(): boolean {
    return this.#waiting !== undefined;
  }

  request(reason: TriggerReason): ManualTriggerOutcome {
    if (this.#waiting) {
      this.#waiting.add(reason);
      return 'coalesced';
    }
    const delay = this.#lastManualPassAt === undefined ? 0 : this.#lastManualPassAt + this.#minIntervalMs - this.#clock.now();
    if (delay <= 0) {
      this.#release([reason]);
      return 'requested';
    }
    this.#waiting = new Set([reason]);
    this.#timer = this.#clock.setTimer(() => this.#releaseWaiting(), delay);
    return 'waiting';
  }

  /** The daemon reports each pass start; spacing counts from passes a manual trigger asked for. */
  passStarted(reasons: readonly TriggerReason[], at: number): void {
    if (reasons.some((r) => MANUAL_TRIGGERS.has(r))) this.#lastManualPassAt = at;
  }

  cancel(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#waiting = undefined;
  }

  #releaseWaiting(): void {
    const reasons = this.#waiting;
    this.#timer = undefined;
    this.#waiting = undefined;
    if (reasons) this.#release([...reasons]);
  }
}
