// Types of scripts/bundle-builtins.mjs, for the tests that import it.
import type { Plugin } from 'esbuild';

export const THROUGH_REQUIRE: ReadonlySet<string>;
export function rewriteDynamicImports(source: string): string | undefined;
export function builtinsThroughRequire(options: { root: string; entryPoints: string[] }): Plugin;
