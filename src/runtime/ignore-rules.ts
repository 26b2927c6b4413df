// Which file-system events are noise. Editors save through temp and backup files (vim's `.swp`,
// `4913` and `file~`, emacs's `#file#` and `.#file`, JetBrains' `___jb_tmp___`, sed -i's `sedXXXX`),
// and git-sync swaps a `.git`-adjacent symlink: reacting to those would reconcile half-written
// content or just waste a pass. The loader decides which files hold profiles; this only filters
// names that are never profiles.
import { basename } from 'node:path';

const TEMP_SUFFIXES = ['~', '.swp', '.swo', '.swx', '.tmp', '.temp', '.bak', '.orig', '.rej', '.part', '.crdownload', '___jb_tmp___', '___jb_old___'];

/** True for paths whose events should not trigger a reconcile. */
export function isIgnoredPath(path: string): boolean {
  const name = basename(path);
  if (name === '') return false;
  if (name.startsWith('.')) return true; // dotfiles and dot-directories (.git, .#lock, .file.swp)
  if (name.startsWith('#') && name.endsWith('#')) return true; // emacs auto-save
  if (name === '4913') return true; // vim's write-permission probe
  if (/^sed[A-Za-z0-9]{6}$/.test(name)) return true; // sed -i temp file
  const lower = name.toLowerCase();
  return TEMP_SUFFIXES.some((suffix) => lower.endsWith(suffix));
}
