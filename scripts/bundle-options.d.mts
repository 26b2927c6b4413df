// Types of scripts/bundle-options.mjs, for the tests that import it.
import type { BuildOptions } from 'esbuild';

export const ESM_BUNDLE_OPTIONS: BuildOptions;
