// `import` with profile names near AWS's 256-character limit (issue 11 item 11), through the built
// CLI against the emulator. A 250-character name used to abort the import with ENAMETOOLONG (the
// temp file adds a suffix) after writing two files and recording none. Long names now get a
// shortened, still readable file name with a hash for uniqueness; every profile is imported.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { MAX_FILE_NAME_BYTES } from '../../src/importer/naming.js';
import { datadogCreateRequest } from '../support/profile-documents.js';
import { ensureBuilt, runCli } from './cli-helpers.js';

const LONG = `a${'b'.repeat(248)}z`; // 250 characters
const LONG_TWIN = `a${'b'.repeat(248)}y`; // differs only at the end, which shortening cuts off
const SLASHES = `x${'/'.repeat(255)}`; // 256 characters; every '/' is 3 bytes once encoded
const NAMES = ['aaa-first', LONG, LONG_TWIN, SLASHES, 'zzz-last'];

let emu: RunningEmulator;
let dir: string;

beforeAll(async () => {
  ensureBuilt(['cli/commands/import.ts', 'importer/naming.ts', 'importer/write-profile-file.ts']);
  emu = await startEmulator({ seed: { profiles: NAMES.map((name) => datadogCreateRequest(name, { apiKey: 'k', applicationKey: 'a' })) } });
  dir = await mkdtemp(join(tmpdir(), 'import-long-'));
}, 180_000);
afterAll(async () => {
  await emu.close();
  await rm(dir, { recursive: true, force: true });
});

describe('import with long profile names (built CLI)', () => {
  it('imports every profile, each into a file name within the limit, and apply finds them all in place', async () => {
    const result = await runCli(['import', '--json'], { cwd: dir, endpoint: emu.endpoint });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { profiles: { name: string; file: string; status: string }[] };
    expect(summary.profiles.map((p) => [p.name, p.status])).toEqual([...NAMES].sort().map((name) => [name, 'created']));

    const files = await readdir(join(dir, 'profiles'));
    expect(files).toHaveLength(NAMES.length);
    for (const file of files) expect(Buffer.byteLength(file), file).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
    // Readable: a shortened name starts with the profile's name.
    expect(files.find((f) => f.startsWith('abbbbbbbbbb'))).toMatch(/^ab+~[0-9a-f]{12}\.yaml$/);
    expect(new Set(files.map((f) => f.toLowerCase())).size).toBe(NAMES.length);

    // The files are valid profiles, and the inventory recorded all of them: apply has nothing to do.
    const validate = await runCli(['validate', '--profiles', 'profiles'], { cwd: dir, endpoint: emu.endpoint });
    expect(validate.stdout).toContain(`${NAMES.length} profiles valid in ${NAMES.length} files`);
    const plan = await runCli(['plan', '--profiles', 'profiles', '--state', '.appflow-gitops', '--skip-credentials', '--json'], { cwd: dir, endpoint: emu.endpoint });
    const changes = (JSON.parse(plan.stdout) as { changes: { name: string; action: string; adopt: boolean }[] }).changes;
    expect(changes.filter((c) => c.action === 'create' || c.action === 'delete' || c.adopt)).toEqual([]);
  }, 120_000);
});
