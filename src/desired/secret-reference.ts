// Secret references: CloudFormation's dynamic-reference syntax for Secrets Manager,
//   {{resolve:secretsmanager:SECRET_ID:SecretString:JSON_KEY[:VERSION_STAGE[:VERSION_ID]]}}
// SECRET_ID is a secret name or a full secret ARN. ARNs contain colons, so the id cannot be found
// by splitting on ':'; an ARN is recognised by its fixed seven-part prefix instead.
import type { SecretReference } from '../model/types.js';

/** Characters Secrets Manager allows in a secret name. */
const NAME = '[A-Za-z0-9/_+=.@-]{1,512}';
const ARN = `arn:[a-z0-9-]+:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:${NAME}`;
/** A JSON key, version stage or version id: anything but the syntax's own delimiters. */
const PART = '[^:{}\\s]';

/**
 * Full-string pattern of a well-formed reference. The JSON Schema uses it for every credential
 * member that must hold a secret, so schema and parser accept exactly the same texts.
 */
export const SECRET_REFERENCE_PATTERN =
  `^\\{\\{resolve:secretsmanager:(?:${ARN}|${NAME}):SecretString:${PART}+(?::${PART}*(?::${PART}*)?)?\\}\\}$`;

const REFERENCE = new RegExp(
  `^\\{\\{resolve:secretsmanager:(${ARN}|${NAME}):SecretString:(${PART}+)(?::(${PART}*)(?::(${PART}*))?)?\\}\\}$`,
);

/** The form users should write, quoted in error messages. */
export const SECRET_REFERENCE_EXAMPLE = '{{resolve:secretsmanager:SECRET_ID:SecretString:JSON_KEY}}';

/** Parses a reference; undefined when `text` is not exactly one well-formed reference. */
export function parseSecretReference(text: string): SecretReference | undefined {
  const match = REFERENCE.exec(text);
  if (!match) return undefined;
  const [, secretId, jsonKey, versionStage, versionId] = match;
  const ref: SecretReference = { raw: text, secretId: secretId!, jsonKey: jsonKey! };
  if (versionStage) ref.versionStage = versionStage;
  if (versionId) ref.versionId = versionId;
  return ref;
}

/** Writes a reference in canonical form (the inverse of parseSecretReference for canonical input). */
export function formatSecretReference(ref: Omit<SecretReference, 'raw'> & { raw?: string }): string {
  let tail = '';
  if (ref.versionStage !== undefined || ref.versionId !== undefined) {
    tail = `:${ref.versionStage ?? ''}`;
    if (ref.versionId !== undefined) tail += `:${ref.versionId}`;
  }
  return `{{resolve:secretsmanager:${ref.secretId}:SecretString:${ref.jsonKey}${tail}}}`;
}

/** True when the text was meant as a reference (so a parse failure is a typo, not plaintext). */
export function looksLikeSecretReference(text: string): boolean {
  return /^\s*\{\{\s*resolve\s*:/i.test(text);
}
