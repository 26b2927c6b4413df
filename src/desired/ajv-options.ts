// The ajv options of the profile validator. One place for both users: scripts/gen-validator.ts
// compiles the committed schema with them into src/desired/generated/profile-validator.ts (ajv's
// standalone code), and test/schema checks that file against a validator compiled at run time.
// No ajv import here: the loader must not pay for loading the compiler.
export const PROFILE_AJV_OPTIONS = {
  allErrors: true,
  verbose: true,
  strictSchema: true,
  strictNumbers: true,
  strictTypes: true,
  strictTuples: true,
  strictRequired: false,
  unicodeRegExp: true,
} as const;
