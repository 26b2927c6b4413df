// A watch event reconciles only the files it names (src/runtime/partial-pass.ts) when that is
// certain to give what a full pass gives for them, and a full pass otherwise. In-process daemon,
// its real watcher, the emulator over HTTP; each step waits on the daemon's status, never on time.
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import type { DaemonStatus } from '../../src/runtime/daemon-status.js';
import { capturedLogger, startTestDaemon, startTestEmulator, testWorkDir } from '../support/in-process-daemon.js';
import { datadogDocument } from '../support/profile-documents.js';
import { waitFor } from '../support/wait-for.js';

const NAMES = ['part-a', 'part-b', 'part-c'];
const SENTINEL = 'SENTINEL-SECRET-partial';
const secret = { name: 'dd', secretString: JSON.stringify({ apiKey: `${SENTINEL}-a`, applicationKey: `${SENTINEL}-b` }) };

/** Written aside and renamed in, as git-sync and most editors save: the watcher never sees half a file. */
async function save(dir: string, file: string, document: Record<string, unknown>): Promise<void> {
  const aside = join(dir, '..', `next-${file.replaceAll('/', '-')}`);
  await writeFile(aside, JSON.stringify(document));
  await rename(aside, join(dir, file));
}

async function threeProfiles(options: { prune?: boolean } = {}) {
  const emulator = await startTestEmulator({ seed: { secrets: [secret] } });
  const work = await testWorkDir('daemon-partial-');
  const profiles = join(work, 'profiles');
  await mkdir(profiles);
  for (const name of NAMES) await writeFile(join(profiles, `${name}.json`), JSON.stringify(datadogDocument(name)));
  const log = capturedLogger({ level: 'info' });
  const d = await startTestDaemon(emulator, { profilesDir: profiles, stateDir: join(work, 'state'), logger: log.logger, prune: options.prune ?? false });
  await waitFor(() => d.daemon.status().lastReconcile, 15_000);
  await d.daemon.whenIdle();
  expect(d.daemon.status().lastReconcile?.result).toBe('success');
  return { emulator, profiles, log, d };
}

/** The next pass after `previousId` that ran to the end. */
async function nextPass(status: () => DaemonStatus, previousId: string | undefined): Promise<NonNullable<DaemonStatus['lastReconcile']>> {
  return waitFor(() => {
    const last = status().lastReconcile;
    return last && last.id !== previousId && !status().reconciling ? last : undefined;
  }, 15_000);
}

const planned = (summary: Record<string, number> | undefined) => Object.values(summary ?? {}).reduce((a, b) => a + b, 0);
const updatesOf = (emulator: RunningEmulator, name: string) => emulator.requestLog().filter((e) => e.operation === 'UpdateConnectorProfile' && e.profileName === name).length;

describe('the daemon reconciles a changed file alone', () => {
  it('applies an edit from a pass over that file, and a full pass afterwards finds nothing left to do', async () => {
    const { emulator, profiles, log, d } = await threeProfiles();
    const before = d.daemon.status().lastReconcile?.id;
    emulator.clearRequestLog();

    await save(profiles, 'part-b.json', datadogDocument('part-b', { instanceUrl: 'https://api.datadoghq.eu' }));
    const pass = await nextPass(() => d.daemon.status(), before);
    expect(pass.files).toEqual(['part-b.json']);
    expect(pass.result).toBe('success');
    expect(planned(pass.summary)).toBe(1);
    expect(pass.summary?.update).toBe(1);
    expect(updatesOf(emulator, 'part-b')).toBe(1);
    // One Describe for the one profile; one secret read; nothing of the other profiles.
    expect(emulator.requestLog().filter((e) => e.operation === 'DescribeConnectorProfiles')).toHaveLength(1);
    // /status still lists every profile; the edited one was applied.
    const statuses = d.daemon.status().profiles;
    expect(statuses.map((p) => [p.name, p.condition])).toEqual(NAMES.map((name) => [name, 'Ready']));
    expect(statuses.find((p) => p.name === 'part-b')?.reason).toBe('Applied');

    // The inventory the partial pass saved is the one a full pass reads: nothing to write.
    d.daemon.requestReconcile('resync');
    await d.daemon.whenIdle();
    const full = d.daemon.status().lastReconcile!;
    expect(full.files).toBeUndefined();
    expect(full.summary).toMatchObject({ create: 0, update: 0, delete: 0, noop: 3, error: 0 });
    expect(updatesOf(emulator, 'part-b')).toBe(1);
    expect(log.text()).not.toContain(SENTINEL);
  }, 60_000);

  it('a deleted file is left to a full pass, which prunes its profile', async () => {
    const { emulator, profiles, log, d } = await threeProfiles({ prune: true });
    const before = d.daemon.status().lastReconcile?.id;
    await unlink(join(profiles, 'part-c.json'));
    const pass = await nextPass(() => d.daemon.status(), before);
    expect(pass.files).toBeUndefined();
    expect(pass.summary?.delete).toBe(1);
    expect(emulator.requestLog().some((e) => e.operation === 'DeleteConnectorProfile' && e.profileName === 'part-c')).toBe(true);
    expect(d.daemon.status().profiles.map((p) => p.name)).toEqual(['part-a', 'part-b']);
    expect(log.text()).toContain('part-c.json was deleted or renamed');
  }, 60_000);

  it('a profile moved to another file is left to a full pass', async () => {
    const { profiles, log, d } = await threeProfiles();
    const before = d.daemon.status().lastReconcile?.id;
    // part-a.json now defines part-b too: a duplicate only the whole directory can show.
    await save(profiles, 'part-a.json', datadogDocument('part-b'));
    const pass = await nextPass(() => d.daemon.status(), before);
    expect(pass.files).toBeUndefined();
    expect(log.text()).toContain('part-b was read from part-b.json before');
  }, 60_000);

  it('reports a failing file from a partial pass as a full pass reports it', async () => {
    const { emulator, profiles, d } = await threeProfiles();
    const before = d.daemon.status().lastReconcile?.id;
    await save(profiles, 'part-b.json', datadogDocument('part-b', { extra: { connectionMode: 'Sideways' } }));
    const pass = await nextPass(() => d.daemon.status(), before);
    expect(pass.files).toEqual(['part-b.json']);
    expect(pass.result).toBe('failure');
    const fromPartial = d.daemon.status().profiles.find((p) => p.name === 'part-b');
    expect(fromPartial).toMatchObject({ condition: 'Failed', reason: 'PlanError' });
    expect(updatesOf(emulator, 'part-b')).toBe(0);

    d.daemon.requestReconcile('resync');
    await d.daemon.whenIdle();
    const full = d.daemon.status();
    expect(full.lastReconcile?.files).toBeUndefined();
    expect(full.lastReconcile?.result).toBe('failure');
    const fromFull = full.profiles.find((p) => p.name === 'part-b');
    expect({ ...fromFull, lastReconcileId: undefined, lastError: { ...fromFull?.lastError, reconcileId: undefined, at: undefined } }).toEqual({
      ...fromPartial,
      lastReconcileId: undefined,
      lastError: { ...fromPartial?.lastError, reconcileId: undefined, at: undefined },
    });

    // Fixed again: the file failed last time, so a full pass takes it (and the result is success).
    await save(profiles, 'part-b.json', datadogDocument('part-b'));
    const fixed = await nextPass(() => d.daemon.status(), full.lastReconcile?.id);
    expect(fixed.files).toBeUndefined();
    expect(fixed.result).toBe('success');
  }, 60_000);

  it('with declared targets, only the target that takes the file runs, over that file alone', async () => {
    const emulator = await startTestEmulator({ seed: { secrets: [secret] } });
    emulator.seed({ region: 'eu-west-1', secrets: [secret] });
    const work = await testWorkDir('daemon-partial-targets-');
    const profiles = join(work, 'profiles');
    await mkdir(join(profiles, 'east'), { recursive: true });
    await mkdir(join(profiles, 'west'), { recursive: true });
    await writeFile(join(profiles, 'east', 'a.json'), JSON.stringify(datadogDocument('east-a')));
    await writeFile(join(profiles, 'west', 'b.json'), JSON.stringify(datadogDocument('west-b')));
    const d = await startTestDaemon(emulator, {
      profilesDir: profiles,
      stateDir: join(work, 'state'),
      logger: capturedLogger({ level: 'silent' }).logger,
      targets: [
        { name: 'east', region: 'us-east-1', paths: ['east/'], implicit: false },
        { name: 'west', region: 'eu-west-1', paths: ['west/'], implicit: false },
      ],
    });
    const east = d.daemon.member('east')!.daemon;
    const west = d.daemon.member('west')!.daemon;
    await waitFor(() => east.status().lastReconcile && west.status().lastReconcile, 15_000);
    await d.daemon.whenIdle();
    const westPasses = west.passes;
    const before = east.status().lastReconcile?.id;

    await save(profiles, 'east/a.json', datadogDocument('east-a', { instanceUrl: 'https://api.datadoghq.eu' }));
    const pass = await nextPass(() => east.status(), before);
    expect(pass.files).toEqual(['east/a.json']);
    expect(pass.summary?.update).toBe(1);
    expect(west.passes).toBe(westPasses);
  }, 60_000);
});
