// Watches the profiles directory and turns a burst of file events into one callback. Half-written
// saves are handled twice over: chokidar's awaitWriteFinish holds an event until the file size
// stops changing for a short while, and if a partial file still slips through, the loader reports
// a parse error (which blocks prune) and the final write raises another event and another pass.
//
// git-sync (the usual sidecar) publishes each revision by atomically swapping a symlink. A watch
// follows the directory it resolved at start, so after a swap it would watch a stale revision and
// miss every later change. The watcher therefore re-resolves the directory's real path every
// second and, when it moved, reports a change and re-creates the watch on the new target.
import { realpath } from 'node:fs/promises';
import { relative } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Clock, TimerHandle } from './clock.js';
import { isIgnoredPath } from './ignore-rules.js';

export interface ProfileWatcherOptions {
  dir: string;
  /** Quiet period after the last event before `onChange` fires. */
  debounceMs?: number;
  /** Upper bound on the wait during a continuous stream of events (e.g. a large git checkout). */
  maxWaitMs?: number;
  /** awaitWriteFinish stability threshold (size unchanged for this long). */
  writeStableMs?: number;
  /** How often the directory's real path is re-resolved (symlink swaps); 0 disables. */
  realpathPollMs?: number;
  clock: Clock;
  /** Called once per burst with the changed paths (relative to `dir`; '.' for the directory itself). */
  onChange: (paths: string[]) => void;
  onError?: (err: Error) => void;
}

// Both waits are short on purpose: git-sync and most editors save by rename, so a file appears
// whole and any wait is pure latency; the stability check remains for in-place writers, and a
// burst (a checkout) arrives within milliseconds, well inside 50 ms of quiet. They were 200 and
// 100 ms: 300 ms of a 660 ms save-to-update p95 (issue 17).
export const DEFAULT_WATCH_DEBOUNCE_MS = 50;
export const DEFAULT_WRITE_STABLE_MS = 50;
export const DEFAULT_WATCH_MAX_WAIT_MS = 1000;
export const DEFAULT_REALPATH_POLL_MS = 1000;

export interface ProfileWatcher {
  /** Resolves once the initial scan is done (events before it are not reported). */
  ready: Promise<void>;
  close(): Promise<void>;
}

async function resolveReal(dir: string): Promise<string | undefined> {
  try {
    return await realpath(dir);
  } catch {
    return undefined; // missing for now; chokidar reports it when it appears
  }
}

export function watchProfiles(options: ProfileWatcherOptions): ProfileWatcher {
  const debounceMs = options.debounceMs ?? DEFAULT_WATCH_DEBOUNCE_MS;
  const stableMs = options.writeStableMs ?? DEFAULT_WRITE_STABLE_MS;
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_WATCH_MAX_WAIT_MS;
  const pollMs = options.realpathPollMs ?? DEFAULT_REALPATH_POLL_MS;
  const changed = new Set<string>();
  let timer: TimerHandle | undefined;
  let pollTimer: TimerHandle | undefined;
  let burstStartedAt = 0;
  let closed = false;

  const flush = () => {
    timer = undefined;
    const paths = [...changed].sort();
    changed.clear();
    if (paths.length > 0) options.onChange(paths);
  };

  const record = (relativePath: string) => {
    const now = options.clock.now();
    if (changed.size === 0) burstStartedAt = now;
    changed.add(relativePath || '.');
    timer?.cancel();
    // Trailing debounce, but never later than maxWait after the burst's first event.
    timer = options.clock.setTimer(flush, Math.max(0, Math.min(debounceMs, burstStartedAt + maxWaitMs - now)));
  };

  const startWatch = (): FSWatcher => {
    const watcher = watch(options.dir, {
      ignoreInitial: true,
      persistent: true,
      // Only names below the watched root are filtered: the root itself may be a dot-directory.
      ignored: (path) => path !== options.dir && isIgnoredPath(path),
      awaitWriteFinish: { stabilityThreshold: stableMs, pollInterval: Math.max(10, Math.round(stableMs / 4)) },
    });
    watcher.on('all', (_event, path) => record(relative(options.dir, path)));
    watcher.on('error', (err) => options.onError?.(err instanceof Error ? err : new Error(String(err))));
    return watcher;
  };

  let watcher = startWatch();
  const ready = (async () => {
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    if (pollMs <= 0) return;
    let lastReal = await resolveReal(options.dir);
    const poll = async () => {
      const real = await resolveReal(options.dir);
      if (closed) return;
      if (real !== lastReal) {
        lastReal = real;
        const stale = watcher;
        watcher = startWatch();
        await stale.close();
        record('.');
      }
      if (!closed) pollTimer = options.clock.setTimer(() => void poll(), pollMs);
    };
    pollTimer = options.clock.setTimer(() => void poll(), pollMs);
  })();

  return {
    ready,
    async close() {
      closed = true;
      timer?.cancel();
      pollTimer?.cancel();
      await watcher.close();
    },
  };
}
