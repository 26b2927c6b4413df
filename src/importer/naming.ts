// The importer's naming conventions, in one place because docs/import.md (Naming conventions)
// documents them and users rely on them when they create secrets by hand.
//
// Secret:   `appflow-gitops/<profileName>`. Secrets Manager names allow letters, digits and
//           `/_+=.@-`; profile names may also hold `!` and `#`, which become `_`.
// JSON key: the credential member's path below the connector member, dotted: `password`,
//           `oauth2.clientSecret`, `oAuthCredentials.clientId`, `basicAuthCredentials.username`.
// File:     `<out>/<profileName>.yaml`, where every character other than letters, digits and
//           `_.@+=-` is percent-encoded (`/` → `%2F`, `!` → `%21`, `#` → `%23`), and a leading `.`
//           becomes `%2E` (the loader ignores dotfiles). Profile names never contain `%`, so the
//           mapping is reversible and two names never share a file. A name whose file name would
//           exceed MAX_FILE_NAME_BYTES (a long name, or one of many `/`: each is 3 bytes encoded)
//           keeps its first characters and ends in `~` and 12 hex digits of the name's SHA-256:
//           `<start of name>~<hash>.yaml`. Names never contain `~`, so shortened files are
//           recognisable, and the hash of the exact name keeps them unique (also on a
//           case-insensitive file system: the hash differs when the case does).
import { createHash } from 'node:crypto';

/**
 * Longest file name the importer writes. File systems allow 255 bytes, and the write goes through
 * a temp name 14 bytes longer (`.` + name + `.xxxxxxxx.tmp`); 200 leaves room for both and for
 * tools that add their own suffixes (editors' `.swp`, git's `.orig`).
 */
export const MAX_FILE_NAME_BYTES = 200;
const HASH_HEX_DIGITS = 12;
export const SECRET_NAME_PREFIX = 'appflow-gitops/';

export function secretNameFor(profileName: string): string {
  return SECRET_NAME_PREFIX + profileName.replace(/[^A-Za-z0-9/_+=.@-]/g, '_');
}

export function secretJsonKey(memberPath: string[]): string {
  return memberPath.join('.');
}

/** CloudFormation dynamic-reference syntax, the only credential form the profile format accepts. */
export function secretReference(secretName: string, jsonKey: string): string {
  return `{{resolve:secretsmanager:${secretName}:SecretString:${jsonKey}}}`;
}

export function fileNameFor(profileName: string): string {
  const encoded = profileName.replace(/[^A-Za-z0-9_.@+=-]/g, (ch) => percentEncode(ch));
  const stem = encoded.startsWith('.') ? `%2E${encoded.slice(1)}` : encoded;
  // The stem is ASCII (everything else is percent-encoded): its length is its size in bytes.
  if (stem.length + '.yaml'.length <= MAX_FILE_NAME_BYTES) return `${stem}.yaml`;
  const hash = createHash('sha256').update(profileName).digest('hex').slice(0, HASH_HEX_DIGITS);
  let head = stem.slice(0, MAX_FILE_NAME_BYTES - '.yaml'.length - 1 - HASH_HEX_DIGITS);
  // Never cut a %XX escape in half.
  const escape = head.lastIndexOf('%');
  if (escape !== -1 && escape > head.length - 3) head = head.slice(0, escape);
  return `${head}~${hash}.yaml`;
}

function percentEncode(ch: string): string {
  return [...Buffer.from(ch, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}
