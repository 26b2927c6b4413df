// `--log-format pretty`: the built CLI (apply, and the daemon) logs human lines, and redaction still
// holds there. The worst case is forced: AWS rejects the write with a message that echoes the key.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { ensureBuilt, runBuiltCli } from '../support/cli.js';
import { datadogDocument } from '../support/profile-documents.js';
import { DaemonProcess, emulatorEnv } from './daemon-process.js';

const API_KEY = 'SENTINEL-SECRET-pretty-api-3e1b';
const APP_KEY = 'SENTINEL-SECRET-pretty-app-6c02';

let emulator: RunningEmulator;
let root: string;
let daemon: DaemonProcess | undefined;

beforeEach(async () => {
  ensureBuilt(['logging/logger.ts', 'cli/commands/apply.ts', 'cli/commands/run.ts']);
  emulator = await startEmulator({ port: 0, seed: { secrets: [{ name: 'pretty/dd', secretString: JSON.stringify({ apiKey: API_KEY, applicationKey: APP_KEY }) }] } });
  root = await mkdtemp(join(tmpdir(), 'pretty-logs-'));
  await mkdir(join(root, 'profiles'));
  await writeFile(join(root, 'profiles', 'dd.json'), JSON.stringify(datadogDocument('pretty-dd', { secret: 'pretty/dd' })));
  emulator.faults.failNext('CreateConnectorProfile', 1, { status: 400, code: 'ValidationException', message: `apiKey ${API_KEY} is not valid` });
});

afterEach(async () => {
  daemon?.kill();
  daemon = undefined;
  await emulator.close();
  await rm(root, { recursive: true, force: true });
});

function expectNoSentinel(text: string): void {
  expect(text).not.toContain(API_KEY);
  expect(text).not.toContain(APP_KEY);
}

describe('--log-format pretty', () => {
  it('apply logs one human line per event, with secrets redacted', async () => {
    const env = { ...emulatorEnv(emulator.endpoint), HOME: root, LOG_LEVEL: 'debug', NO_COLOR: '1' };
    const args = ['apply', '--profiles', join(root, 'profiles'), '--state', join(root, 'state')];
    const pretty = await runBuiltCli([...args, '--log-format', 'pretty'], { cwd: root, env });
    expect(pretty.code).toBe(1);
    const line = pretty.stderr.split('\n').find((l) => l.includes('create pretty-dd: failed'));
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: create pretty-dd: failed \{.*"errorCode":"ValidationException"/);
    expect(pretty.stderr).not.toMatch(/^\{"level"/m);
    expectNoSentinel(pretty.stderr + pretty.stdout);

    // Not a terminal and no flag: JSON, as before.
    const json = await runBuiltCli(args, { cwd: root, env });
    const events = json.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { event?: string });
    expect(events.some((e) => e.event === 'profile.reconciled')).toBe(true);
    expectNoSentinel(json.stderr + json.stdout);
  });

  it('the daemon logs pretty lines, secrets redacted', async () => {
    const env = { ...emulatorEnv(emulator.endpoint), NO_COLOR: '1' };
    daemon = new DaemonProcess(
      ['--profiles', join(root, 'profiles'), '--state', join(root, 'state'), '--listen', '127.0.0.1:0', '--log-format', 'pretty', '--log-level', 'debug'],
      env,
    );
    await daemon.waitForLog((l) => typeof l.msg === 'string' && l.msg.includes('reconcile pass done'));
    const text = daemon.rawStdout.join('\n');
    expect(text).toMatch(/INFO: appflow-gitops daemon listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(text).toContain('WARN: create pretty-dd: failed');
    expect(daemon.lines.every((l) => l.notJson === true)).toBe(true);
    expectNoSentinel(text + daemon.stderr);
  });
});
