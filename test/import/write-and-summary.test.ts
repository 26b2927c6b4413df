import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importProfiles } from '../../src/importer/import-profiles.js';
import { buildImportSummary, renderImportSummaryText, secretInstruction, shellQuote } from '../../src/importer/summary.js';
import { planProfileFiles, writeProfileFiles } from '../../src/importer/write-profile-file.js';
import { loadProfiles } from '../../src/desired/load-profiles.js';
import { OBSERVED_BY_TYPE } from './fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'import-write-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const conversion = () => importProfiles([OBSERVED_BY_TYPE['Snowflake']!, OBSERVED_BY_TYPE['SAPOData']!, { ...OBSERVED_BY_TYPE['Datadog']!, name: 'team/dd' }]);

describe('planProfileFiles / writeProfileFiles', () => {
  it('creates one file per profile, named by the file-name rule, and nothing else', async () => {
    const out = join(dir, 'profiles');
    const planned = await planProfileFiles(out, conversion().profiles, false);
    expect(planned.map((f) => f.status)).toEqual(['created', 'created', 'created']);
    await writeProfileFiles(out, planned);
    expect((await readdir(out)).sort()).toEqual(['sap.yaml', 'snowflake.yaml', 'team%2Fdd.yaml']);
    expect(await readFile(join(out, 'sap.yaml'), 'utf8')).toBe(planned.find((f) => f.profile.name === 'sap')!.content);
  });

  it('an identical existing file is unchanged; a different one is refused without --force', async () => {
    const first = await planProfileFiles(dir, conversion().profiles, false);
    await writeProfileFiles(dir, first);
    await writeFile(join(dir, 'snowflake.yaml'), 'connectorProfileName: snowflake\n# edited by hand\n');
    const again = await planProfileFiles(dir, conversion().profiles, false);
    expect(Object.fromEntries(again.map((f) => [f.profile.name, f.status]))).toEqual({ sap: 'unchanged', snowflake: 'refused', 'team/dd': 'unchanged' });
  });

  it('with --force a different file is overwritten and the diff shows old and new lines', async () => {
    await writeFile(join(dir, 'snowflake.yaml'), 'connectorProfileName: snowflake\n# edited by hand\n');
    const planned = await planProfileFiles(dir, conversion().profiles, true);
    const snow = planned.find((f) => f.profile.name === 'snowflake')!;
    expect(snow.status).toBe('overwritten');
    expect(snow.diff).toContain('-# edited by hand\n');
    expect(snow.diff).toContain('+connectorType: Snowflake\n');
    expect(snow.diff).toMatch(/^--- .*snowflake\.yaml \(existing\)\n\+\+\+ .*snowflake\.yaml \(imported\)\n/);
    await writeProfileFiles(dir, planned);
    expect(await readFile(join(dir, 'snowflake.yaml'), 'utf8')).toBe(snow.content);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('written files and the loader', () => {
  it('files for all 19 connector types load without a single diagnostic, with every credential a reference', async () => {
    const { profiles, skipped } = importProfiles(Object.values(OBSERVED_BY_TYPE));
    expect(skipped).toEqual([]);
    await writeProfileFiles(dir, await planProfileFiles(dir, profiles, false));
    const loaded = await loadProfiles(dir);
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.profiles).toHaveLength(19);
    for (const desired of loaded.profiles) {
      const imported = profiles.find((p) => p.name === desired.name)!;
      expect(desired.document).toEqual(imported.document);
      expect(desired.credentialRefs.map((r) => r.ref.jsonKey).sort()).toEqual([...imported.secret!.keys].sort());
      expect(new Set(desired.credentialRefs.map((r) => r.ref.secretId))).toEqual(new Set([`appflow-gitops/${desired.name}`]));
    }
  });
});

describe('summary', () => {
  it('lists each secret with its keys and a create-secret example holding placeholders only', async () => {
    const files = await planProfileFiles(dir, conversion().profiles, false);
    const summary = buildImportSummary({ target: 'us-east-1/123456789012', outDir: dir, stateDir: '.state', files, skipped: [], validation: [], recorded: 3 });
    expect(summary.secrets.map((s) => [s.name, s.keys])).toEqual([
      ['appflow-gitops/sap', ['oAuthCredentials.accessToken', 'oAuthCredentials.clientId', 'oAuthCredentials.clientSecret', 'oAuthCredentials.refreshToken']],
      ['appflow-gitops/snowflake', ['password', 'username']],
      ['appflow-gitops/team/dd', ['apiKey', 'applicationKey']],
    ]);
    expect(summary.secrets[1]!.createCommand).toBe(
      `aws secretsmanager create-secret --name appflow-gitops/snowflake --secret-string '{"password":"<password>","username":"<username>"}'`,
    );
    const text = renderImportSummaryText(summary);
    expect(text).toContain('kmsArn cannot be read back from AppFlow');
    expect(text).toContain('Credential values cannot be read back from AppFlow');
    expect(text).toContain('appflow-gitops/team/dd  (profile team/dd)  keys: apiKey, applicationKey');
    expect(text).toContain('Recorded 3 profiles in the inventory (.state) as imported');
    expect(summary.notes.join(' ')).toContain('kmsArn cannot be read back');
  });

  it('shell-quotes safely', () => {
    expect(shellQuote('appflow-gitops/a@b')).toBe('appflow-gitops/a@b');
    expect(shellQuote(`{"k":"it's"}`)).toBe(`'{"k":"it'\\''s"}'`);
    expect(secretInstruction({ name: 'n', profile: 'p', keys: ['oauth2.clientId'] }).createCommand).toContain(`'{"oauth2.clientId":"<oauth2.clientId>"}'`);
  });
});
