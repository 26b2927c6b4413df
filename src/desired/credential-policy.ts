// Which strings under connectorProfileCredentials must be secret references.
//
// Everything under connectorProfileCredentials is a secret except the members that select a
// mechanism or name where a secret lives. Those may be written in plain text:
//   - oAuth2GrantType (Salesforce)      enum: CLIENT_CREDENTIALS | AUTHORIZATION_CODE | JWT_BEARER
//   - authenticationType (CustomConnector) enum: OAUTH2 | APIKEY | BASIC | CUSTOM
//   - customAuthenticationType (CustomConnector custom)   the name of the custom scheme
//   - redirectUri (oAuthRequest)        a URL registered with the OAuth app
//   - clientCredentialsArn (Salesforce, Pardot)  the ARN of a secret, not a secret
// Keys of CustomConnector `credentialsMap` are names and stay plain; its values are references.

export const PLAIN_CREDENTIAL_MEMBERS: readonly string[] = [
  'oAuth2GrantType',
  'authenticationType',
  'customAuthenticationType',
  'redirectUri',
  'clientCredentialsArn',
];

export function isPlainCredentialMember(memberName: string): boolean {
  return PLAIN_CREDENTIAL_MEMBERS.includes(memberName);
}
