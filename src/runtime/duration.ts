// Durations on the command line: `30s`, `5m`, `1h`, `1h30m`, `250ms`. A bare number is rejected
// because "5" could mean seconds or minutes, and guessing wrong either floods AWS or never resyncs.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a duration into milliseconds; throws an Error naming the value when it is not one. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = part.exec(trimmed)) !== null) {
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
    consumed = part.lastIndex;
  }
  if (trimmed === '' || consumed !== trimmed.length) {
    throw new Error(`invalid duration "${text}": use a number with a unit, e.g. 30s, 5m, 1h, 1h30m, 500ms`);
  }
  return Math.round(total);
}

/** Formats milliseconds for logs and docs: 300000 → "5m", 1500 → "1.5s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)}s`;
  if (ms < 3_600_000) return `${+(ms / 60_000).toFixed(1)}m`;
  return `${+(ms / 3_600_000).toFixed(1)}h`;
}

/** `base` moved by a random fraction in [-spread, +spread] (e.g. 0.1 = ±10%). */
export function withJitter(base: number, spread: number, random: () => number = Math.random): number {
  return Math.round(base * (1 + spread * (2 * random() - 1)));
}
