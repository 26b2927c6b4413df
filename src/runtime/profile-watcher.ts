// Watches the profiles directory and turns a burst of file events into one callback. Half-written
// saves are handled twice over: chokidar's awaitWriteFinish holds an event until the file size
// stops changing for a short while, and if a partial file still slips through, the loader reports
// a parse error (which blocks prune) and the final write raises another event and another pass.
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
  clock: Clock;
  /** Called once per burst with the changed paths (relative to `dir`). */
  onChange: (paths: string[]) => void;
  onError?: (err: Error) => void;
}

export const DEFAULT_WATCH_DEBOUNCE_MS = 200;
export const DEFAULT_WRITE_STABLE_MS = 100;
export const DEFAULT_WATCH_MAX_WAIT_MS = 1000;

export interface ProfileWatcher {
  /** Resolves once the initial scan is done (events before it are not reported). */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function watchProfiles(options: ProfileWatcherOptions): ProfileWatcher {
  const debounceMs = options.debounceMs ?? DEFAULT_WATCH_DEBOUNCE_MS;
  const stableMs = options.writeStableMs ?? DEFAULT_WRITE_STABLE_MS;
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_WATCH_MAX_WAIT_MS;
  const changed = new Set<string>();
  let timer: TimerHandle | undefined;
  let burstStartedAt = 0;

  const flush = () => {
    timer = undefined;
    const paths = [...changed].sort();
    changed.clear();
    if (paths.length > 0) options.onChange(paths);
  };

  const watcher: FSWatcher = watch(options.dir, {
    ignoreInitial: true,
    persistent: true,
    // Only names below the watched root are filtered: the root itself may be a dot-directory.
    ignored: (path) => path !== options.dir && isIgnoredPath(path),
    awaitWriteFinish: { stabilityThreshold: stableMs, pollInterval: Math.max(10, Math.round(stableMs / 4)) },
  });

  watcher.on('all', (_event, path) => {
    const now = options.clock.now();
    if (changed.size === 0) burstStartedAt = now;
    changed.add(relative(options.dir, path) || '.');
    timer?.cancel();
    // Trailing debounce, but never later than maxWait after the burst's first event.
    timer = options.clock.setTimer(flush, Math.max(0, Math.min(debounceMs, burstStartedAt + maxWaitMs - now)));
  });
  watcher.on('error', (err) => options.onError?.(err instanceof Error ? err : new Error(String(err))));

  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    async close() {
      timer?.cancel();
      await watcher.close();
    },
  };
}
