// Which file-system events are noise. Editors save through temp and backup files and git-sync
// swaps a symlink next to `.git`: reacting to those would reconcile half-written content or just
// waste a pass. The list of names is the loader's own (isIgnoredName), so a file the loader would
// never read never triggers a pass either.
import { basename } from 'node:path';
import { isIgnoredName } from '../desired/discover-files.js';

/** True for paths whose events should not trigger a reconcile. */
export function isIgnoredPath(path: string): boolean {
  const name = basename(path);
  return name !== '' && isIgnoredName(name);
}
