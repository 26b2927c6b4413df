// Locates the first JSON syntax error. JSON.parse's own messages quote a snippet of the input
// (`Unexpected token 'S', ..."password": SENTINEL"...`), which could print a plaintext
// credential, and on Node 20 they often carry no position. This scanner gives an offset and a
// message that never contains file content.

export interface JsonSyntaxError {
  offset: number;
  message: string;
}

class Failure extends Error {
  constructor(readonly offset: number, message: string) {
    super(message);
  }
}

export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const fail = (message: string, at = i): never => {
    // A comment is the usual reason a hand-edited .json file breaks: say so rather than what the
    // grammar expected at that point.
    if (text.startsWith('//', at) || text.startsWith('/*', at)) {
      throw new Failure(at, 'comments are not allowed in JSON; write the profile as a .yaml file to keep comments');
    }
    throw new Failure(at, message);
  };
  const skipSpace = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const expectEnd = (what: string) => {
    if (i >= text.length) fail(`unexpected end of file, expected ${what}`);
  };

  const string = () => {
    const start = i;
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail('unterminated string', start);
      const c = text[i]!;
      if (c === '"') { i++; return; }
      if (c === '\\') {
        const next = text[i + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('invalid \\u escape in string');
          i += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 2;
        else fail('invalid escape in string');
      } else if (c < ' ') fail('control character (such as a raw line break or tab) inside a string');
      else i++;
    }
  };

  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match || match[0] === '-') fail('invalid number');
    i += match![0].length;
  };

  // Iterative, with an explicit stack of open containers: a file of 6,000 `[` must not overflow
  // the call stack (a recursive descent did, and took every other profile down with it).
  const open: ('{' | '[')[] = [];

  /**
   * Reads one value. A non-empty container is only opened (pushed, and an object's first member
   * name read): returns true, and its first element is the next value to read.
   */
  const value = (): boolean => {
    skipSpace();
    expectEnd('a value');
    const c = text[i]!;
    if (c === '{' || c === '[') {
      i++;
      skipSpace();
      if (text[i] === (c === '{' ? '}' : ']')) { i++; return false; }
      open.push(c);
      if (c === '{') member();
      return true;
    }
    if (c === '"') { string(); return false; }
    if (c === '-' || (c >= '0' && c <= '9')) { number(); return false; }
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) { i += word.length; return false; }
    }
    return fail(c === "'" ? 'strings must use double quotes' : 'unexpected character, expected a value');
  };

  /** An object member's name and colon (its value is read next). */
  const member = () => {
    skipSpace();
    expectEnd('a property name');
    if (text[i] === '}') fail('trailing comma before }');
    if (text[i] !== '"') fail('expected a property name in double quotes');
    string();
    skipSpace();
    expectEnd("':'");
    if (text[i] !== ':') fail("expected ':' after the property name");
    i++;
  };

  /** After a value: closes finished containers; true when another element or member value follows. */
  const afterValue = (): boolean => {
    for (;;) {
      const container = open.at(-1);
      if (container === undefined) return false;
      const close = container === '{' ? '}' : ']';
      skipSpace();
      expectEnd(`',' or '${close}'`);
      if (text[i] === close) { i++; open.pop(); continue; }
      if (text[i] !== ',') fail(`expected ',' or '${close}'`);
      i++;
      if (container === '{') member();
      else {
        skipSpace();
        if (text[i] === ']') fail('trailing comma before ]');
      }
      return true;
    }
  };

  try {
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    for (;;) {
      if (value()) continue;
      if (!afterValue()) break;
    }
    skipSpace();
    if (i < text.length) fail('unexpected content after the end of the JSON value');
    return undefined;
  } catch (err) {
    if (err instanceof Failure) return { offset: err.offset, message: err.message };
    throw err;
  }
}
