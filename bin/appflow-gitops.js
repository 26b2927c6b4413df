#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm run build`, which `npm ci` runs
// through the `prepare` script).
import '../dist/src/cli/main.js';
