// The AWS model's patterns are applied as full-string matches. Most are written `^...$` already;
// the rest are turned into full-string patterns here, in one place, so that the schema, the
// resolved-credential check and anyone else agree.
//
//   `.*`                                     → `^(?:.*)$`
//   `^$|com.amazonaws.vpce.[\w/!:@#.\-]+$`   → `^(?:^$|com.amazonaws.vpce.[\w/!:@#.\-]+$)$`
//   `^arn:aws:iam:.*:[0-9]+:`                → `^arn:aws:iam:.*:[0-9]+:.*$`
//
// The last kind (anchored at the start only) is how the model writes ARN prefixes: a literal
// full match would reject every real ARN (`arn:aws:iam::123456789012:role/x` does not END in
// `:digits:`), so the model's pattern must match a prefix and the rest of the value is free
// (without line breaks).

/** True when `pattern` ends with a `$` that is not escaped. */
function endsWithAnchor(pattern: string): boolean {
  if (!pattern.endsWith('$')) return false;
  let backslashes = 0;
  for (let i = pattern.length - 2; i >= 0 && pattern[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 0;
}

/** True when the pattern has a `|` outside any group or character class. */
function hasTopLevelAlternation(pattern: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') { i++; continue; }
    if (inClass) { if (c === ']') inClass = false; continue; }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}

/** The full-string form of a model pattern (see the table above). */
export function fullMatchPattern(pattern: string): string {
  const alternation = hasTopLevelAlternation(pattern);
  const startAnchored = pattern.startsWith('^');
  const endAnchored = endsWithAnchor(pattern);
  if (!alternation && startAnchored && endAnchored) return pattern;
  if (!alternation && startAnchored && !endAnchored) return `${pattern}.*$`;
  return `^(?:${pattern})$`;
}

const compiled = new Map<string, RegExp>();

/** Tests `value` against a model pattern with full-string semantics (same flags as the schema validator). */
export function matchesModelPattern(pattern: string, value: string): boolean {
  let regex = compiled.get(pattern);
  if (!regex) {
    regex = new RegExp(fullMatchPattern(pattern), 'u');
    compiled.set(pattern, regex);
  }
  return regex.test(value);
}
