// Watches the profiles directory and turns a burst of file events into one callback. Half-written
// saves are handled twice over: chokidar's awaitWriteFinish holds an event until the file size
// stops changing for a short while, and if a partial file still slips through, the loader reports
// a parse error (which blocks prune) and the final write raises another event and another pass.
//
// git-sync (the usual sidecar) publishes each revision by atomically swapping a symlink (a new
// link renamed over the old one, e.g. /git/repo -> .worktrees/<hash>). A watch follows the
// directory it resolved at start, so after a swap it would watch a stale revision and miss every
// later change. When the directory's real path moves, the watcher reports a change ('.') and
// re-creates the watch on the new target. What notices the move:
//
// - Event-driven: every symbolic link met while resolving the path (anywhere on it, and the links
//   its targets lead through) and the first missing component, if any, is watched through its
//   parent directory (`fs.watch`, one inotify watch each, no timers); an event naming the entry
//   (or the parent itself going away) re-checks the real path at once. The set is recomputed
//   after every re-check.
// - A slow safety poll (DEFAULT_REALPATH_POLL_MS) for what those watches cannot see: a plain
//   directory on the path replaced by a link (nothing watches a plain component's parent), a
//   watched parent replaced between two events, events lost to an inotify queue overflow. With no link on the path there is nothing to swap: a plain directory replaced
//   by rename keeps its real path, and chokidar sees the watched directory itself go and come.
//   If a parent watch cannot be set up or fails (no inotify, watch limit reached), the poll runs
//   every second instead, as it always did before the parent watches.
//
// Every wake-up of an idle process costs about 1 ms of CPU on the Firecracker VM measured (PTI):
// the 1 s poll alone was one of the two wake-ups a second of the idle daemon (docs/benchmarks.md).
import { realpathSync, statSync, watch as watchDirectory, type FSWatcher as DirectoryWatcher } from 'node:fs';
import { basename, relative } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Clock, TimerHandle } from './clock.js';
import { isIgnoredPath } from './ignore-rules.js';
import { swapPoints } from './swap-points.js';

export interface ProfileWatcherOptions {
  dir: string;
  /** Quiet period after the last event before `onChange` fires. */
  debounceMs?: number;
  /** Upper bound on the wait during a continuous stream of events (e.g. a large git checkout). */
  maxWaitMs?: number;
  /** awaitWriteFinish stability threshold (size unchanged for this long). */
  writeStableMs?: number;
  /**
   * How often the directory's real path is re-resolved as a safety net behind the watches on the
   * links' parent directories (which notice git-sync's swaps at once); 0 disables the poll only.
   */
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
// The safety poll: the parent watches notice swaps at once, so this only bounds how late a change
// they cannot see is noticed. 30 s is the deploy guide's git-sync --period, so such a swap is
// picked up within about one more sync period, and the periodic resync and git-sync's webhook
// remain besides. One wake-up per 30 s is ~0.003% of a core here (it was 1 s: ~0.1%).
export const DEFAULT_REALPATH_POLL_MS = 30_000;
// The poll's interval while a parent watch is missing: the swap-detection latency before the
// parent watches, for file systems without inotify.
const FALLBACK_REALPATH_POLL_MS = 1000;

export interface ProfileWatcher {
  /** Resolves once the initial scan is done (events before it are not reported). */
  ready: Promise<void>;
  close(): Promise<void>;
}

function resolveReal(dir: string): string | undefined {
  try {
    return realpathSync.native(dir);
  } catch {
    return undefined; // missing for now; its parent is watched (or the poll notices it appear)
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

  // Resolved before chokidar starts, so a swap during its initial scan shows in the first re-check.
  let lastReal = resolveReal(options.dir);
  let watcher = startWatch();
  let parentWatches: DirectoryWatcher[] = [];
  let watchedPoints = '';
  let parentWatchFailed = false;

  const armPoll = () => {
    pollTimer?.cancel();
    pollTimer = undefined;
    if (closed || pollMs <= 0) return;
    const interval = parentWatchFailed ? Math.min(pollMs, FALLBACK_REALPATH_POLL_MS) : pollMs;
    pollTimer = options.clock.setTimer(() => {
      recheck();
      armPoll();
    }, interval);
  };

  const parentWatchLost = () => {
    if (parentWatchFailed) return;
    parentWatchFailed = true;
    armPoll();
  };

  /** Watches the parent of every swap point on the path, when they differ from those watched. */
  const watchSwapPoints = () => {
    const points = swapPoints(options.dir);
    // With each parent's inode: a parent removed and made anew needs a new watch (the old one is dead).
    const key = JSON.stringify(points.map(({ parent, name }) => [parent, name, statSync(parent, { throwIfNoEntry: false })?.ino]));
    if (key === watchedPoints && !parentWatchFailed) return;
    for (const handle of parentWatches) handle.close();
    parentWatches = [];
    watchedPoints = key;
    const wasFailed = parentWatchFailed;
    parentWatchFailed = false;
    const names = new Map<string, Set<string>>();
    for (const { parent, name } of points) names.set(parent, (names.get(parent) ?? new Set()).add(name));
    for (const [parent, watched] of names) {
      try {
        const handle = watchDirectory(parent, { persistent: false }, (_event, filename) => {
          // A null name: the kernel did not say which entry changed, so it may have been ours. The
          // parent's own name: the parent itself was removed or renamed (its watch is now dead).
          if (filename === null || watched.has(filename.toString()) || filename.toString() === basename(parent)) recheck();
        });
        handle.on('error', () => {
          handle.close();
          parentWatchLost();
        });
        parentWatches.push(handle);
      } catch {
        parentWatchFailed = true; // no inotify, or its watch limit reached: the poll covers it
      }
    }
    if (parentWatchFailed !== wasFailed) armPoll();
  };

  // Synchronous from start to end, so two re-checks can never interleave.
  const recheck = () => {
    if (closed) return;
    const real = resolveReal(options.dir);
    if (real !== lastReal) {
      lastReal = real;
      const stale = watcher;
      watcher = startWatch();
      stale.close().catch((err: unknown) => options.onError?.(err instanceof Error ? err : new Error(String(err))));
      record('.');
    }
    watchSwapPoints();
  };

  const ready = (async () => {
    await new Promise<void>((done) => watcher.once('ready', () => done()));
    recheck();
    armPoll();
  })();

  return {
    ready,
    async close() {
      closed = true;
      timer?.cancel();
      pollTimer?.cancel();
      for (const handle of parentWatches) handle.close();
      parentWatches = [];
      await watcher.close();
    },
  };
}
