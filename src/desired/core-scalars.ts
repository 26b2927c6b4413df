// Plain scalars under the YAML 1.2 core schema, resolved exactly as the `yaml` library's core
// schema does (yaml/dist/schema/core: the same tests in the same order, the same conversions), for
// the fast parse (fast-yaml.ts), which does not load that library. test/desired/fast-yaml.test.ts
// checks the two against each other on every spelling below.
const INT_RESOLVE = (offset: number, radix: number) => (source: string) => parseInt(source.substring(offset), radix);

const CORE_PLAIN_TAGS: readonly { test: RegExp; resolve: (source: string) => unknown }[] = [
  { test: /^(?:~|[Nn]ull|NULL)?$/, resolve: () => null },
  { test: /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, resolve: (source) => source[0] === 't' || source[0] === 'T' },
  { test: /^0o[0-7]+$/, resolve: INT_RESOLVE(2, 8) },
  { test: /^[-+]?[0-9]+$/, resolve: INT_RESOLVE(0, 10) },
  { test: /^0x[0-9a-fA-F]+$/, resolve: INT_RESOLVE(2, 16) },
  {
    test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
    resolve: (source) => (source.slice(-3).toLowerCase() === 'nan' ? NaN : source[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY),
  },
  { test: /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/, resolve: parseFloat },
  { test: /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/, resolve: parseFloat },
];

/**
 * Characters that every non-string spelling above starts with (or the empty null): a scalar
 * starting with anything else is a string without trying the eight patterns, as nearly every
 * key and value of a profile is (`connectorType`, `Datadog`, `https://...`).
 */
const MAY_NOT_BE_A_STRING = /^(?:$|[~nNtTfF0-9+\-.])/;

/** The value of a plain (unquoted, untagged) scalar: null, a boolean, a number, or the text itself. */
export function resolvePlainScalar(source: string): unknown {
  if (!MAY_NOT_BE_A_STRING.test(source)) return source;
  for (const tag of CORE_PLAIN_TAGS) if (tag.test.test(source)) return tag.resolve(source);
  return source;
}
