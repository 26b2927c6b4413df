// Finds profile files under the profiles directory: .yaml/.yml/.json, recursively, skipping
// dotfiles and dot-directories, editor temp/backup files, and symlinks that lead outside the
// directory (a profiles checkout must not pull in files from elsewhere on the machine).
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { extname, relative, resolve, sep } from 'node:path';
import { CONFIG_FILE_NAME } from './config-file-name.js';
import type { Diagnostic, DirectoryStatus } from '../model/types.js';
import { makeDiagnostic } from './diagnostics.js';

const PROFILE_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export interface DiscoveredFile {
  /** Path relative to the profiles directory, with '/' separators. */
  relativePath: string;
  absolutePath: string;
  format: 'yaml' | 'json';
}

export interface Discovery {
  directory: DirectoryStatus;
  files: DiscoveredFile[];
  diagnostics: Diagnostic[];
  /** Relative paths of directories that could not be read (their profiles are unknown). */
  unreadable: string[];
}

const TEMP_SUFFIXES = ['~', '.swp', '.swo', '.swx', '.bak', '.backup', '.tmp', '.temp', '.orig', '.rej', '.part', '.crdownload', '___jb_tmp___', '___jb_old___'];
/** TEMP_SUFFIXES as one case-insensitive test (a lower-cased copy and 14 endsWith per name cost more). */
const TEMP_SUFFIX = new RegExp(`(?:${TEMP_SUFFIXES.map((suffix) => suffix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`, 'i');
const SED_TEMP = /^sed[A-Za-z0-9]{6}$/;

/**
 * Files editors and tools leave behind: never profiles, even when the extension matches. The
 * loader skips them and the daemon's watcher ignores their events (src/runtime/ignore-rules.ts),
 * so both agree on one list: vim's `.swp` and `4913` probe, `file~`, emacs's `#file#` and `.#file`,
 * JetBrains' `___jb_tmp___`, sed -i's `sedXXXXXX`, and every dotfile (which covers `.git`).
 */
export function isIgnoredName(name: string): boolean {
  if (name.startsWith('.')) return true;
  if (name.startsWith('#') && name.endsWith('#')) return true;
  if (name === '4913') return true;
  if (SED_TEMP.test(name)) return true;
  return TEMP_SUFFIX.test(name);
}

export function profileFormat(name: string): 'yaml' | 'json' | undefined {
  const extension = extname(name).toLowerCase();
  if (!PROFILE_EXTENSIONS.has(extension)) return undefined;
  return extension === '.json' ? 'json' : 'yaml';
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/**
 * `exclude`: absolute paths that are not profiles (a --config file kept inside the directory).
 * The config file at the root, appflow-gitops.yaml, is never a profile either.
 */
export async function discoverProfileFiles(root: string, exclude: readonly string[] = []): Promise<Discovery> {
  const result: Discovery = { directory: 'ok', files: [], diagnostics: [], unreadable: [] };
  // The root is resolved once, and everything below is read through that real path: git-sync
  // swaps a symlink to a new revision directory at any moment, and a pass that followed the link
  // at every step could list one revision's top level and another's subdirectory, so a profile
  // that moved between directories vanished (and prune would delete it). Files are read through
  // `absolutePath`, under the same real root, so a pass sees exactly one revision.
  let rootReal: string;
  try {
    rootReal = await realpath(root);
    if (!(await stat(rootReal)).isDirectory()) return { ...result, directory: 'unreadable' };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ...result, directory: code === 'ENOENT' ? 'missing' : 'unreadable' };
  }
  // Excluded files are named by paths that may go through the link: compare them by relative path.
  const excluded = new Set([CONFIG_FILE_NAME, ...(await Promise.all(exclude.map((path) => relativeToRoot(path, root, rootReal))))]);
  const visited = new Set<string>([rootReal]);
  const inside = (real: string) => real === rootReal || real.startsWith(rootReal.endsWith(sep) ? rootReal : rootReal + sep);

  /**
   * A link that cannot be followed may hide profiles (a file, or a whole directory), so it is a
   * failed file, which blocks prune like a parse error. Only a link named like some other kind of
   * file (README.md) cannot be a profile and stays a warning.
   */
  function linkProblem(rel: string, name: string, code: string, reason: string): void {
    const notAProfile = extname(name) !== '' && profileFormat(name) === undefined;
    const message = notAProfile ? `${reason}; not followed` : `${reason}; the file counts as failed (prune is blocked)`;
    result.diagnostics.push(makeDiagnostic({ file: rel, line: 1, column: 1 }, code, message, '', notAProfile ? 'warning' : 'error'));
  }

  // `relDir`: dir's path relative to the root, '/'-separated ('' for the root). A child's relative
  // path and absolute path are built by appending its name (readdir's names hold no separator, '.'
  // or '..'; dir is already normalised), not by path.relative and path.join: cold, in a one-shot
  // command, those two cost 15-18 ms per 1,000 entries against under 0.1 ms.
  async function walk(dir: string, relDir: string): Promise<boolean> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return false;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (isIgnoredName(entry.name)) continue;
      const absolute = dir.endsWith(sep) ? `${dir}${entry.name}` : `${dir}${sep}${entry.name}`;
      const rel = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
      if (excluded.has(rel)) continue;
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        let real: string;
        try {
          real = await realpath(absolute);
        } catch {
          linkProblem(rel, entry.name, 'file.broken-symlink', 'broken symlink: its target does not exist');
          continue;
        }
        if (!inside(real)) {
          linkProblem(rel, entry.name, 'file.symlink-outside', 'symlink leads outside the profiles directory');
          continue;
        }
        const target = await lstat(real).catch(() => undefined);
        if (!target) {
          linkProblem(rel, entry.name, 'file.broken-symlink', 'broken symlink: its target does not exist');
          continue;
        }
        isDirectory = target.isDirectory();
        isFile = target.isFile();
      }
      if (isDirectory) {
        // A loop, or a second way into a directory already read (symlink to a sibling): read once.
        const real = await realpath(absolute).catch(() => absolute);
        if (visited.has(real)) continue;
        visited.add(real);
        if (!(await walk(absolute, rel))) {
          result.unreadable.push(rel);
          result.diagnostics.push(makeDiagnostic({ file: rel, line: 1, column: 1 }, 'file.unreadable', 'directory cannot be read'));
        }
      } else if (isFile) {
        const format = profileFormat(entry.name);
        if (format) result.files.push({ relativePath: rel, absolutePath: absolute, format });
      }
    }
    return true;
  }

  if (!(await walk(rootReal, ''))) return { ...result, directory: 'unreadable' };
  result.files.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
  return result;
}

/** `path` relative to the profiles root (through the link or its target), '/'-separated. */
async function relativeToRoot(path: string, root: string, rootReal: string): Promise<string> {
  const real = await realpath(path).catch(() => resolve(path));
  const viaReal = relative(rootReal, real);
  return toPosix(viaReal.startsWith('..') ? relative(resolve(root), resolve(path)) : viaReal);
}
