// Symlinks in the profiles directory (issue 11 item 3), through the built CLI against the
// emulator: a link whose target was removed, or a link that leads outside the directory, is a
// failed file. It blocks prune like a parse error, and apply and validate name it with a reason.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { ensureBuilt, runBuiltCli } from '../support/cli.js';
import { emulatorEnv, profileWrites } from '../support/emulator-harness.js';
import { datadogDocument } from '../support/profile-documents.js';

let emulator: RunningEmulator;
let root: string;
let profiles: string;

beforeEach(async () => {
  ensureBuilt(['desired/discover-files.ts']);
  emulator = await startEmulator({ port: 0, seed: { secrets: [{ name: 'dd', secretString: JSON.stringify({ apiKey: 'k', applicationKey: 'a' }) }] } });
  root = await mkdtemp(join(tmpdir(), 'links-e2e-'));
  profiles = join(root, 'profiles');
  await mkdir(join(profiles, '.shared'), { recursive: true });
  await writeFile(join(profiles, 'kept.json'), JSON.stringify(datadogDocument('kept')));
});
afterEach(async () => {
  await emulator.close();
  await rm(root, { recursive: true, force: true });
});

const cli = (...args: string[]) => runBuiltCli([...args, '--profiles', profiles], { cwd: root, env: { ...emulatorEnv(emulator.endpoint), HOME: root, NO_COLOR: '1' } });
const apply = (...args: string[]) => cli('apply', '--state', join(root, 'state'), ...args);

describe('symlinked profile files (built CLI)', () => {
  it.each([
    ['a broken link (its target was removed)', 'broken symlink: its target does not exist; the file counts as failed (prune is blocked)', async () => rm(join(profiles, '.shared', 'linked.json'))],
    ['a link that now leads outside the directory', 'symlink leads outside the profiles directory; the file counts as failed (prune is blocked)', async () => {
      await writeFile(join(root, 'outside.json'), JSON.stringify(datadogDocument('linked')));
      await rm(join(profiles, 'linked.json'));
      await symlink(join(root, 'outside.json'), join(profiles, 'linked.json'));
    }],
  ])('%s: apply --prune destroys nothing and names the file', async (_name, message, breakLink) => {
    // The profile lives in a dot-directory (never read itself) and is published through a link.
    await writeFile(join(profiles, '.shared', 'linked.json'), JSON.stringify(datadogDocument('linked')));
    await symlink(join('.shared', 'linked.json'), join(profiles, 'linked.json'));
    const first = await apply();
    expect(first.stdout).toContain('2 added, 0 changed, 0 destroyed');
    expect(first.code).toBe(0);

    await breakLink();
    emulator.clearRequestLog();
    const pruned = await apply('--prune');
    expect(profileWrites(emulator)).toEqual([]);
    expect(pruned.stdout).not.toMatch(/[1-9]\d* destroyed/);
    expect(pruned.stdout).toContain(`linked.json:1:1: ${message}`);
    expect(pruned.stdout).toContain('prune skipped: 1 file failed to load (linked.json)');
    expect(pruned.code).not.toBe(0);

    const validate = await cli('validate');
    expect(validate.stdout).toContain(`linked.json:1:1: ${message}`);
    expect(validate.code).toBe(1);
  }, 120_000);
});
