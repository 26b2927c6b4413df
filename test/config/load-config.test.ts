import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSection } from '../../src/config/app-config.js';
import { defineSection } from '../../src/config/config-section.js';
import { loadConfig } from '../../src/config/load-config.js';
import { CONFIG_SECTIONS } from '../../src/config/sections.js';
import { targetTakesFile } from '../../src/config/target-settings.js';
import { formatDiagnostic } from '../../src/desired/diagnostics.js';
import { loadProfiles } from '../../src/desired/load-profiles.js';
import { DATADOG_YAML, profileDir } from '../desired/helpers.js';

const TWO_TARGETS = `targets:
  - name: prod-us
    region: us-east-1
    accountId: "222222222222"
    roleArn: arn:aws:iam::222222222222:role/appflow-gitops
    externalIdEnv: PROD_EXTERNAL_ID
    paths: [prod/, shared/]
  - name: dev
    region: eu-west-1
    profile: dev
    paths: [./dev, shared/base.yaml]
`;

const load = (files: Record<string, string>, configFile?: string) => {
  const profilesDir = profileDir(files);
  return loadConfig({ profilesDir, ...(configFile ? { configFile: `${profilesDir}/${configFile}` } : {}) });
};
const messages = async (files: Record<string, string>) => (await load(files)).diagnostics.map(formatDiagnostic);

describe('loadConfig', () => {
  it('without a config file: one implicit target from the SDK chain (the behaviour before targets)', async () => {
    const { config, diagnostics } = await load({ 'p.yaml': DATADOG_YAML });
    expect(diagnostics).toEqual([]);
    expect(config?.targets).toEqual([{ name: 'default', paths: [''], implicit: true }]);
    expect(config?.file).toBeUndefined();
  });

  it('a file without targets (or an empty one) still gives the implicit target', async () => {
    for (const text of ['', '# only comments\n', '{}\n']) {
      const { config, diagnostics } = await load({ 'appflow-gitops.yaml': text });
      expect(diagnostics).toEqual([]);
      expect(config?.targets.map((t) => t.name)).toEqual(['default']);
      expect(config?.file).toBe('appflow-gitops.yaml');
    }
  });

  it('reads targets into immutable settings with normalised paths', async () => {
    const { config, diagnostics } = await load({ 'appflow-gitops.yaml': TWO_TARGETS });
    expect(diagnostics).toEqual([]);
    expect(config?.targets).toEqual([
      { name: 'prod-us', region: 'us-east-1', accountId: '222222222222', roleArn: 'arn:aws:iam::222222222222:role/appflow-gitops', externalIdEnv: 'PROD_EXTERNAL_ID', paths: ['prod/', 'shared/'], implicit: false },
      { name: 'dev', region: 'eu-west-1', profile: 'dev', paths: ['dev', 'shared/base.yaml'], implicit: false },
    ]);
    expect(Object.isFrozen(config!.targets[0])).toBe(true);
    expect(Object.isFrozen(config!.targets[0]!.paths)).toBe(true);
    expect(() => (config!.targets as unknown as unknown[]).push({})).toThrow();
    const [prod, dev] = config!.targets;
    expect(targetTakesFile(prod!, 'prod/a.yaml')).toBe(true);
    expect(targetTakesFile(prod!, 'production/a.yaml')).toBe(false);
    expect(targetTakesFile(dev!, 'dev/x/a.yaml')).toBe(true);
    expect(targetTakesFile(dev!, 'devices/a.yaml')).toBe(false);
    expect(targetTakesFile(dev!, 'shared/base.yaml')).toBe(true);
    expect(targetTakesFile(dev!, 'shared/other.yaml')).toBe(false);
  });

  it('reads --config FILE from anywhere, named relative to the profiles directory', async () => {
    const { config, diagnostics } = await load({ 'conf/targets.yaml': 'targetz: []\n' }, 'conf/targets.yaml');
    expect(config).toBeUndefined();
    expect(diagnostics.map(formatDiagnostic)).toEqual(["conf/targets.yaml:1:1: targetz: unknown field 'targetz'; did you mean 'targets'?"]);
  });

  it('a missing --config file is an error, not the implicit target', async () => {
    const { config, diagnostics } = await load({}, 'nope.yaml');
    expect(config).toBeUndefined();
    expect(diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(['config.missing config file does not exist (--config)']);
  });

  it('located, did-you-mean errors like profile files', async () => {
    expect(await messages({
      'appflow-gitops.yaml': `targets:
  - name: Prod_US
    regoin: us-east-1
    accountId: 222222222222
    paths: []
`,
    })).toEqual([
      "appflow-gitops.yaml:2:11: targets[0].name: must match the pattern ^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$ (got 'Prod_US')",
      "appflow-gitops.yaml:3:5: targets[0].regoin: unknown field 'regoin'; did you mean 'region'?",
      'appflow-gitops.yaml:4:16: targets[0].accountId: must be a string (got a number); quote the value: "222222222222"',
      'appflow-gitops.yaml:5:12: targets[0].paths: must have at least 1 items',
    ]);
  });

  it('checks what a schema cannot: unique names, role or profile, account of the role, paths, one target per place', async () => {
    expect(await messages({
      'appflow-gitops.yaml': `targets:
  - name: a
    region: us-east-1
    accountId: "111111111111"
    roleArn: arn:aws:iam::222222222222:role/x
    profile: dev
    paths: [../outside/]
  - name: a
    region: eu-west-1
    externalIdEnv: EXT
    paths: [x/]
  - name: b
    region: eu-west-1
    paths: [/abs]
`,
    })).toEqual([
      "appflow-gitops.yaml:4:16: targets[0].accountId: accountId '111111111111' differs from the account of roleArn (222222222222)",
      'appflow-gitops.yaml:6:14: targets[0].profile: give roleArn or profile, not both (profile is a shared-config profile for local use; roleArn is assumed with STS)',
      "appflow-gitops.yaml:7:13: targets[0].paths[0]: path '../outside/' must be relative to the profiles directory and stay inside it (no leading '/', no '..')",
      "appflow-gitops.yaml:8:11: targets[1].name: target name 'a' is already used by targets[0]; names must be unique",
      'appflow-gitops.yaml:10:20: targets[1].externalIdEnv: externalIdEnv needs roleArn (the ExternalId is sent with AssumeRole)',
      "appflow-gitops.yaml:13:13: targets[2].region: targets[1] already reconciles eu-west-1 with the same credentials; two targets on one account and region would prune each other's profiles (list both paths in one target)",
      "appflow-gitops.yaml:14:13: targets[2].paths[0]: path '/abs' must be relative to the profiles directory and stay inside it (no leading '/', no '..')",
    ]);
  });

  it('unknown top-level keys are errors naming the known sections; YAML syntax and a second document too', async () => {
    expect(await messages({ 'appflow-gitops.yaml': 'targets: []\nbogus: 1\n' })).toEqual([
      'appflow-gitops.yaml:1:10: targets: must have at least 1 items',
      "appflow-gitops.yaml:2:1: bogus: unknown field 'bogus' (known fields: targets, notifications, policies, lifecycle)",
    ]);
    expect(await messages({ 'appflow-gitops.yaml': 'targets: [\n' })).toEqual([expect.stringMatching(/^appflow-gitops\.yaml:\d+:\d+: YAML syntax: /)]);
    expect(await messages({ 'appflow-gitops.yaml': 'targets:\n  - name: a\n    region: us-east-1\n    paths: [a/]\n---\ntargets: []\n' })).toEqual([
      'appflow-gitops.yaml:6:1: the config file must hold one YAML document (found a second after ---)',
    ]);
    expect(await messages({ 'appflow-gitops.yaml': '- a\n' })).toEqual(['appflow-gitops.yaml:1:1: the config file must be a mapping of sections (targets, notifications, policies, lifecycle)']);
  });

  it('other modules add sections without touching the loader: composed schema, typed look-up', async () => {
    const hooks = defineSection<{ urls: readonly string[] }>({
      key: 'hooks',
      schema: { type: 'object', additionalProperties: false, properties: { urls: { type: 'array', items: { type: 'string' } } } },
      build: (value) => ({ value: Object.freeze({ urls: Object.freeze([...((value as { urls?: string[] } | undefined)?.urls ?? [])]) }), diagnostics: [] }),
    });
    const sections = [...CONFIG_SECTIONS, hooks];
    const profilesDir = profileDir({ 'appflow-gitops.yaml': 'hooks:\n  urls: [https://hooks.example.com/x]\n' });
    const { config, diagnostics } = await loadConfig({ profilesDir, sections });
    expect(diagnostics).toEqual([]);
    expect(configSection(config!, hooks)).toEqual({ urls: ['https://hooks.example.com/x'] });
    expect(config!.targets.map((t) => t.name)).toEqual(['default']);

    const typo = await loadConfig({ profilesDir: profileDir({ 'appflow-gitops.yaml': 'hook: {}\n' }), sections });
    expect(typo.diagnostics.map(formatDiagnostic)).toEqual(["appflow-gitops.yaml:1:1: hook: unknown field 'hook'; did you mean 'hooks'?"]);
  });
});

describe('the profile loader never reads the config file as a profile', () => {
  it('skips appflow-gitops.yaml at the root (but not a profile of that name deeper down) and a --config file inside the directory', async () => {
    const dir = profileDir({
      'appflow-gitops.yaml': TWO_TARGETS,
      'conf/other.yaml': 'targets: []\n',
      'p.yaml': DATADOG_YAML,
    });
    const result = await loadProfiles(dir, { excludeFiles: [`${dir}/conf/other.yaml`] });
    expect(result.diagnostics).toEqual([]);
    expect(result.filesRead).toBe(1);
    expect(result.profiles.map((p) => p.name)).toEqual(['datadog']);
  });
});

describe('deploy/appflow-gitops.example.yaml', () => {
  it('is a valid config file', async () => {
    const text = readFileSync(join(import.meta.dirname, '..', '..', 'deploy', 'appflow-gitops.example.yaml'), 'utf8');
    const { config, diagnostics } = await load({ 'appflow-gitops.yaml': text });
    expect(diagnostics).toEqual([]);
    expect(config!.targets.map((t) => `${t.name}:${t.accountId}:${t.region}`)).toEqual(['dev:111122223333:us-east-1', 'prod-us:444455556666:us-east-1', 'prod-eu:444455556666:eu-west-1']);
  });
});
