// Which credential members an imported profile gets, per connector. AppFlow never returns
// credentials, so the importer has to decide which members to write as secret references and
// which mechanism selectors (grant type, authentication type) to assume. The rules:
//
//  1. Every member the model marks required becomes a reference (read from the model, so new
//     required members appear without code changes).
//  2. OAuth tokens (`accessToken`, `refreshToken`) become references too for connectors that
//     authenticate with the authorization-code flow: without them AppFlow would need a fresh,
//     single-use authorization code, which cannot live in git.
//  3. `oAuthRequest` (authCode + redirectUri) is never written: an authorization code is single use.
//  4. `clientCredentialsArn` (Salesforce/Pardot) is never written: it cannot be read back.
//  5. Where the model offers alternatives (optional nested structures), one is chosen from the
//     observed properties when they tell (SAPOData `oAuthProperties`, CustomConnector
//     `oAuth2Properties` and its grant type), else a documented default, with a comment in the file.
// Pure: model + observed properties in, layout out.
import { connectorShapeId, structureMembers } from './connector-shapes.js';

/** A member written as plain text (a mechanism selector, not a secret). */
export interface PlainMember {
  path: string[];
  value: string;
}

export interface CredentialLayout {
  /** Mechanism members written plain (e.g. `authenticationType: OAUTH2`). */
  plain: PlainMember[];
  /** Members written as secret references, as paths below the connector member (e.g. ['oauth2', 'clientId']). */
  secretMembers: string[][];
  /** Comments for the file: every assumption that could not be read back from AppFlow. */
  notes: string[];
}

const TOKEN_MEMBERS = ['accessToken', 'refreshToken'];

/** Connectors whose usual setup is the OAuth authorization-code flow (rule 2). */
const AUTHORIZATION_CODE_CONNECTORS = new Set(['GoogleAnalytics', 'Honeycode', 'Slack', 'Zendesk', 'Pardot']);

/** Default CustomConnector authentication type when the properties do not reveal it. */
export const DEFAULT_CUSTOM_AUTHENTICATION_TYPE = 'APIKEY';
/** Default Salesforce grant type: the only one that works unattended with a long-lived secret. */
export const DEFAULT_SALESFORCE_GRANT_TYPE = 'JWT_BEARER';

const CUSTOM_VARIANT_BY_AUTH_TYPE: Record<string, string> = { OAUTH2: 'oauth2', APIKEY: 'apiKey', BASIC: 'basic', CUSTOM: 'custom' };

/**
 * The credential layout for one connector member (`Salesforce`, `CustomConnector`, ...), given the
 * observed `connectorProfileProperties.<member>` object.
 */
export function credentialLayoutFor(connectorMember: string, properties: Record<string, unknown>): CredentialLayout {
  const shapeId = connectorShapeId('credentials', connectorMember);
  if (!shapeId) return { plain: [], secretMembers: [], notes: [] };
  switch (connectorMember) {
    case 'CustomConnector':
      return customConnectorLayout(shapeId, properties);
    case 'SAPOData':
      return sapODataLayout(shapeId, properties);
    case 'Salesforce':
      return {
        plain: [{ path: ['oAuth2GrantType'], value: DEFAULT_SALESFORCE_GRANT_TYPE }],
        secretMembers: pick(shapeId, [], ['jwtToken']),
        notes: [
          `oAuth2GrantType cannot be read back from AppFlow; ${DEFAULT_SALESFORCE_GRANT_TYPE} is assumed (jwtToken from the secret).`,
          'For AUTHORIZATION_CODE, set oAuth2GrantType: AUTHORIZATION_CODE and reference accessToken and refreshToken instead of jwtToken.',
          'clientCredentialsArn cannot be read back; add it if the profile uses a connected app of your own.',
        ],
      };
    case 'ServiceNow':
      return {
        plain: [],
        secretMembers: pick(shapeId, [], ['username', 'password']),
        notes: ['Basic authentication (username/password) is assumed; for OAuth reference oAuth2Credentials.clientId/clientSecret instead.'],
      };
    case 'Redshift':
      return {
        plain: [],
        secretMembers: pick(shapeId, [], ['username', 'password']),
        notes: ['username/password are optional for Redshift; remove them if the profile authenticates through the Data API role only.'],
      };
    default: {
      const tokens = AUTHORIZATION_CODE_CONNECTORS.has(connectorMember);
      const notes: string[] = [];
      if (tokens) notes.push('OAuth tokens (accessToken/refreshToken) are referenced because an authorization code cannot be replayed from git.');
      if (connectorMember === 'Pardot') notes.push('clientCredentialsArn cannot be read back; add it if the profile uses a connected app of your own.');
      return { plain: [], secretMembers: pick(shapeId, [], tokens ? tokenMembersOf(shapeId) : []), notes };
    }
  }
}

function customConnectorLayout(shapeId: string, properties: Record<string, unknown>): CredentialLayout {
  const oauth2Properties = asRecord(properties['oAuth2Properties']);
  const notes: string[] = [];
  let authType: string;
  if (oauth2Properties) {
    authType = 'OAUTH2';
    notes.push('authenticationType OAUTH2 is inferred from connectorProfileProperties.CustomConnector.oAuth2Properties.');
  } else {
    authType = DEFAULT_CUSTOM_AUTHENTICATION_TYPE;
    notes.push(
      `authenticationType cannot be read back from AppFlow; ${DEFAULT_CUSTOM_AUTHENTICATION_TYPE} is assumed.`,
      'For BASIC reference basic.username/basic.password; for CUSTOM write custom.customAuthenticationType and reference custom.credentialsMap entries.',
    );
  }
  const variant = CUSTOM_VARIANT_BY_AUTH_TYPE[authType]!;
  const variantShape = memberTarget(shapeId, variant);
  let extra: string[] = [];
  if (authType === 'OAUTH2') {
    const grantType = typeof oauth2Properties?.['oAuth2GrantType'] === 'string' ? oauth2Properties['oAuth2GrantType'] : undefined;
    // clientId is optional in the model's OAuth2Credentials but every OAuth2 grant needs it.
    extra = ['clientId', 'clientSecret'];
    if (grantType !== 'CLIENT_CREDENTIALS') {
      extra.push(...tokenMembersOf(variantShape));
      notes.push('OAuth tokens (accessToken/refreshToken) are referenced because an authorization code cannot be replayed from git.');
    }
  } else if (authType === 'APIKEY') {
    notes.push('Add apiKey.apiSecretKey to the secret and the file if the API needs a secret key as well.');
  }
  return {
    plain: [{ path: ['authenticationType'], value: authType }],
    secretMembers: pick(variantShape, [variant], extra),
    notes,
  };
}

function sapODataLayout(shapeId: string, properties: Record<string, unknown>): CredentialLayout {
  if (asRecord(properties['oAuthProperties'])) {
    return {
      plain: [],
      secretMembers: pick(memberTarget(shapeId, 'oAuthCredentials'), ['oAuthCredentials'], tokenMembersOf(memberTarget(shapeId, 'oAuthCredentials'))),
      notes: [
        'oAuthCredentials is inferred from connectorProfileProperties.SAPOData.oAuthProperties.',
        'OAuth tokens (accessToken/refreshToken) are referenced because an authorization code cannot be replayed from git.',
      ],
    };
  }
  return {
    plain: [],
    secretMembers: pick(memberTarget(shapeId, 'basicAuthCredentials'), ['basicAuthCredentials'], []),
    notes: ['basicAuthCredentials is assumed because the profile has no oAuthProperties.'],
  };
}

/**
 * Required string members of a structure (rule 1) plus `extra` members that exist in it, as paths
 * prefixed with `prefix`. Mechanism members (`authenticationType`, `customAuthenticationType`) are
 * never references. Throws when an extra member is not in the model: the rules above name members
 * by hand, and a model update that renames one must fail tests, not silently drop a credential.
 */
function pick(shapeId: string, prefix: string[], extra: string[]): string[][] {
  const members = structureMembers(shapeId);
  const names = new Set(members.map((m) => m.name));
  for (const name of extra) {
    if (!names.has(name)) throw new Error(`credential member ${name} is not in ${shapeId}`);
  }
  return members
    .filter((m) => m.shape.type === 'string' && !MECHANISM_MEMBERS.has(m.name) && (m.required || extra.includes(m.name)))
    .map((m) => [...prefix, m.name]);
}

/** Members that select a mechanism rather than hold a secret (issue 2's list). */
export const MECHANISM_MEMBERS = new Set(['oAuth2GrantType', 'authenticationType', 'customAuthenticationType', 'redirectUri', 'clientCredentialsArn']);

/** The OAuth token members the model has for this structure (Slack has no refreshToken, for one). */
function tokenMembersOf(shapeId: string): string[] {
  const names = new Set(structureMembers(shapeId).map((m) => m.name));
  return TOKEN_MEMBERS.filter((name) => names.has(name));
}

function memberTarget(shapeId: string, member: string): string {
  const found = structureMembers(shapeId).find((m) => m.name === member);
  if (!found) throw new Error(`member ${member} is not in ${shapeId}`);
  return found.target;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
