// Writes imported profile files. Two phases so that a refusal writes nothing: `planProfileFiles`
// reads what is on disk and decides per file, `writeProfileFiles` writes the accepted ones
// (temp file + rename, so a crash never leaves half a profile for the daemon to read).
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImportedProfile } from './import-profiles.js';
import { unifiedLineDiff } from './line-diff.js';
import { renderProfileYaml } from './render-profile-yaml.js';

export type FileStatus = 'created' | 'overwritten' | 'unchanged' | 'refused';

export interface PlannedProfileFile {
  profile: ImportedProfile;
  /** Path as the user gave it (out dir joined with the file name). */
  path: string;
  content: string;
  status: FileStatus;
  /** For overwritten files: unified line diff of old → new. */
  diff?: string;
}

export async function planProfileFiles(outDir: string, profiles: ImportedProfile[], force: boolean): Promise<PlannedProfileFile[]> {
  const planned: PlannedProfileFile[] = [];
  for (const profile of profiles) {
    const path = join(outDir, profile.fileName);
    const content = renderProfileYaml(profile);
    const existing = await readIfExists(path);
    if (existing === undefined) {
      planned.push({ profile, path, content, status: 'created' });
    } else if (existing === content) {
      planned.push({ profile, path, content, status: 'unchanged' });
    } else if (!force) {
      planned.push({ profile, path, content, status: 'refused' });
    } else {
      planned.push({ profile, path, content, status: 'overwritten', diff: unifiedLineDiff(existing, content, { oldLabel: `${path} (existing)`, newLabel: `${path} (imported)` }) });
    }
  }
  return planned;
}

export async function writeProfileFiles(outDir: string, planned: PlannedProfileFile[]): Promise<void> {
  await mkdir(outDir, { recursive: true });
  for (const file of planned) {
    if (file.status !== 'created' && file.status !== 'overwritten') continue;
    // The temp name starts with '.', so the loader (and a watching daemon) ignores it as a dotfile.
    const temp = join(outDir, `.${file.profile.fileName}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      await writeFile(temp, file.content, { mode: 0o644 });
      await rename(temp, file.path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
