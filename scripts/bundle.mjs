#!/usr/bin/env node
// The shipped CLI as one ES module bundle (plus the lazily loaded chunks), built by esbuild from
// src/cli/main.ts into dist/bundle/; bin/appflow-gitops.js loads it. `npm run build` runs this
// after tsc (whose dist/src and dist/bench the tests and the bench still import).
//
// Why: a fresh process spent ~150 ms resolving and loading module files (210 for `apply`) and Node lexing
// the AWS SDK's CommonJS files for their named exports. One bundle of our code and the SDK's ES
// module builds loads in a fraction of that (docs/benchmarks.md, Start-up).
//
// What stays right:
// - Lazy stays lazy: every `await import()` (the commands, DynamoDB, STS, the credential
//   providers, cel-js, ajv's compiler) becomes its own chunk (code splitting), loaded only when
//   reached. dist/bundle/meta.json (esbuild's metafile) says which sources each chunk holds, so
//   the tests that prove laziness from Node's module log can name packages inside chunks.
// - Files found relative to import.meta.url (models/, schema/, demo/seed.json, package.json) are
//   looked up from dist/bundle/, two levels below the package root like dist/src/<dir>/.
// - Kept external (loaded from node_modules as before): pino-pretty, yaml and js-yaml, all loaded
//   on demand through createRequire (one copy each). pino is bundled: the CLI never starts a pino
//   transport, the one part of pino that resolves worker files by path (its __dirname); bundling
//   it spared loading ~30 CommonJS files (~15-20 ms of start-up).
// - Licences: each bundled package's licence comments stay in the output, and
//   dist/bundle/THIRD-PARTY-LICENSES.txt lists every bundled package with its licence text.
import { readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { builtinsThroughRequire } from './bundle-builtins.mjs';
import { ESM_BUNDLE_OPTIONS } from './bundle-options.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');

const entryPoints = { 'appflow-gitops': 'src/cli/main.ts', 'worker-load': 'src/cli/worker-load.ts' };

// The profile load's worker thread (src/cli/worker-load.ts) runs one CommonJS file of its own,
// dist/bundle/load-worker.cjs, found beside the chunk that starts it (LOAD_WORKER_URL, told the
// file's name through `define`). It is on the critical path of plan and apply (the main thread
// waits for its result), and a CommonJS entry in one file starts faster than an ES module entry
// and its shared chunks: no ES module loader to set up in the thread, one file to read and compile
// instead of a dozen to resolve and link (docs/benchmarks.md, round nine). The loader's code is
// then in the bundle twice (the main thread's in-thread fallback keeps its chunks).
const WORKER_ENTRY = 'src/cli/load-worker.ts';
const WORKER_FILE = 'load-worker.cjs';

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints,
  outdir,
  // ES modules, code splitting, a require() in each output file (scripts/bundle-options.mjs).
  ...ESM_BUNDLE_OPTIONS,
  // The SDK's ES module builds (dist-es): no CommonJS wrappers, and esbuild drops what is unused.
  mainFields: ['module', 'main'],
  external: ['pino-pretty', 'yaml', 'js-yaml'],
  // node:http, node:process and node:util through require(), not an ES import
  // (scripts/bundle-builtins.mjs): an import reads every export, and their lazy getters load
  // undici (http.WebSocket on Node 22) and more.
  plugins: [lazyChildProcessForCommander(), builtinsThroughRequire({ root, entryPoints: Object.values(entryPoints).map((file) => join(root, file)) })],
  define: { __APPFLOW_GITOPS_LOAD_WORKER_FILE__: JSON.stringify(`./${WORKER_FILE}`) },
  // Not minified: names stay readable in stack traces (APPFLOW_GITOPS_DEBUG=1) without keepNames,
  // whose __name() call on every function created cost ~18 ms of a 1,000-profile apply; minifying
  // saved under 10 ms of start-up, within the noise of the shared machine.
  minify: false,
  // A source map beside each file, for `node --enable-source-maps` when debugging; not enabled by
  // default (it costs start-up). Sources are not embedded: they are src/ in the repository.
  sourcemap: 'linked',
  sourcesContent: false,
  chunkNames: '[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
});
const worker = await build({
  absWorkingDir: root,
  entryPoints: [WORKER_ENTRY],
  outfile: join(outdir, WORKER_FILE),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: ESM_BUNDLE_OPTIONS.target,
  mainFields: ['module', 'main'],
  external: ['pino-pretty', 'yaml', 'js-yaml'],
  // Files found relative to import.meta.url (createRequire for yaml and js-yaml, the schema file)
  // are found relative to this file, as in the ES module bundle beside it.
  define: { 'import.meta.url': '__bundleImportMetaUrl' },
  // Strict mode as in the ES modules (the directive must come first, before the banner's line).
  banner: { js: "'use strict';\nvar __bundleImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  minify: false,
  sourcemap: 'linked',
  sourcesContent: false,
  metafile: true,
  logLevel: 'warning',
});
// One metafile for both builds: the tests map each loaded output file to its sources.
const metafile = { inputs: { ...result.metafile.inputs, ...worker.metafile.inputs }, outputs: { ...result.metafile.outputs, ...worker.metafile.outputs } };
writeFileSync(join(outdir, 'meta.json'), JSON.stringify(metafile));
writeFileSync(join(outdir, 'THIRD-PARTY-LICENSES.txt'), thirdPartyLicenses(metafile));

/**
 * commander requires node:child_process when it loads, only to spawn executable subcommands
 * (`program.command('x', 'description')`), which this CLI does not have, so commander gets a
 * stand-in that requires the real module on first use of any of its members: no command loads
 * child_process unless it spawns (a small saving: 0.44 ms measured directly, though a CPU profile
 * had put it at about 8 ms; docs/benchmarks.md round five).
 */
function lazyChildProcessForCommander() {
  return {
    name: 'lazy-child-process-for-commander',
    setup(esbuild) {
      esbuild.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
        /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'lazy-child-process', namespace: 'lazy-child-process' } : undefined,
      );
      esbuild.onLoad({ filter: /.*/, namespace: 'lazy-child-process' }, () => ({
        loader: 'js',
        contents: [
          'let real;',
          "const load = () => (real ??= require('node:child_process'));",
          'module.exports = new Proxy({}, { get: (_, key) => load()[key], has: (_, key) => key in load(), ownKeys: () => Reflect.ownKeys(load()), getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(load(), key) });',
        ].join('\n'),
      }));
    },
  };
}

/** Every bundled package (name@version, licence) with its licence file's text. */
function thirdPartyLicenses(metafile) {
  const packages = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) packages.add(input.slice(0, match.index + match[0].length - 1));
  }
  const sections = [...packages].sort().map((dir) => {
    const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    const licenceFile = readdirSync(join(root, dir)).find((name) => /^(licen[cs]e|copying)(\.|$)/i.test(name));
    const text = licenceFile && existsSync(join(root, dir, licenceFile)) ? readFileSync(join(root, dir, licenceFile), 'utf8').trim() : '(no licence file in the package)';
    return `${pkg.name}@${pkg.version} (${pkg.license ?? 'see below'})\n\n${text}\n`;
  });
  return `Packages bundled into dist/bundle/ by scripts/bundle.mjs, with their licences.\n\n${sections.join(`\n${'-'.repeat(78)}\n\n`)}`;
}
