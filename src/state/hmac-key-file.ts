// The credential-fingerprint key: 32 random bytes kept in the state directory, stored as 64 hex
// characters (so a truncated or edited file is detectable) in a file only the owner can read.
// Losing or regenerating it is safe: every stored fingerprint stops matching, so the next apply
// re-sends credentials once, which is exactly the cost the issue allows for lost state.
import { randomBytes } from 'node:crypto';
import { chmod, link, readFile, rename, stat, unlink } from 'node:fs/promises';
import { fsyncDirectory, writeTempFile } from './atomic-write.js';
import { dirname } from 'node:path';

export const HMAC_KEY_BYTES = 32;
const HEX_PATTERN = /^[0-9a-f]{64}$/;

export interface KeyResult {
  key: Buffer;
  warnings: string[];
}

function decodeKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  return HEX_PATTERN.test(trimmed) ? Buffer.from(trimmed, 'hex') : undefined;
}

async function readExisting(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Publishes a new key with link(2): it fails with EEXIST if another process created the key
 * first, and a reader never sees a half-written file (the temp file is complete and fsynced).
 */
async function createKey(path: string): Promise<Buffer | undefined> {
  const key = randomBytes(HMAC_KEY_BYTES);
  const temp = await writeTempFile(path, `${key.toString('hex')}\n`, 0o600);
  try {
    await link(temp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw err;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  await fsyncDirectory(dirname(path));
  return key;
}

/** Reads the key at `path`, creating it on first use and replacing a corrupt one (kept aside). */
export async function loadOrCreateHmacKey(path: string, now: () => Date = () => new Date()): Promise<KeyResult> {
  const warnings: string[] = [];
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const text = await readExisting(path);
    if (text !== undefined) {
      const key = decodeKey(text);
      if (key) {
        const mode = (await stat(path)).mode & 0o777;
        if ((mode & 0o077) !== 0) {
          await chmod(path, 0o600);
          warnings.push(`state: ${path} was readable by others (mode ${mode.toString(8)}); restricted it to 0600`);
        }
        return { key, warnings };
      }
      const aside = `${path}.corrupt-${now().toISOString().replace(/[:.]/g, '-')}`;
      await rename(path, aside).catch(() => undefined);
      warnings.push(
        `state: ${path} is not a valid key (expected 64 hex characters); moved it to ${aside} and generated a new key. ` +
          'Stored credential fingerprints no longer match, so credentials are re-sent once.',
      );
    }
    const created = await createKey(path);
    if (created) return { key: created, warnings };
    // Another process created the key between our read and our link: loop and read theirs.
  }
  throw new Error(`state: could not create or read the fingerprint key ${path}`);
}
