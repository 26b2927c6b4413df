// The version this CLI reports (--version) and stamps on saved plans.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * This package's version, from its own package.json (found upwards from this module: dist/src/cli
 * when built, src/cli under tsx). Not npm_package_version: inside another project's npm script
 * that variable holds *that* project's version.
 */
export function ownVersion(): string {
  let dir = import.meta.dirname;
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'appflow-gitops' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no package.json here: keep looking upwards
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}
