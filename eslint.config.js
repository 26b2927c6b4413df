// ESLint (flat config) with typescript-eslint's type-aware rules; `npm run lint` runs it after the
// type check. The aim is the bugs tsc cannot see: a promise nobody awaits or catches
// (no-floating-promises), a promise passed where its result is ignored (no-misused-promises), and
// `any` leaking into typed code (no-unsafe-*). Style is not its job (there is no formatter rule).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      // `let x; ... later x = ...` is how a name is declared before a closure that reads it.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `_name` is the project's way to say "deliberately unused" (e.g. the clientToken taken out of
      // a request by destructuring).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // An `async` function without `await` is how a Promise-returning port is implemented by a
      // synchronous fake or adapter, and it turns a throw into a rejection as callers expect.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests read untyped data on purpose: JSON.parse of CLI output, YAML documents, schema trees.
    // A wrong shape fails the test's own assertion, so `any` there is not a hidden bug; the rules
    // that matter most in tests stay on (an unawaited `expect(...).rejects` passes silently).
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
