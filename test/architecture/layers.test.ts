// The layering of src/ (docs/development.md): no import cycle anywhere, and each layer imports
// only the layers below it. The rules live in .dependency-cruiser.cjs; this runs them so that
// `npm test` (and CI) fails on a breach, printing which import broke which rule.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

const CRUISER = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

it('src/, bench/, scripts/ and test/ have no import cycle and no import that skips up a layer', async () => {
  const run = promisify(execFile)(
    process.execPath,
    [CRUISER, 'src', 'bench', 'scripts', 'test', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'],
    { cwd: ROOT },
  );
  const outcome = await run.then(
    ({ stdout }) => ({ code: 0, report: stdout }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? -1, report: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
  );
  expect(outcome.report).not.toMatch(/error/);
  expect(outcome.code).toBe(0);
});
