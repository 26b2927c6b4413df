// `validate` with appflow-gitops.yaml, through the built CLI: config errors are located like
// profile errors, a file in no target is named, the same name in two targets is no duplicate,
// --target narrows the check.
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runBuiltCli } from '../support/cli.js';
import { datadog, profileDir } from '../desired/helpers.js';

const SLOW = 90_000;
const CONFIG = `targets:
  - name: prod
    region: us-east-1
    paths: [prod/, shared/]
  - name: dev
    region: eu-west-1
    paths: [dev/, shared/]
`;

beforeAll(() => ensureBuilt(['cli/commands/validate.ts', 'config/load-config.ts', 'config/placement.ts', 'desired/load-profiles.ts', 'desired/discover-files.ts']), 180_000);

const validate = (dir: string, ...args: string[]) => runBuiltCli(['validate', '--profiles', dir, ...args], { cwd: dir, env: { PATH: process.env.PATH, NO_COLOR: '1' } });

describe('validate with a config file', () => {
  it('names a file in no target; the same name in two targets is not a duplicate; the config file is no profile', async () => {
    const dir = profileDir({
      'appflow-gitops.yaml': CONFIG,
      'prod/a.yaml': datadog('app'),
      'dev/a.yaml': datadog('app'),
      'shared/s.yaml': datadog('shared'),
      'stray/x.yaml': datadog('stray'),
    });
    const run = await validate(dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${dir}/stray/x.yaml:1:1: no target takes this file (targets: prod, dev); add its directory to a target's paths in appflow-gitops.yaml`);
    expect(run.stdout).not.toContain('duplicate');
    expect(run.stdout).not.toContain('also defined');
    expect(run.stdout.trim().split('\n').at(-1)).toBe('1 error in 1 file; 4 valid profiles');
  }, SLOW);

  it('the same name twice within one target is still a duplicate', async () => {
    const dir = profileDir({ 'appflow-gitops.yaml': CONFIG, 'prod/a.yaml': datadog('app'), 'shared/b.yaml': datadog('app'), 'dev/c.yaml': datadog('other') });
    const run = await validate(dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/prod\/a\.yaml:1:\d+: connectorProfileName: connectorProfileName 'app' is also defined at shared\/b\.yaml/);
  }, SLOW);

  it('--target limits the check to that target; an unknown target is one line with a suggestion', async () => {
    const dir = profileDir({ 'appflow-gitops.yaml': CONFIG, 'prod/a.yaml': datadog('app'), 'dev/bad.yaml': 'connectorProfileName: [\n', 'stray/x.yaml': datadog('x') });
    const prod = await validate(dir, '--target', 'prod', '--json');
    expect(prod.code).toBe(0);
    expect((JSON.parse(prod.stdout) as { profiles: { name: string }[] }).profiles.map((p) => p.name)).toEqual(['app']);
    const dev = await validate(dir, '--target', 'dev');
    expect(dev.code).toBe(1);
    expect(dev.stdout).toContain('dev/bad.yaml');
    expect(dev.stdout).not.toContain('stray');
    const typo = await validate(dir, '--target', 'prd');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toBe("error: unknown target 'prd'; did you mean 'prod'? (targets in appflow-gitops.yaml: prod, dev)\n");
  }, SLOW);

  it('config errors are reported with position and did-you-mean, in text and JSON', async () => {
    const dir = profileDir({ 'appflow-gitops.yaml': 'target:\n  - name: prod\n', 'p.yaml': datadog('p') });
    const run = await validate(dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${dir}/appflow-gitops.yaml:1:1: target: unknown field 'target'; did you mean 'targets'?`);
    const json = JSON.parse((await validate(dir, '--json')).stdout) as { errorCount: number; failedFiles: string[] };
    expect(json.errorCount).toBe(1);
    expect(json.failedFiles).toEqual([`${dir}/appflow-gitops.yaml`]);
  }, SLOW);

  it('without a config file nothing changes (every file is in the implicit target)', async () => {
    const dir = profileDir({ 'a/p.yaml': datadog('p'), 'b/q.yaml': datadog('q') });
    const run = await validate(dir);
    expect(run).toEqual({ code: 0, stdout: '2 profiles valid in 2 files\n', stderr: '' });
  }, SLOW);
});
