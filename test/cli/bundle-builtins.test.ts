// scripts/bundle-builtins.mjs: the bundle reaches node:http, node:process and node:util through
// require() (an ES import builds the module's facade, which reads every export, and on Node 22
// http's lazy WebSocket getters load undici). A fixture using every import form is bundled with
// the plugin and run: each form must give the real module's values, and nothing may have read a
// lazy getter. Forms the plugin cannot express must fail the build, not the run.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinsThroughRequire, rewriteDynamicImports } from '../../scripts/bundle-builtins.mjs';
import { ESM_BUNDLE_OPTIONS } from '../../scripts/bundle-options.mjs';
import { removeDir, tempDir } from '../integration/plan-helpers.js';

// Built-in modules whose loading means an export's lazy getter was read (Node 22's http.WebSocket
// loads undici; process.report loads the report module on 20 and 22).
const LAZY_GETTER_MODULES = ['NativeModule internal/deps/undici/undici', 'NativeModule internal/process/report'];

// Every way the bundle's sources import a listed built-in, each checked against require().
const FIXTURE = `
import { inspect } from 'node:util';
import * as utilNamespace from 'node:util';
import util from 'util';
import { env, versions } from 'node:process';
import processDefault from 'node:process';
import 'node:http';
export { format } from 'node:util';

const real = { util: require('node:util'), process: require('node:process'), http: require('node:http') };
const loadedBeforeDynamic = process.moduleLoadList.slice();
const httpNamespace = await import('node:http');
const { request, Agent } = await import("http");
const checks = {
  named: inspect === real.util.inspect && env === real.process.env && versions === real.process.versions,
  namespace: utilNamespace.inspect === real.util.inspect && utilNamespace.default === real.util,
  default: util === real.util && processDefault === real.process,
  dynamicDestructured: request === real.http.request && Agent === real.http.Agent,
  dynamicNamespace: httpNamespace.default === real.http && httpNamespace.createServer === real.http.createServer && Object.prototype.toString.call(httpNamespace) === '[object Module]',
};
console.log(JSON.stringify({ checks, loadedBeforeDynamic, loadedAfterDynamic: process.moduleLoadList }));
`;

let work: string;

beforeAll(async () => {
  work = await tempDir('bundle-builtins-');
});

afterAll(async () => {
  await removeDir(work);
});

/** Bundles `source` as an entry point the way scripts/bundle.mjs does (its ESM_BUNDLE_OPTIONS, with the plugin). */
async function bundle(name: string, source: string): Promise<string> {
  const entry = join(work, `${name}.ts`);
  await writeFile(entry, source);
  const outdir = join(work, `${name}-out`);
  await build({
    absWorkingDir: work,
    entryPoints: [entry],
    outdir,
    ...ESM_BUNDLE_OPTIONS,
    logLevel: 'silent',
    plugins: [builtinsThroughRequire({ root: work, entryPoints: [entry] })],
  });
  return join(outdir, `${name}.js`);
}

function runNode(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [file], (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)));
  });
}

describe('the bundle reaches node:http, node:process and node:util through require()', () => {
  it('every import form gives the real module, and no lazy getter is read', async () => {
    const output = JSON.parse(await runNode(await bundle('forms', FIXTURE))) as { checks: Record<string, boolean>; loadedBeforeDynamic: string[]; loadedAfterDynamic: string[] };
    expect(output.checks).toEqual({ named: true, namespace: true, default: true, dynamicDestructured: true, dynamicNamespace: true });
    // The static `import 'node:http'` loaded http itself (through require), so the check below
    // is not vacuous: http was there to be read, and nothing read WebSocket.
    expect(output.loadedBeforeDynamic).toContain('NativeModule http');
    expect(output.loadedAfterDynamic.filter((name) => LAZY_GETTER_MODULES.includes(name))).toEqual([]);
  }, 60_000);

  it('a dynamic import of a listed built-in that the rewrite cannot see fails the build', async () => {
    await expect(bundle('hidden-dynamic', "export const load = () => import(/* a comment */ 'node:http');")).rejects.toThrow(/was not rewritten to require\(\)/);
  });

  it('`export * from` a listed built-in in an entry point fails the build (an ES bundle must name its exports)', async () => {
    await expect(bundle('star', "export * from 'node:util';")).rejects.toThrow(/cannot be bundled/);
  });

  it('the rewrite touches only string-literal dynamic imports of the listed built-ins', () => {
    expect(rewriteDynamicImports("const h = await import('node:http'); const u = await import(\"util\");")).toBe(
      'const h = await Promise.resolve().then(() => require("builtin-namespace:node:http")); const u = await Promise.resolve().then(() => require("builtin-namespace:node:util"));',
    );
    expect(rewriteDynamicImports("await import('node:fs'); loader.import('node:http'); await import('./http.js');")).toBeUndefined();
  });
});
