import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findSeedFile, realAwsRequested, startEmbeddedEmulator, type EmbeddedEmulator } from '../../src/runtime/embedded-emulator.js';

let tmp: string | undefined;
let embedded: EmbeddedEmulator | undefined;
afterEach(async () => {
  await embedded?.emulator.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
  embedded = tmp = undefined;
});

describe('embedded emulator wiring', () => {
  it.each([
    [{}, false],
    [{ APPFLOW_GITOPS_USE_AWS: '1' }, true],
    [{ APPFLOW_GITOPS_USE_AWS: 'true' }, true],
    [{ APPFLOW_GITOPS_USE_AWS: '0' }, false],
    [{ APPFLOW_GITOPS_USE_AWS: '' }, false],
  ])('APPFLOW_GITOPS_USE_AWS %j → real AWS %s', (env, expected) => {
    expect(realAwsRequested(env)).toBe(expected);
  });

  it('finds ./demo/seed.json first, an explicit file always', async () => {
    tmp = await mkdtemp(join(tmpdir(), 'seed-'));
    await mkdir(join(tmp, 'demo'));
    await writeFile(join(tmp, 'demo', 'seed.json'), '{}');
    expect(findSeedFile(undefined, tmp)).toBe(join(tmp, 'demo', 'seed.json'));
    expect(findSeedFile('other.json', tmp)).toBe(join(tmp, 'other.json'));
    // Without a local one, the package's own demo seed.
    expect(findSeedFile(undefined, join(tmp, 'demo'))).toMatch(/demo\/seed\.json$/);
  });

  it('persists under the state directory, seeds the secrets and says it is not AWS', async () => {
    tmp = await mkdtemp(join(tmpdir(), 'embedded-'));
    const seedFile = join(tmp, 'seed.json');
    await writeFile(seedFile, JSON.stringify({ secrets: [{ name: 'demo/x', secretString: '{"k":"v"}' }] }));
    embedded = await startEmbeddedEmulator({ stateDir: join(tmp, 'state'), seedFile });
    expect(embedded.stateFile).toBe(join(tmp, 'state', 'emulator.json'));
    expect(embedded.awsSettings.endpoints?.appflow).toBe(embedded.emulator.endpoint);
    expect(embedded.awsSettings.identity).toBe('embedded-emulator');
    expect(embedded.banner()).toContain('LOCAL EMULATOR - NOT AWS');
    expect(embedded.banner()).toContain('APPFLOW_GITOPS_USE_AWS=1');
    const res = await fetch(embedded.emulator.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' },
      body: JSON.stringify({ SecretId: 'demo/x' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { SecretString: string }).SecretString).toBe('{"k":"v"}');
  });

  it('names the seed file when it is not valid JSON', async () => {
    tmp = await mkdtemp(join(tmpdir(), 'embedded-'));
    const seedFile = join(tmp, 'seed.json');
    await writeFile(seedFile, '{ nope');
    await expect(startEmbeddedEmulator({ stateDir: join(tmp, 'state'), seedFile })).rejects.toThrow(`emulator seed ${seedFile} is not valid JSON`);
  });
});
