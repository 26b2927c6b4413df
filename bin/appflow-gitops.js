#!/usr/bin/env node
// Thin launcher: the CLI ships as one ES module bundle in dist/bundle/ (scripts/bundle.mjs, run by
// `npm run build`, which `npm ci` runs through the `prepare` script). The bundle holds our code and
// the AWS SDK, so `apply` loads 36 files instead of 210 (and no CommonJS export lexing).
import module from 'node:module';

// V8's compile cache (Node 22.1+) saves compiling the CLI and the AWS SDK again on every run
// (`NODE_COMPILE_CACHE=DIR` chooses where; an unwritable place only means no cache). Node 20 has
// no such function and starts exactly as before. Enabled before the CLI is imported, so it
// covers every module the CLI loads.
module.enableCompileCache?.();

// plan and apply load the profile files on a worker thread (src/cli/worker-load.ts): started
// here, before the CLI's own modules load, it boots beside them. The CLI finds it started (the
// bundle's worker-load.js is this same module); any other command starts nothing.
const command = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
if (command === 'plan' || command === 'apply') (await import('../dist/bundle/worker-load.js')).prestartLoadWorker();

await import('../dist/bundle/appflow-gitops.js');
