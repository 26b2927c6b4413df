// git-sync publishes each revision as a new directory and swaps a symlink to it (issue 11 item 4).
// A pass must read one revision: discovery once read the top level of one revision and a
// subdirectory of another, and a profile that moved between directories vanished without a failed
// file, so prune would have deleted it. A real swapping process races repeated loads here.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { loadProfiles } from '../../src/desired/load-profiles.js';
import { datadog } from './helpers.js';

const FILLER_DIRS = 20;
const LOADS = 300;
/** Upper bound on the swapper's swaps (it normally stops when told, long before). */
const MAX_SWAPS = 2_000_000;

let work: string | undefined;
afterEach(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Revision a: moving.yaml at the top; revision b: in sub/. Both have sub/ and filler dirs before it. */
function writeRevision(dir: string, movingInSub: boolean): void {
  for (let i = 0; i < FILLER_DIRS; i++) {
    mkdirSync(join(dir, `a${String(i).padStart(2, '0')}`), { recursive: true });
    writeFileSync(join(dir, `a${String(i).padStart(2, '0')}`, 'p.yaml'), datadog(`filler-${i}`));
  }
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'sub', 'other.yaml'), datadog('other'));
  writeFileSync(join(dir, movingInSub ? 'sub/moving.yaml' : 'moving.yaml'), datadog('moving'));
}

it(`no profile goes missing while the root link is swapped between revisions (${LOADS} loads)`, async () => {
  work = mkdtempSync(join(tmpdir(), 'link-swap-'));
  writeRevision(join(work, 'rev-a'), false);
  writeRevision(join(work, 'rev-b'), true);
  const link = join(work, 'current');
  symlinkSync(join(work, 'rev-a'), link);
  const stop = join(work, 'stop');

  // The swapper: atomic symlink replacement (symlink + rename), as git-sync does, as fast as it can.
  const swapper = spawn(process.execPath, ['-e', `
    const fs = require('node:fs');
    const [link, a, b, stop, max] = process.argv.slice(1);
    let swaps = 0;
    for (; swaps < Number(max); swaps++) {
      if (swaps % 50 === 0 && fs.existsSync(stop)) break;
      fs.symlinkSync(swaps % 2 ? a : b, link + '.tmp');
      fs.renameSync(link + '.tmp', link);
    }
    console.log(swaps);
  `, link, join(work, 'rev-a'), join(work, 'rev-b'), stop, String(MAX_SWAPS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let swaps = '';
  swapper.stdout.on('data', (chunk: Buffer) => (swaps += chunk.toString()));
  const exited = once(swapper, 'exit');

  let missed = 0;
  let failed = 0;
  try {
    for (let i = 0; i < LOADS; i++) {
      const result = await loadProfiles(link);
      const names = new Set(result.profiles.map((p) => p.name));
      if (result.failedFiles.length > 0) failed++;
      else if (!names.has('moving') || names.size !== FILLER_DIRS + 2) missed++;
    }
  } finally {
    writeFileSync(stop, '');
    await exited;
  }
  expect(existsSync(stop)).toBe(true);
  expect(Number(swaps), 'the swapper ran').toBeGreaterThan(0);
  // Silently missing profiles would let prune delete them; a failed file would only block prune.
  expect({ missed, failed }).toEqual({ missed: 0, failed: 0 });
}, 180_000);
