// The yaml library's error and warning messages, reduced to text that never quotes the document.
// Several library messages embed source text (an alias name, a tag, a directive, a block scalar
// header, an unexpected token), and a profile file may hold a plaintext secret at exactly that
// spot (`password: *Hunter2`), so a message reaches validate, the daemon's logs and /status only
// if it is one of the library's fixed texts below; anything else becomes its code's fixed text.
import type { ErrorCode } from 'yaml';

/** One fixed text per code the library can emit (yaml 2.x: the ErrorCode union, all of it). */
const FIXED_BY_CODE: Record<ErrorCode, string> = {
  ALIAS_PROPS: 'an alias must not have a tag or an anchor',
  BAD_ALIAS: 'invalid anchor or alias',
  BAD_COLLECTION_TYPE: 'a tag is used on the wrong kind of collection',
  BAD_DIRECTIVE: 'unknown or invalid directive',
  BAD_DQ_ESCAPE: 'invalid escape sequence in a double-quoted string',
  BAD_INDENT: 'bad indentation',
  BAD_PROP_ORDER: 'anchors and tags must come after the indicator',
  BAD_SCALAR_START: 'a plain value cannot start with this character; quote the value',
  BLOCK_AS_IMPLICIT_KEY: 'a block collection cannot be a key',
  BLOCK_IN_FLOW: 'Block collections are not allowed within flow collections',
  DUPLICATE_KEY: 'Map keys must be unique',
  IMPOSSIBLE: 'malformed YAML',
  KEY_OVER_1024_CHARS: 'an implicit key must be at most 1024 characters long',
  MISSING_CHAR: 'a required character is missing',
  MULTILINE_IMPLICIT_KEY: 'Implicit keys need to be on a single line',
  MULTIPLE_ANCHORS: 'A node can have at most one anchor',
  MULTIPLE_DOCS: 'more than one document where one was expected',
  MULTIPLE_TAGS: 'A node can have at most one tag',
  NON_STRING_KEY: 'keys must be strings',
  RESOURCE_EXHAUSTION: 'the document is too large or too deeply nested to parse',
  TAB_AS_INDENT: 'Tabs are not allowed as indentation',
  TAG_RESOLVE_FAILED: 'unknown tag (tags are not used in profile files)',
  UNEXPECTED_TOKEN: 'unexpected content',
};

// Words the library puts into its own messages: CST token types, collection names, indicators.
const TOKEN_TYPE = '(?:byte-order-mark|doc-mode|flow-error-end|space|comment|newline|directive-line|directive|doc-start|doc-end|seq-item-ind|explicit-key-ind|map-value-ind|flow-map-start|flow-map-end|flow-seq-start|flow-seq-end|comma|alias|anchor|tag|scalar|single-quoted-scalar|double-quoted-scalar|block-scalar|block-map|block-seq|flow-collection|document|error)';
const FLOW = '(?:flow map|flow sequence)';
const INDICATOR = '[?:\\-,\\[\\]{}]';

/** Library messages made only of fixed words (checked whole: no document text can match). */
const SAFE_MESSAGES: RegExp[] = [
  /^(?:An alias node must not specify any properties|Anchor cannot be an empty string|Alias cannot be an empty string|Alias ending in : is ambiguous|Anchor ending in : is ambiguous)$/,
  /^(?:Missing newline after block sequence props|Block collection cannot start on same line with directives-end marker|Missing directives-end\/doc-start indicator line|Missing directives-end indicator line|Unexpected doc-end without preceding document)$/,
  /^(?:All mapping items must start at the same column|All sequence items must start at the same column|Sequence item without - indicator|Flow end indicator should be more indented than parent)$/,
  /^(?:Implicit keys need to be on a single line|Implicit keys of flow sequence pairs need to be on a single line|Nested mappings are not allowed in compact mappings|A block sequence may not be used as an implicit map key|Implicit map keys need to be followed by map values)$/,
  /^The : indicator must be at most 1024 chars after the start of an implicit (?:block mapping|flow sequence) key$/,
  /^(?:Block scalars with more-indented leading empty lines must use an explicit indentation indicator|Block scalar values in collections must be indented|Block scalar header not found)$/,
  /^Block scalar lines must not be less indented than their (?:first line|explicit indentation indicator)$/,
  /^(?:Comments must be separated from other tokens by white space characters|Tags and anchors must be separated from the next token by white space|Tabs are not allowed as indentation)$/,
  /^(?:A node can have at most one anchor|A node can have at most one tag|Map keys must be unique|Block collections are not allowed within flow collections|With stringKeys, all keys must be strings)$/,
  /^Missing closing (?:'|")quote$/,
  new RegExp(`^Plain value cannot start with (?:a tab character|flow indicator character ,|directive indicator character %|block scalar indicator [|>]|reserved character [@\`])$`),
  new RegExp(`^(?:Unexpected , in ${FLOW}|Unexpected empty item in ${FLOW}|Missing , between ${FLOW} items|Missing space after : in ${FLOW}|Missing , or : between ${FLOW} items)$`),
  new RegExp(`^Flow (?:map|sequence)(?: in block collection must be sufficiently indented and| must) end with a [\\]}]$`),
  new RegExp(`^Anchors and tags must be after the ${INDICATOR} indicator$`),
  new RegExp(`^Unexpected ${INDICATOR} in (?:${FLOW}|collection)$`),
  new RegExp(`^(?:Unexpected ${TOKEN_TYPE} at node end|Unexpected ${TOKEN_TYPE} token|Unexpected ${TOKEN_TYPE} token in YAML (?:stream|document)|Unexpected block-seq-ind on same line with key|Expected a flow scalar value, but found: ${TOKEN_TYPE}|Unexpected token in block scalar header: ${TOKEN_TYPE}|Unsupported token \\(type: ${TOKEN_TYPE}\\)|Unsupported token ${TOKEN_TYPE})$`),
];

/** Library messages whose fixed part is useful, rewritten without the quoted part. */
const REWRITES: [RegExp, string][] = [
  [/^Block scalar header includes extra characters: .*$/, 'Block scalar header includes extra characters'],
  [new RegExp(`^Unexpected .+ in (${FLOW}|collection)$`), 'Unexpected content in $1'],
];

function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(FIXED_BY_CODE, code);
}

/**
 * The message to show for a yaml error or warning: the library's text when it is one of its
 * fixed texts, else a fixed text for the code. Never any part of the document.
 */
export function safeYamlMessage(code: string, message: string): string {
  const first = message.split('\n')[0]!.trim();
  if (code === 'BAD_DQ_ESCAPE') return FIXED_BY_CODE.BAD_DQ_ESCAPE;
  if (SAFE_MESSAGES.some((pattern) => pattern.test(first))) return first;
  for (const [pattern, replacement] of REWRITES) if (pattern.test(first)) return first.replace(pattern, replacement);
  return isErrorCode(code) ? FIXED_BY_CODE[code] : 'invalid YAML';
}

/** What toJS throws (an unresolved alias names the alias; the alias budget): fixed texts. */
export function safeConversionMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : '';
  if (message.startsWith('Excessive alias count')) return 'too many aliases (the limit guards against alias expansion bombs)';
  if (message.startsWith('Unresolved alias')) return 'unresolved alias (an alias must follow its anchor)';
  return 'the document cannot be converted to plain data';
}
