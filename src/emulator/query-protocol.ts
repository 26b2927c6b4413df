// The awsQuery protocol STS speaks: form-encoded POST bodies (`Action=AssumeRole&Version=
// 2011-06-15&RoleArn=...`), XML answers wrapped in `<ActionResponse><ActionResult>`, and errors as
// `<ErrorResponse><Error><Type>Sender</Type><Code>...</Code><Message>...</Message></Error>`.

export const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export function parseForm(text: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) params[key] = value;
  return params;
}

/** Escapes element text (quotes need no escaping outside attributes). */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A nested plain object as XML elements (strings are escaped; undefined members are left out). */
export function toXml(value: Record<string, unknown>): string {
  return Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([key, v]) => `<${key}>${typeof v === 'object' && v !== null ? toXml(v as Record<string, unknown>) : escapeXml(String(v))}</${key}>`)
    .join('');
}

export function queryResponse(action: string, result: Record<string, unknown>, requestId: string): string {
  return `<${action}Response xmlns="${STS_XMLNS}"><${action}Result>${toXml(result)}</${action}Result>`
    + `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

export function queryError(status: number, code: string, message: string, requestId: string): string {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return `<ErrorResponse xmlns="${STS_XMLNS}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code>`
    + `<Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}
