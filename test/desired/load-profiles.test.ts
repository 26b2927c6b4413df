import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/desired/diagnostics.js';
import { loadProfiles } from '../../src/desired/load-profiles.js';
import { DATADOG_YAML, datadog, profileDir } from './helpers.js';

const lines = (result: Awaited<ReturnType<typeof loadProfiles>>) => result.diagnostics.map(formatDiagnostic);

describe('loadProfiles: positions', () => {
  it('points each problem at its node: a value, an unknown key', async () => {
    const dir = profileDir({
      'p.yaml': `connectorProfileName: snow
connectorType: Snowflake
connectionMode: Public
connectorProfileConfig:
  connectorProfileProperties:
    Snowflake:
      warehouse: "bad warehouse;"
      bucketName: staging-bucket
      stagee: X
`,
    });
    const result = await loadProfiles(dir);
    // No "missing required field 'stage'": the unknown 'stagee' next to it is reported as its typo.
    expect(lines(result)).toEqual([
      "p.yaml:7:18: connectorProfileConfig.connectorProfileProperties.Snowflake.warehouse: must match the pattern ^[\\s\\w/!@#+=.-]*$ (got 'bad warehouse;')",
      "p.yaml:9:7: connectorProfileConfig.connectorProfileProperties.Snowflake.stagee: unknown field 'stagee'; did you mean 'stage'?",
    ]);
    expect(result.invalid).toEqual([expect.objectContaining({ name: 'snow', source: { file: 'p.yaml', line: 1, column: 1 } })]);
    expect(result.failedFiles).toEqual(['p.yaml']);
  });

  it('points a missing field at the object that should hold it', async () => {
    const dir = profileDir({ 'p.yaml': DATADOG_YAML.replace('      instanceUrl: https://api.datadoghq.com\n', '      {}\n').replace('    Datadog:\n      {}', '    Datadog: {}') });
    expect(lines(await loadProfiles(dir))).toEqual([
      "p.yaml:6:14: connectorProfileConfig.connectorProfileProperties.Datadog.instanceUrl: missing required field 'instanceUrl'",
    ]);
  });

  it('locates nodes in JSON files too', async () => {
    const dir = profileDir({
      'sub/p.json': `{
  "connectorProfileName": "sap",
  "connectorType": "SAPOData",
  "connectionMode": "Public",
  "connectorProfileConfig": {
    "connectorProfileProperties": {
      "SAPOData": {
        "applicationHostUrl": "https://sap.example.com",
        "applicationServicePath": "/x",
        "portNumber": 0,
        "clientNumber": "1000",
        "oAuthProperties": { "authCodeUrl": "https://a.example.com/auth", "tokenUrl": "https://a.example.com/token", "oAuthScopes": ["ok", "not ok"] }
      }
    }
  }
}
`,
    });
    expect(lines(await loadProfiles(dir))).toEqual([
      'sub/p.json:10:23: connectorProfileConfig.connectorProfileProperties.SAPOData.portNumber: must be between 1 and 65535 (got 0)',
      'sub/p.json:11:25: connectorProfileConfig.connectorProfileProperties.SAPOData.clientNumber: must be at most 3 characters long (got 4)',
      "sub/p.json:11:25: connectorProfileConfig.connectorProfileProperties.SAPOData.clientNumber: must match the pattern ^\\d{3}$ (got '1000')",
      "sub/p.json:12:140: connectorProfileConfig.connectorProfileProperties.SAPOData.oAuthProperties.oAuthScopes[1]: must match the pattern ^\\S+$ (got 'not ok')",
    ]);
  });

  it('gives each document of a multi-document file its own start line', async () => {
    const dir = profileDir({ 'two.yaml': `# leading comment\n${datadog('one')}---\n${datadog('two')}` });
    const result = await loadProfiles(dir);
    expect(result.diagnostics).toEqual([]);
    expect(result.profiles.map((p) => [p.name, p.source.line])).toEqual([['one', 2], ['two', 14]]);
  });

  it('keeps columns right after a UTF-8 byte order mark', async () => {
    const dir = profileDir({ 'bom.yaml': `\uFEFF${DATADOG_YAML.replace('connectionMode: Public', 'connectionMode: Publik')}` });
    expect(lines(await loadProfiles(dir))).toEqual([
      "bom.yaml:3:17: connectionMode: must be one of Private, Public (got 'Publik'); did you mean 'Public'?",
    ]);
  });
});

describe('loadProfiles: documents', () => {
  it('returns valid profiles with their credential references', async () => {
    const result = await loadProfiles(profileDir({ 'd.yaml': DATADOG_YAML }));
    expect(result.directory).toBe('ok');
    expect(result.filesRead).toBe(1);
    expect(result.profiles).toHaveLength(1);
    const [profile] = result.profiles;
    expect(profile!.document.connectorProfileConfig.connectorProfileProperties.Datadog?.instanceUrl).toBe('https://api.datadoghq.com');
    expect(profile!.credentialRefs).toEqual([
      { path: ['Datadog', 'apiKey'], ref: expect.objectContaining({ secretId: 'demo/datadog', jsonKey: 'apiKey' }), source: expect.objectContaining({ line: expect.any(Number) }) },
      { path: ['Datadog', 'applicationKey'], ref: expect.objectContaining({ secretId: 'demo/datadog', jsonKey: 'applicationKey' }), source: expect.objectContaining({ line: expect.any(Number) }) },
    ]);
  });

  it('reports the same name in two documents at both places, and keeps neither', async () => {
    const dir = profileDir({ 'a.yaml': datadog('dup'), 'b/c.yaml': `${datadog('other')}---\n${datadog('dup')}` });
    const result = await loadProfiles(dir);
    expect(lines(result)).toEqual([
      "a.yaml:1:23: connectorProfileName: connectorProfileName 'dup' is also defined at b/c.yaml:13:23; each profile must be defined once",
      "b/c.yaml:13:23: connectorProfileName: connectorProfileName 'dup' is also defined at a.yaml:1:23; each profile must be defined once",
    ]);
    expect(result.profiles.map((p) => p.name)).toEqual(['other']);
    expect(result.invalid.map((p) => p.name)).toEqual(['dup', 'dup']);
    expect(result.failedFiles).toEqual(['a.yaml', 'b/c.yaml']);
  });

  it('rejects plaintext credentials without echoing them; the flag turns that into a warning', async () => {
    const secret = 'SENTINEL-SECRET-datadog-key';
    const text = DATADOG_YAML.replace('"{{resolve:secretsmanager:demo/datadog:SecretString:apiKey}}"', secret);
    const strict = await loadProfiles(profileDir({ 'd.yaml': text }));
    expect(lines(strict)).toEqual([
      'd.yaml:10:15: connectorProfileConfig.connectorProfileCredentials.Datadog.apiKey: plaintext credential is not allowed (value not shown); store it in AWS Secrets Manager and write a reference: {{resolve:secretsmanager:SECRET_ID:SecretString:JSON_KEY}}',
    ]);
    expect(strict.profiles).toEqual([]);

    const relaxed = await loadProfiles(profileDir({ 'd.yaml': text }), { allowPlaintextCredentials: true });
    expect(relaxed.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', code: 'credential.plaintext', line: 10, column: 15 })]);
    expect(relaxed.profiles).toHaveLength(1);
    expect(relaxed.profiles[0]!.credentialRefs.map((r) => r.path.join('.'))).toEqual(['Datadog.applicationKey']);
    expect(relaxed.failedFiles).toEqual([]);
    expect(JSON.stringify([strict, relaxed.diagnostics])).not.toContain(secret);
  });

  it('still applies the model to plaintext values that the flag lets through', async () => {
    const text = `connectorProfileName: sf
connectorType: Salesforce
connectionMode: Public
connectorProfileConfig:
  connectorProfileProperties:
    Salesforce: {}
  connectorProfileCredentials:
    Salesforce:
      oAuth2GrantType: JWT_BEARER
      jwtToken: SENTINEL-SECRET-not-a-jwt
`;
    const result = await loadProfiles(profileDir({ 's.yaml': text }), { allowPlaintextCredentials: true });
    expect(result.diagnostics.map((d) => [d.severity, d.code, d.line, d.column])).toEqual([
      ['warning', 'credential.plaintext', 10, 17],
      ['error', 'credential.constraint', 10, 17],
    ]);
    expect(result.diagnostics[1]!.message).toContain('the plaintext value does not match the pattern ^([a-zA-Z0-9_=]+)');
    expect(JSON.stringify(result)).not.toContain('SENTINEL');
  });

  it('skips empty documents and reports non-mapping ones', async () => {
    const dir = profileDir({ 'a.yaml': `---\n# only a comment\n---\n${DATADOG_YAML}---\n`, 'b.yaml': 'just a string\n' });
    const result = await loadProfiles(dir);
    expect(result.profiles).toHaveLength(1);
    expect(lines(result)).toEqual([
      'b.yaml:1:1: a profile document must be a mapping (connectorProfileName, connectorType, connectionMode, connectorProfileConfig), got a string',
    ]);
  });

  it('locates YAML problems found while building values (an alias without an anchor)', async () => {
    const dir = profileDir({ 'a.yaml': 'connectorProfileName: x\nconnectorType: *missing\n' });
    expect(lines(await loadProfiles(dir))).toEqual([
      'a.yaml:2:16: YAML: unresolved alias (an alias must follow its anchor)',
    ]);
  });

  it('keeps the valid documents of a file whose other document is broken, and marks the file failed', async () => {
    const dir = profileDir({ 'a.yaml': `${datadog('good')}---\nconnectorProfileName: [broken\n` });
    const result = await loadProfiles(dir);
    expect(result.profiles.map((p) => p.name)).toEqual(['good']);
    expect(result.failedFiles).toEqual(['a.yaml']);
    expect(result.diagnostics[0]).toMatchObject({ code: 'parse.syntax', file: 'a.yaml' });
  });
});

describe('loadProfiles: files and directories', () => {
  it('reads .yaml/.yml/.json recursively and ignores dotfiles, dot-dirs, editor and backup files', async () => {
    const dir = profileDir({
      'a.yaml': datadog('a'),
      'deep/er/b.yml': datadog('b'),
      'c.JSON': JSON.stringify({ connectorProfileName: 'c', connectorType: 'Datadog', connectionMode: 'Public', connectorProfileConfig: { connectorProfileProperties: { Datadog: { instanceUrl: 'x' } } } }),
      '.hidden.yaml': 'not: [valid',
      '.git/config.yaml': 'not: [valid',
      'a.yaml~': 'not: [valid',
      '#a.yaml#': 'not: [valid',
      '.a.yaml.swp': 'not: [valid',
      'a.yaml.bak': 'not: [valid',
      'a.yaml.orig': 'not: [valid',
      'notes.txt': 'not: [valid',
      'README.md': '# profiles',
    });
    const result = await loadProfiles(dir);
    expect(result.diagnostics).toEqual([]);
    expect(result.profiles.map((p) => p.source.file)).toEqual(['a.yaml', 'c.JSON', 'deep/er/b.yml']);
    expect(result.filesRead).toBe(3);
  });

  it('follows symlinks inside the directory but not those that leave it', async () => {
    const outside = profileDir({ 'secret.yaml': datadog('outside') });
    const dir = profileDir({ 'real/a.yaml': datadog('a') });
    symlinkSync(join(outside, 'secret.yaml'), join(dir, 'out.yaml'));
    symlinkSync(outside, join(dir, 'outdir'));
    symlinkSync(join(dir, 'real'), join(dir, 'alias')); // same directory twice
    symlinkSync(dir, join(dir, 'real', 'loop')); // a cycle
    symlinkSync(join(dir, 'nowhere.yaml'), join(dir, 'broken.yaml'));
    const result = await loadProfiles(dir);
    expect(result.profiles.map((p) => `${p.name}@${p.source.file}`)).toEqual(['a@alias/a.yaml']);
    expect(lines(result)).toEqual([
      'broken.yaml:1:1: broken symlink: its target does not exist; the file counts as failed (prune is blocked)',
      'out.yaml:1:1: symlink leads outside the profiles directory; the file counts as failed (prune is blocked)',
      'outdir:1:1: symlink leads outside the profiles directory; the file counts as failed (prune is blocked)',
    ]);
    // A link that cannot be followed may hide profiles: it is a failed file, so prune stops.
    expect(result.failedFiles).toEqual(['broken.yaml', 'out.yaml', 'outdir']);
  });

  it('refuses oversized and binary files with a clear diagnostic', async () => {
    const dir = profileDir({
      'big.yaml': `# ${'x'.repeat(1024 * 1024)}\n`,
      'bin.yaml': Buffer.from([0x63, 0x3a, 0x00, 0x01, 0xff]),
      'latin1.yaml': Buffer.from('connectorProfileName: caf\xe9\n', 'latin1'),
      'ok.yaml': DATADOG_YAML,
    });
    const result = await loadProfiles(dir);
    expect(result.diagnostics.map((d) => [d.file, d.code])).toEqual([
      ['big.yaml', 'file.too-large'],
      ['bin.yaml', 'file.binary'],
      ['latin1.yaml', 'file.binary'],
    ]);
    expect(result.diagnostics[0]!.message).toContain('1048576-byte limit');
    expect(result.failedFiles).toEqual(['big.yaml', 'bin.yaml', 'latin1.yaml']);
    expect(result.profiles).toHaveLength(1);
    expect(result.invalid).toHaveLength(3);
  });

  it('reports the directory status: missing, empty, unreadable', async () => {
    expect((await loadProfiles(join(profileDir(), 'nope'))).directory).toBe('missing');
    expect((await loadProfiles(profileDir())).directory).toBe('empty');
    expect((await loadProfiles(profileDir({ 'a.yaml': '# nothing yet\n', 'notes.txt': 'x' }))).directory).toBe('empty');
    const file = join(profileDir({ 'f.yaml': DATADOG_YAML }), 'f.yaml');
    expect((await loadProfiles(file)).directory).toBe('unreadable');
    // A directory holding only a broken file is not "empty": its contents are unknown.
    expect((await loadProfiles(profileDir({ 'a.yaml': 'x: [' }))).directory).toBe('ok');
  });

  it('reports an unreadable subdirectory as a failed path (as root too: the load runs as nobody)', async (ctx) => {
    const dir = profileDir({ 'a.yaml': DATADOG_YAML });
    mkdirSync(join(dir, 'locked'));
    writeFileSync(join(dir, 'locked', 'b.yaml'), DATADOG_YAML);
    chmodSync(join(dir, 'locked'), 0o000);
    try {
      let result: { failedFiles: string[]; codes: string[] };
      if (process.getuid?.() === 0) {
        // Root reads a mode-000 directory anyway (and CI runs as root): load it as nobody instead.
        chmodSync(dir, 0o755);
        const child = loadAsNobody(dir);
        if (child.skip) return ctx.skip(child.skip);
        result = child.result!;
      } else {
        const loaded = await loadProfiles(dir);
        result = { failedFiles: loaded.failedFiles, codes: loaded.diagnostics.map((d) => d.code) };
      }
      expect(result.failedFiles).toEqual(['locked']);
      expect(result.codes).toEqual(['file.unreadable']);
    } finally {
      chmodSync(join(dir, 'locked'), 0o755);
    }
  });
});

const NOBODY = 65534;

/** loadProfiles(dir) in a child process running as nobody (the caller is root); failedFiles and codes. */
function loadAsNobody(dir: string): { result?: { failedFiles: string[]; codes: string[] }; skip?: string } {
  const source = join(import.meta.dirname, '..', '..', 'src', 'desired', 'load-profiles.ts');
  const script = `import { loadProfiles } from ${JSON.stringify(source)};
const r = await loadProfiles(process.argv[1]);
process.stdout.write(JSON.stringify({ failedFiles: r.failedFiles, codes: r.diagnostics.map((d) => d.code) }));`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir], {
    uid: NOBODY,
    gid: NOBODY,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const error: NodeJS.ErrnoException | undefined = child.error;
  const code = error?.code;
  if (code === 'EPERM') return { skip: `running as root but cannot switch to uid ${NOBODY} (${code}), so a mode-000 directory stays readable` };
  if (child.status !== 0) throw new Error(`the unprivileged load failed (${child.error?.message ?? `exit ${child.status}`}): ${child.stderr}`);
  return { result: JSON.parse(child.stdout) as { failedFiles: string[]; codes: string[] } };
}

