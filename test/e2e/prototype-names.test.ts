// Profile names that are also names of Object.prototype members (issue 11 item 8): AWS's name
// pattern allows `__proto__`, `constructor`, `toString`, `hasOwnProperty`. Through the built CLI
// against the emulator: such a profile converges (a second apply is a no-op), and `constructor`
// does not look managed before it is.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { ensureBuilt, runBuiltCli } from '../support/cli.js';
import { emulatorEnv, profileWrites } from '../support/emulator-harness.js';
import { datadogDocument } from '../support/profile-documents.js';

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

let emulator: RunningEmulator;
let root: string;
let profiles: string;

beforeEach(async () => {
  ensureBuilt(['state/state-shape.ts', 'reconcile/inventory.ts']);
  emulator = await startEmulator({ port: 0, seed: { secrets: [{ name: 'dd', secretString: JSON.stringify({ apiKey: 'k', applicationKey: 'a' }) }] } });
  root = await mkdtemp(join(tmpdir(), 'proto-names-'));
  profiles = join(root, 'profiles');
  await mkdir(profiles);
});
afterEach(async () => {
  await emulator.close();
  await rm(root, { recursive: true, force: true });
});

const cli = (...args: string[]) =>
  runBuiltCli([...args, '--profiles', profiles, '--state', join(root, 'state')], { cwd: root, env: { ...emulatorEnv(emulator.endpoint), HOME: root, NO_COLOR: '1' } });

describe('profile names that are Object.prototype members (built CLI)', () => {
  it('converge: the first apply creates them, the second is a no-op, and state records each', async () => {
    for (const name of NAMES) await writeFile(join(profiles, `${name}.json`), JSON.stringify(datadogDocument(name)));
    const first = await cli('apply');
    expect(first.stdout).toContain(`${NAMES.length} added, 0 changed, 0 destroyed`);
    expect(first.code).toBe(0);
    expect(profileWrites(emulator).map((w) => w.profileName).sort()).toEqual([...NAMES].sort());

    emulator.clearRequestLog();
    const second = await cli('apply', '--prune');
    expect(second.stdout).toMatch(/No changes|0 added, 0 changed, 0 destroyed/);
    expect(second.code).toBe(0);
    expect(profileWrites(emulator)).toEqual([]);

    const state = JSON.parse(await readFile(join(root, 'state', 'state.json'), 'utf8')) as { targets: Record<string, { profiles: object }> };
    const recorded = Object.values(state.targets).flatMap((t) => Object.keys(t.profiles));
    expect(recorded.sort()).toEqual([...NAMES].sort());
  }, 120_000);

  it('a profile named constructor is not managed before it is: an existing one is adopted, never deleted', async () => {
    // Another state directory creates `constructor` in AppFlow: for this state it is unmanaged.
    await writeFile(join(profiles, 'constructor.json'), JSON.stringify(datadogDocument('constructor')));
    expect((await runBuiltCli(['apply', '--profiles', profiles, '--state', join(root, 'other-state')], { cwd: root, env: { ...emulatorEnv(emulator.endpoint), HOME: root } })).code).toBe(0);
    await writeFile(join(profiles, 'kept.json'), JSON.stringify(datadogDocument('kept')));

    const plan = await cli('plan', '--prune', '--json');
    const changes = (JSON.parse(plan.stdout) as { changes: { name: string; action: string; adopt?: boolean }[] }).changes;
    expect(changes.find((c) => c.name === 'constructor')).toMatchObject({ adopt: true });

    await rm(join(profiles, 'constructor.json'));
    const again = await cli('plan', '--prune', '--json');
    const names = (JSON.parse(again.stdout) as { changes: { name: string; action: string }[] }).changes.map((c) => `${c.name}:${c.action}`);
    expect(names).toEqual(['kept:create']);
  }, 120_000);
});
