// Bearer-token check for the daemon's mutating endpoints (--http-token-file). Both sides are
// hashed first so the comparison is constant-time whatever the lengths (timingSafeEqual needs
// equal lengths, and comparing lengths first would leak the token's length).
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';

export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  const given = createHash('sha256').update(match?.[1] ?? '').digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, expected) && match !== null;
}

/** Reads a token file (a Kubernetes Secret mounted as a file): one line, surrounding whitespace ignored. Errors name the file, never its content. */
export async function readTokenFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read --http-token-file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`, { cause: err });
  }
  const token = text.trim();
  if (token.length < 16 || /\s/.test(token)) throw new Error(`--http-token-file ${path} must hold one token of at least 16 characters without spaces`);
  return token;
}
