import { fork } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createFileStateStore } from '../../src/state/file-state-store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'afg-crash-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('a writer killed with SIGKILL mid-save always leaves a complete, valid state file', async () => {
  const fixture = join(import.meta.dirname, 'fixtures', 'save-forever.ts');
  let previous = 0;
  // Node + tsx start-up dominates (seconds on a busy 2-core box), so two rounds at different points.
  for (let round = 0; round < 2; round += 1) {
    const child = fork(fixture, [dir], { execArgv: ['--import', 'tsx'], stdio: 'ignore' });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('error', reject);
    });
    // Let it write for a while, then kill it without warning, at an arbitrary point of a save.
    await new Promise((resolve) => setTimeout(resolve, 150 + round * 90));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const { state, warnings } = await createFileStateStore(dir).load();
    expect(warnings).toEqual([]);
    const count = Object.keys(state.targets['us-east-1/default']?.profiles ?? {}).length;
    expect(count).toBeGreaterThan(0);
    // The next writer starts from p-0 again; every snapshot is complete, none is a torn mix.
    const names = Object.keys(state.targets['us-east-1/default']!.profiles);
    expect(names).toEqual(Array.from({ length: count }, (_, i) => `p-${i}`));
    previous = count;
  }
  expect(previous).toBeGreaterThan(0);
  // Whatever temp files the kills left are not state files.
  for (const file of await readdir(dir)) expect(file === 'state.json' || file.startsWith('state.json.tmp-')).toBe(true);
});
