// `--version` is this package's version, also when run from another project's npm script (where
// npm sets npm_package_version to that project's version).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');

it('prints the version from package.json, not npm_package_version', () => {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const out = execFileSync(process.execPath, [join(ROOT, 'bin', 'appflow-gitops.js'), '--version'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', npm_package_version: '7.7.7-someone-elses' },
    encoding: 'utf8',
  });
  expect(out.trim()).toBe(version);
});
