// Who is calling and where: the access key and region from the request's SigV4 Authorization
// header (`AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request, ...`). The
// signature itself is not checked (SPEC.md 7); the scope only picks the account and region
// partition, as AWS does.

export interface CredentialScope {
  accessKeyId: string;
  region: string;
  service: string;
}

const CREDENTIAL = /Credential=([^/,\s]{1,128})\/\d{8}\/([a-z0-9-]{1,32})\/([a-z0-9-]{1,64})\/aws4_request/;

export function credentialScope(authorization: string | string[] | undefined): CredentialScope | undefined {
  if (typeof authorization !== 'string' || !authorization.startsWith('AWS4-HMAC-SHA256 ')) return undefined;
  const match = CREDENTIAL.exec(authorization);
  if (!match) return undefined;
  return { accessKeyId: match[1]!, region: match[2]!, service: match[3]! };
}
