// End to end (issue 11 items 6, 7, 9): hostile profile files next to a valid one, through the
// built CLI's validate (text and --json) and the daemon (logs, /status). Each hostile file costs
// a few lines of its own; no YAML message quotes the document (sentinels), and the valid profile
// still converges.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { ensureBuilt, ROOT, runBuiltCli } from '../support/cli.js';
import { datadogDocument } from '../support/profile-documents.js';
import { DaemonProcess, emulatorEnv } from './daemon-process.js';

const SENTINELS = ['Hunter2SECRET', 'SECRET9'];
const MANY_DOCUMENTS = '---\na: 1\n'.repeat(Math.ceil(1_000_000 / 9));

let emu: RunningEmulator;
let work: string;

beforeAll(async () => {
  ensureBuilt(['desired/load-profiles.ts', 'desired/parse-documents.ts', 'json/json-syntax.ts']);
  emu = await startEmulator({ seed: { secrets: [{ name: 'dd', secretString: JSON.stringify({ apiKey: 'k', applicationKey: 'a' }) }] } });
  work = await mkdtemp(join(tmpdir(), 'hostile-e2e-'));
  const files: Record<string, string> = {
    'ok.json': JSON.stringify(datadogDocument('hostile-ok')),
    'alias.yaml': 'connectorProfileName: a\npassword: *Hunter2SECRET\n',
    'tag.yaml': 'connectorProfileName: t\npassword: !SECRET9 foo\n',
    'deep.json': '['.repeat(6000),
    'deep.yaml': '{a: '.repeat(6000),
    'many.yaml': MANY_DOCUMENTS,
  };
  for (const [name, text] of Object.entries(files)) await writeFile(join(work, name), text);
}, 60_000);
afterAll(async () => {
  await emu?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const EXPECTED = [
  'alias.yaml:2:11: YAML: unresolved alias (an alias must follow its anchor)',
  'deep.json:1:6001: JSON syntax: unexpected end of file, expected a value',
  'deep.yaml:1:257: nesting deeper than 64 levels; a profile needs fewer than 10',
  'many.yaml:2001:1: file holds more than 1000 documents (the limit per file); split it',
  'tag.yaml:2:11: YAML syntax: unknown tag (tags are not used in profile files)',
];

describe('hostile profile files (built CLI)', () => {
  it('validate: one located line per file, no quoted text, no stack overflow', async () => {
    const run = await runBuiltCli(['validate', '--profiles', '.'], { cwd: work, env: { PATH: process.env.PATH, NO_COLOR: '1' } });
    expect(run.stdout.trimEnd().split('\n')).toEqual([...EXPECTED, '5 errors in 5 files; 1 valid profile']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const json = await runBuiltCli(['validate', '--profiles', '.', '--json'], { cwd: work, env: { PATH: process.env.PATH } });
    const report = JSON.parse(json.stdout) as { diagnostics: { file: string; line: number; column: number; message: string }[] };
    expect(report.diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`)).toEqual(EXPECTED);
    for (const sentinel of SENTINELS) expect(run.stdout + run.stderr + json.stdout + json.stderr).not.toContain(sentinel);
  }, 90_000);

  it('the daemon converges the valid profile and keeps every hostile file to its own few lines', async () => {
    const daemon = new DaemonProcess(['--profiles', work, '--state', join(work, '.state'), '--listen', '127.0.0.1:0', '--interval', '1h'], emulatorEnv(emu.endpoint), ROOT);
    try {
      await daemon.started();
      await daemon.waitForLog((l) => l.event === 'daemon.pass', 60_000);
      const status = await daemon.text('/status');
      const parsed = JSON.parse(status) as { profiles: { name: string; condition: string }[] };
      expect(parsed.profiles.find((p) => p.name === 'hostile-ok')?.condition).toBe('Ready');
      const logs = daemon.rawStdout.join('\n');
      for (const sentinel of SENTINELS) {
        expect(logs).not.toContain(sentinel);
        expect(status).not.toContain(sentinel);
      }
      expect(logs).not.toMatch(/call stack/);
      // A few lines per file: not one per document of the 111,112-document file.
      expect(daemon.rawStdout.length).toBeLessThan(60);
    } finally {
      daemon.kill();
    }
  }, 90_000);
});
