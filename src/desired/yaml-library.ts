// The `yaml` library, loaded on first use. A fresh `apply` whose files all take the fast parse
// (fast-yaml.ts) never needs it, and loading it cost about as much as parsing a few hundred
// profiles; a file that needs positions, the config file, or an import loads it then.
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

let library: typeof Yaml | undefined;

export function yamlLibrary(): typeof Yaml {
  library ??= createRequire(import.meta.url)('yaml') as typeof Yaml;
  return library;
}
