// The file inputs of a saved plan, read from disk: a digest of each profile file's bytes (found
// exactly as the loader finds them) and of the config file. The edge of src/saved-plan/.
import { readFile } from 'node:fs/promises';
import { discoverProfileFiles } from '../desired/discover-files.js';
import { sha256 } from './digest.js';

/** Recorded for a file found but not readable (the plan saw it as failed). */
const UNREADABLE = 'unreadable';

/** SHA-256 of each profile file under `root`, by path relative to it. */
export async function digestProfileFiles(root: string, excludeFiles: readonly string[]): Promise<Record<string, string>> {
  const discovery = await discoverProfileFiles(root, excludeFiles);
  const digests: Record<string, string> = {};
  for (const file of discovery.files) digests[file.relativePath] = await readFile(file.absolutePath).then(sha256, () => UNREADABLE);
  for (const dir of discovery.unreadable) digests[`${dir}/`] = UNREADABLE;
  return digests;
}

/** SHA-256 of the config files read (none: null). */
export async function digestConfigFiles(paths: readonly string[]): Promise<string | null> {
  if (paths.length === 0) return null;
  const parts = await Promise.all(paths.map((path) => readFile(path).then(sha256, () => UNREADABLE)));
  return sha256(parts.join('\n'));
}
