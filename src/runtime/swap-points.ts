// Which directory entries, if replaced, move a path's real path: the symbolic links met while
// resolving it (as the kernel does, component by component; a link's target may itself go through
// links) and the first missing component. The profile watcher watches their parent directories to
// notice git-sync's atomic link swaps at once (src/runtime/profile-watcher.ts).
import { lstatSync, readlinkSync } from 'node:fs';
import { dirname, isAbsolute, join, parse, resolve, sep } from 'node:path';

// The kernel's limit on links followed in one path resolution (ELOOP beyond it).
const MAX_LINKS = 40;

/** A directory entry whose replacement moves the watched directory's real path. */
export interface SwapPoint {
  parent: string;
  name: string;
}

/**
 * The entries whose replacement would move `dir`'s real path: each symbolic link met while
 * resolving it, component by component as the kernel does (a link's target may itself go through
 * links), and the first missing component, if any (its creation, e.g. git-sync's first link).
 */
export function swapPoints(dir: string): SwapPoint[] {
  const points: SwapPoint[] = [];
  const absolute = resolve(dir);
  let current = parse(absolute).root; // always a real path: each step below keeps it one
  const rest = absolute.slice(current.length).split(sep);
  let links = 0;
  while (rest.length > 0) {
    const name = rest.shift()!;
    if (name === '' || name === '.') continue;
    if (name === '..') {
      current = dirname(current);
      continue;
    }
    const path = join(current, name);
    try {
      if (!lstatSync(path).isSymbolicLink()) {
        current = path;
        continue;
      }
      points.push({ parent: current, name });
      if (++links > MAX_LINKS) break;
      const target = readlinkSync(path);
      if (isAbsolute(target)) current = parse(target).root;
      rest.unshift(...target.split(sep));
    } catch {
      points.push({ parent: current, name }); // missing (or unreadable): watch for it to appear
      break;
    }
  }
  return points;
}
