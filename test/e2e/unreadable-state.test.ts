// Issue 11 item 5: a state.json that exists but cannot be read (EISDIR here, EACCES when not
// root) fails the pass in one line naming the file, and nothing is saved or sent: no AWS write,
// no re-adoption, no credentials re-sent, no state rewritten. A corrupt file keeps its keep-aside.
import { execFile } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { BIN, ensureBuilt, runBuiltCli } from '../support/cli.js';
import { datadogDocument } from '../support/profile-documents.js';
import { DaemonProcess, emulatorEnv } from './daemon-process.js';

ensureBuilt(['state/file-state-store.ts', 'reconcile/reconcile-once.ts', 'cli/commands/apply.ts']);

const SECRET = { apiKey: 'SENTINEL-unreadable-api', applicationKey: 'SENTINEL-unreadable-app' };
const WRITES = /^(Create|Update|Delete)ConnectorProfile$/;
/** The conventional `nobody` uid/gid. */
const NOBODY = 65534;

async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  await chown(dir, uid, gid);
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) await chown(join(entry.parentPath, entry.name), uid, gid);
}

let emu: RunningEmulator;
let root: string;
let profiles: string;
let state: string;
let statePath: string;
const daemons: DaemonProcess[] = [];

beforeAll(async () => {
  emu = await startEmulator({ port: 0, seed: { secrets: [{ name: 'unreadable/dd', secretString: JSON.stringify(SECRET) }] } });
});
afterAll(async () => {
  await emu?.close();
});
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'unreadable-state-'));
  profiles = join(root, 'profiles');
  state = join(root, 'state');
  statePath = join(state, 'state.json');
  await mkdir(profiles);
  emu.clearRequestLog();
});
afterEach(async () => {
  for (const d of daemons.splice(0)) d.kill();
  await chmod(statePath, 0o600).catch(() => undefined);
  await rm(root, { recursive: true, force: true });
});

const env = () => ({ ...emulatorEnv(emu.endpoint), HOME: root, NO_COLOR: '1' });
const apply = (...args: string[]) => runBuiltCli(['apply', '--profiles', profiles, '--state', state, ...args], { cwd: root, env: env() });
const writeProfile = (name: string) => writeFile(join(profiles, `${name}.json`), JSON.stringify(datadogDocument(name, { secret: 'unreadable/dd' })));

/**
 * A converged state with a `created` record (keep) and a pruneable one (its file removed), then
 * made unreadable the deterministic way even as root: state.json replaced by a directory.
 */
async function convergedThenUnreadable(prefix: string): Promise<{ saved: string; restore: () => Promise<void> }> {
  await writeProfile(`${prefix}-keep`);
  await writeProfile(`${prefix}-gone`);
  expect((await apply()).code).toBe(0);
  await rm(join(profiles, `${prefix}-gone.json`));
  const saved = await readFile(statePath, 'utf8');
  expect(JSON.parse(saved).targets).toBeDefined();
  await rename(statePath, `${statePath}.real`);
  await mkdir(statePath);
  emu.clearRequestLog();
  return {
    saved,
    restore: async () => {
      await rmdir(statePath);
      await rename(`${statePath}.real`, statePath);
    },
  };
}

async function expectNothingSaved(saved: string, restore: () => Promise<void>): Promise<void> {
  expect(emu.requestLog().filter((e) => WRITES.test(e.operation))).toEqual([]);
  expect(emu.requestLog().filter((e) => e.operation === 'GetSecretValue' || e.operation === 'BatchGetSecretValue')).toEqual([]);
  expect((await readdir(state)).filter((f) => f !== 'lock').sort()).toEqual(['fingerprint.key', 'state.json', 'state.json.real']);
  await restore();
  expect(await readFile(statePath, 'utf8')).toBe(saved);
}

describe('an unreadable state.json', () => {
  it('apply --prune: exit 1, one line naming the file, no AWS write, state untouched', async () => {
    const { saved, restore } = await convergedThenUnreadable('ua');
    const result = await apply('--prune');
    console.log(`apply --prune with state.json unreadable: exit ${result.code}; stderr: ${result.stderr.trim()}`);
    expect(result.code).toBe(1);
    const errors = result.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^error: /);
    expect(errors[0]).toContain(statePath);
    expect(errors[0]).toContain('EISDIR');
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    await expectNothingSaved(saved, restore);
    // Readable again: the pruneable record is still there and goes, the created one stays created.
    const after = await apply('--prune');
    expect(after.code).toBe(0);
    const profilesAfter = JSON.parse(await readFile(statePath, 'utf8')).targets;
    const records = Object.values(profilesAfter as Record<string, { profiles: Record<string, { origin: string }> }>)[0]!.profiles;
    expect(Object.keys(records)).toEqual(['ua-keep']);
    expect(records['ua-keep']!.origin).toBe('created');
  }, 60_000);

  it('apply: a state.json of mode 000 read by a non-root user (EACCES) fails the same way', async () => {
    await writeProfile('perm-keep');
    expect((await apply()).code).toBe(0);
    const saved = await readFile(statePath, 'utf8');
    await chmod(statePath, 0o000);
    // Root reads through mode 000, so as root the CLI runs with the privileges of `nobody`.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) await chownTree(root, NOBODY, NOBODY);
    emu.clearRequestLog();
    const result = await new Promise<{ code: number; stderr: string }>((done) => {
      execFile(process.execPath, [BIN, 'apply', '--prune', '--profiles', profiles, '--state', state], { cwd: root, env: env(), timeout: 60_000, ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}) }, (error, _out, stderr) =>
        done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr }),
      );
    });
    console.log(`apply --prune, state.json mode 000${asRoot ? ' (run as uid 65534)' : ''}: exit ${result.code}; stderr: ${result.stderr.trim()}`);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: cannot read state file .*\(EACCES\)/)]);
    expect(result.stderr).toContain(statePath);
    expect(emu.requestLog().filter((e) => WRITES.test(e.operation))).toEqual([]);
    await chmod(statePath, 0o600);
    expect(await readFile(statePath, 'utf8')).toBe(saved);
  }, 60_000);

  it('the daemon: every pass fails naming the file, not ready, nothing written; recovers once the file is readable', async () => {
    const { saved, restore } = await convergedThenUnreadable('ud');
    const daemon = new DaemonProcess(['--profiles', profiles, '--state', state, '--listen', '127.0.0.1:0', '--interval', '1h', '--prune'], env());
    daemons.push(daemon);
    await daemon.started();
    const failed = await daemon.waitForLog((l) => l.event === 'daemon.pass' && l.result === 'error');
    console.log(`daemon with state.json unreadable: ${String(failed.msg)}`);
    expect(String(failed.msg)).toContain(statePath);
    expect(String(failed.msg)).toContain('EISDIR');
    expect((await fetch(`${daemon.url}/readyz`)).status).toBe(503);
    await expectNothingSaved(saved, restore);
    // Readable again: the next pass (POST /reconcile) succeeds and prunes the removed profile.
    const from = daemon.lines.length;
    await fetch(`${daemon.url}/reconcile`, { method: 'POST' });
    await daemon.waitForLog((l) => l.event === 'daemon.pass' && l.result === 'success', 15_000, from);
    expect(emu.requestLog().filter((e) => WRITES.test(e.operation)).map((e) => `${e.operation} ${e.profileName}`)).toEqual(['DeleteConnectorProfile ud-gone']);
  }, 60_000);

  it('a corrupt (unparseable) file is still kept aside and the pass goes on', async () => {
    await writeProfile('corrupt-keep');
    expect((await apply()).code).toBe(0);
    await writeFile(statePath, '{ not json');
    const result = await apply();
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/is unreadable \(not valid JSON.*kept it as .*state\.json\.corrupt-/);
    expect((await readdir(state)).some((f) => f.startsWith('state.json.corrupt-'))).toBe(true);
  }, 60_000);
});
