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
//           mapping is reversible and two names never share a file.

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
  return `${encoded.startsWith('.') ? `%2E${encoded.slice(1)}` : encoded}.yaml`;
}

function percentEncode(ch: string): string {
  return [...Buffer.from(ch, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}
