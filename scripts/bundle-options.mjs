// The esbuild options that decide how the CLI's bundle runs (scripts/bundle.mjs): ES modules with
// code splitting, for Node 20.19+, each output file with a require() of its own. Shared with the
// test that bundles a fixture the same way (test/cli/bundle-builtins.test.ts), since the bundle's
// plugins depend on them: scripts/bundle-builtins.mjs turns imports into calls of that require().
export const ESM_BUNDLE_OPTIONS = {
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // Bundled CommonJS code (commander, pino, prom-client...) calls require() for Node's built-in
  // modules through esbuild's __require helper; an ES module has no require, so each output file
  // gets one that resolves from its own location. Made on first use: creating one in each of the
  // ~50 files a command loads cost ~5 ms of start-up, and only the helper's file ever calls it.
  banner: {
    js: [
      "import { createRequire as __bundleCreateRequire } from 'node:module';",
      'let __bundleRequire;',
      'const require = (id) => (__bundleRequire ??= __bundleCreateRequire(import.meta.url))(id);',
    ].join('\n'),
  },
};
