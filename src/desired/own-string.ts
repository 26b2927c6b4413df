// A copy of a scalar cut out of a file's text that does not keep the text alive. Its own module
// because both parsers use it (line-yaml.ts and fast-yaml.ts's event parse): neither imports the
// other for it.

/** V8 keeps a substring of this many characters or more as a view into the string it was cut from. */
const SLICED_STRING_MIN_LENGTH = 13;

/**
 * A copy of a scalar that does not point into the file's text. A substring cut out of the text
 * is kept by V8 as a view that holds the whole text alive: one URL kept a 600-byte file, about
 * 4 MB of texts at the peak of a 10,000-profile pass. A JSON round trip makes a flat copy (about
 * 1 us; a profile file has one or two scalars this long).
 */
export function ownString(value: string): string {
  return value.length < SLICED_STRING_MIN_LENGTH ? value : (JSON.parse(JSON.stringify(value)) as string);
}
