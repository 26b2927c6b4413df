// Reading Node's module debug log (NODE_DEBUG=module,esm on a spawned CLI): every file it loads
// is named, so a package's absence from the log means the run did not load it. The shipped CLI is
// a bundle (scripts/bundle.mjs): the log then names its chunk files, and the bundle's metafile
// (dist/bundle/meta.json) says which source files each chunk holds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';

/** Output file (path from the repository root) → the source files bundled into it. */
function bundleChunks(): Map<string, string[]> {
  const meta = JSON.parse(readFileSync(join(ROOT, 'dist', 'bundle', 'meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
  return new Map(Object.entries(meta.outputs).map(([output, { inputs }]) => [output, Object.keys(inputs)]));
}

/** The bundle chunks the log names, and the source files they hold. */
function sourcesInLoadedChunks(log: string): string[] {
  const chunks = bundleChunks();
  const named = new Set([...log.matchAll(/dist\/bundle\/[\w.-]+\.js/g)].map((m) => m[0]));
  return [...named].flatMap((output) => chunks.get(output) ?? []);
}

/** Whether the run loaded `file` (a path ending, e.g. node_modules/ajv/dist/ajv.js): on its own or inside a loaded chunk. */
export function loadedFile(log: string, file: string): boolean {
  return log.includes(file) || sourcesInLoadedChunks(log).some((source) => source.endsWith(file));
}

/** The packages among `names` of which the log names a file, on its own or inside a loaded chunk. */
export function loadedPackages(log: string, names: readonly string[]): string[] {
  const sources = sourcesInLoadedChunks(log);
  return names.filter((name) => log.includes(`node_modules/${name}/`) || sources.some((source) => source.includes(`node_modules/${name}/`)));
}

/**
 * Node flags that make a spawned process (and each of its worker threads) print, as it exits, one
 * stderr line `BUILTINS [...]`: the built-in modules it loaded (process.moduleLoadList), internal
 * ones included, which NODE_DEBUG=module does not name.
 */
export const PRINT_BUILTINS_AT_EXIT = ['--import', "data:text/javascript,process.on('exit', () => process._rawDebug('BUILTINS ' + JSON.stringify(process.moduleLoadList)))"];

/** The built-in modules (e.g. 'internal/deps/undici/undici') any thread of a run with PRINT_BUILTINS_AT_EXIT loaded. */
export function loadedBuiltins(stderr: string): string[] {
  const lists = [...stderr.matchAll(/^BUILTINS (\[.*\])$/gm)].map((match) => JSON.parse(match[1] ?? '[]') as string[]);
  if (lists.length === 0) throw new Error('the run printed no BUILTINS line: was it started with PRINT_BUILTINS_AT_EXIT?');
  return [...new Set(lists.flat())].filter((name) => name.startsWith('NativeModule ')).map((name) => name.slice('NativeModule '.length));
}
