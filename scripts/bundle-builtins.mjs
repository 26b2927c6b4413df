// How the bundle (scripts/bundle.mjs) reaches the few Node built-ins whose ES module facade loads
// other modules for nothing: through require(), not an ES `import`.
//
// Why: importing a built-in as an ES module (`import ... from 'node:http'`, static or
// `await import('node:http')`) builds the module's ES facade, and building it reads EVERY export.
// Some exports are lazy getters. On Node 22, http.WebSocket, CloseEvent and MessageEvent load
// undici (with http2 and more: 75 modules, ~30-50 ms of CPU), and util's load ~35 modules;
// on both Nodes, process's (report, stdin...) load ~45. require() reads no export; esbuild then
// reads each named import off the module where it is used (its __toESM getters), so a lazy getter
// stays lazy. Measured with `import * as x from 'node:X'` against `require('node:X')` (module count
// in process.moduleLoadList, Node 20 and 22): every other built-in the bundle imports costs the
// same either way (fs's facade loads fs/promises, which the CLI loads anyway), and routing them all
// cost more than it saved (an __toESM copy at each of ~130 import sites, ten more chunk files).
//
// What stays right:
// - Static imports (`import x`, `import * as x`, `import { a }`, `export { a } from`, bare
//   `import 'x'`) of a listed built-in resolve to a CommonJS module, `module.exports =
//   require('node:x')`, one per importing file (so it lands in that file's chunk: a module shared
//   by several chunks would get a chunk file of its own, one more file to load).
// - Dynamic imports: esbuild would make `import('node:x')` of such a module a chunk of its own
//   whose namespace holds only `default` (it cannot name a CommonJS module's exports), so
//   `const { request } = await import('node:http')` would get undefined. So a source file's
//   `import('node:x')` is rewritten before esbuild parses it to
//   `Promise.resolve().then(() => require('builtin-namespace:node:x'))`: a module namespace-like
//   object (default = the module, each other export a getter onto it), still loaded only when the
//   import runs.
// - What cannot be expressed fails the build: a dynamic import of a listed built-in the rewrite
//   did not catch (e.g. a comment inside the parentheses), and `export * from` one in an entry
//   point (an ES module bundle must name its exports; a CommonJS module's are known at run time).
import { readFile } from 'node:fs/promises';
import { dirname, extname, relative } from 'node:path';

/** The built-ins whose ES facade loads modules a `require()` does not (see above). */
export const THROUGH_REQUIRE = new Set(['node:http', 'node:process', 'node:util']);

const VIA_REQUIRE = 'builtin-require';
const NAMESPACE = 'builtin-namespace';

/** 'util' and 'node:util' → 'node:util' if it is one of THROUGH_REQUIRE; otherwise undefined. */
function routed(specifier) {
  const name = specifier.startsWith('node:') ? specifier : `node:${specifier}`;
  return THROUGH_REQUIRE.has(name) ? name : undefined;
}

// `import('x')` with a string literal, not a method named import (`.import(`) nor part of a name.
const DYNAMIC_IMPORT = /(?<![\w$.])import\(\s*(['"])([^'"\n]+)\1\s*\)/g;

/** The source with each dynamic import of a listed built-in rewritten (see the top of the file); undefined if it has none. */
export function rewriteDynamicImports(source) {
  let changed = false;
  const rewritten = source.replace(DYNAMIC_IMPORT, (whole, _quote, specifier) => {
    const name = routed(specifier);
    if (name === undefined) return whole;
    changed = true;
    return `Promise.resolve().then(() => require(${JSON.stringify(`${NAMESPACE}:${name}`)}))`;
  });
  return changed ? rewritten : undefined;
}

const LOADERS = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.js': 'js', '.mjs': 'js', '.cjs': 'js' };

/**
 * The esbuild plugin. `root`: the build's working directory; `entryPoints`: its entry files
 * (absolute paths), checked for `export * from` a listed built-in.
 */
export function builtinsThroughRequire({ root, entryPoints }) {
  // One module per importing file: `node:http?from=src/server/http-server.ts`.
  const perImporter = (name, importer) => `${name}?from=${relative(root, importer)}`;
  const builtinOf = (path) => path.slice(0, path.indexOf('?'));
  return {
    name: 'builtins-through-require',
    setup(esbuild) {
      esbuild.onStart(async () => {
        const errors = [];
        for (const entry of entryPoints) {
          const source = await readFile(entry, 'utf8');
          for (const match of source.matchAll(/export\s*\*\s*(?:as\s+[\w$]+\s*)?from\s*(['"])([^'"]+)\1/g)) {
            if (routed(match[2])) errors.push({ text: `${relative(root, entry)}: \`${match[0]}\` cannot be bundled (scripts/bundle-builtins.mjs): the bundle reaches ${match[2]} through require(), whose exports are known only at run time; name them` });
          }
        }
        return { errors };
      });

      esbuild.onLoad({ filter: /\.[cm]?[jt]s$/, namespace: 'file' }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import(')) return undefined;
        const contents = rewriteDynamicImports(source);
        return contents === undefined ? undefined : { contents, loader: LOADERS[extname(args.path)], resolveDir: dirname(args.path) };
      });

      const listed = [...THROUGH_REQUIRE].map((name) => name.slice('node:'.length)).join('|');
      esbuild.onResolve({ filter: new RegExp(`^(node:)?(${listed})$`) }, (args) => {
        const name = routed(args.path);
        if (name === undefined) return undefined;
        if (args.kind === 'import-statement') return { path: perImporter(name, args.importer), namespace: VIA_REQUIRE };
        if (args.kind === 'dynamic-import') {
          return { errors: [{ text: `import('${args.path}') in ${relative(root, args.importer)} was not rewritten to require() (scripts/bundle-builtins.mjs): write it with one string literal between the parentheses` }] };
        }
        return undefined;
      });
      esbuild.onResolve({ filter: new RegExp(`^${NAMESPACE}:`) }, (args) => ({ path: perImporter(args.path.slice(NAMESPACE.length + 1), args.importer), namespace: NAMESPACE }));

      esbuild.onLoad({ filter: /.*/, namespace: VIA_REQUIRE }, (args) => ({ loader: 'js', contents: `module.exports = require(${JSON.stringify(builtinOf(args.path))});` }));
      // What `await import('node:x')` resolves to, reading no export until it is used.
      esbuild.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
        loader: 'js',
        contents: [
          `const mod = require(${JSON.stringify(builtinOf(args.path))});`,
          'const namespace = Object.create(null, { [Symbol.toStringTag]: { value: "Module" }, default: { value: mod, enumerable: true } });',
          'for (const key of Object.getOwnPropertyNames(mod)) if (key !== "default") Object.defineProperty(namespace, key, { get: () => mod[key], enumerable: true });',
          'module.exports = Object.freeze(namespace);',
        ].join('\n'),
      }));
    },
  };
}
