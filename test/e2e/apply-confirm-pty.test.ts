// apply's confirmation on a terminal (issue 15 item 3), on a real pseudo-terminal (util-linux
// `script`): 'no' writes nothing, 'yes' applies, --auto-approve and apply FILE do not ask, and a
// run without a terminal does not ask. Each step waits for the prompt text on the terminal.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureBuilt, runBuiltCli } from '../support/cli.js';
import { profileWrites, emptyEmulator, startEmulatorHarness, type EmulatorHarness } from '../support/emulator-harness.js';
import { datadogDocument } from '../support/profile-documents.js';
import { hasScript, runBuiltCliOnPty } from '../support/pty.js';

const PROMPT = 'Enter a value:';
const SENTINEL = 'SENTINEL-SECRET-pty';
const SLOW = 60_000;
const ptyAvailable = hasScript();
if (!ptyAvailable) console.warn('skipping apply-confirm-pty: util-linux `script` is not installed (Debian package bsdutils)');

let harness: EmulatorHarness;
let root: string;

beforeAll(async () => {
  ensureBuilt();
  harness = await startEmulatorHarness();
});
afterAll(() => harness.close());

beforeEach(async () => {
  await emptyEmulator(harness.emulator);
  harness.emulator.seed({ secrets: [{ name: 'pty/dd', secretString: JSON.stringify({ apiKey: `${SENTINEL}-a`, applicationKey: `${SENTINEL}-b` }) }] });
  root = await mkdtemp(join(tmpdir(), 'apply-pty-'));
  await mkdir(join(root, 'profiles'));
  await writeFile(join(root, 'profiles', 'a.json'), JSON.stringify(datadogDocument('a', { secret: 'pty/dd' })));
  return () => rm(root, { recursive: true, force: true });
});

const paths = () => ['--profiles', join(root, 'profiles'), '--state', join(root, 'state')];
const env = () => ({ ...harness.env, HOME: root, NO_COLOR: '1' });
const writes = () => profileWrites(harness.emulator).map((w) => `${w.operation}:${w.profileName}`);
const onPty = (...args: string[]) => runBuiltCliOnPty([...args, ...paths()], { cwd: root, env: env() });

describe.skipIf(!ptyAvailable)('apply on a terminal', () => {
  it("asks, and 'no' writes nothing", async () => {
    const apply = onPty('apply');
    await apply.waitForText(PROMPT);
    expect(apply.output()).toContain('Plan: 1 to add');
    expect(writes()).toEqual([]);
    apply.type('no\n');
    expect(await apply.exited).toBe(1);
    expect(apply.output()).toContain('apply cancelled: nothing was written');
    expect(writes()).toEqual([]);
    expect(apply.output()).not.toContain(SENTINEL);
  }, SLOW);

  it("asks, and 'yes' applies", async () => {
    const apply = onPty('apply');
    await apply.waitForText(PROMPT);
    apply.type('yes\n');
    expect(await apply.exited).toBe(0);
    expect(writes()).toEqual(['CreateConnectorProfile:a']);
    expect(apply.output()).not.toContain(SENTINEL);
  }, SLOW);

  it('--auto-approve does not ask', async () => {
    const apply = onPty('apply', '--auto-approve');
    expect(await apply.exited).toBe(0);
    expect(apply.output()).not.toContain(PROMPT);
    expect(writes()).toEqual(['CreateConnectorProfile:a']);
  }, SLOW);

  it('apply FILE does not ask: the saved plan was the review', async () => {
    const planFile = join(root, 'reviewed.plan');
    expect((await runBuiltCli(['plan', '--out', planFile, ...paths()], { cwd: root, env: env() })).code).toBe(0);
    const apply = onPty('apply', planFile);
    expect(await apply.exited).toBe(0);
    expect(apply.output()).not.toContain(PROMPT);
    expect(writes()).toEqual(['CreateConnectorProfile:a']);
  }, SLOW);

  it('a run without a terminal does not ask', async () => {
    const apply = await runBuiltCli(['apply', ...paths()], { cwd: root, env: env() });
    expect(apply.code).toBe(0);
    expect(apply.stdout + apply.stderr).not.toContain(PROMPT);
    expect(writes()).toEqual(['CreateConnectorProfile:a']);
  }, SLOW);
});
