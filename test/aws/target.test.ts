import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { regionFromIniText, resolveIdentity, resolveRegion, resolveTarget } from '../../src/aws/target.js';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'afg-target-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const CONFIG = `
# comment
[default]
region = eu-west-1
[profile prod]
role_arn = arn:aws:iam::111122223333:role/deployer
region=ap-southeast-2 ; trailing comment
[sso-session corp]
region = us-west-2
`;

describe('region', () => {
  it('reads default and named profiles from the shared config syntax', () => {
    expect(regionFromIniText(CONFIG, 'default', true)).toBe('eu-west-1');
    expect(regionFromIniText(CONFIG, 'prod', true)).toBe('ap-southeast-2');
    expect(regionFromIniText(CONFIG, 'corp', true)).toBeUndefined();
    expect(regionFromIniText('[prod]\nregion = sa-east-1\n', 'prod', false)).toBe('sa-east-1');
  });

  it('prefers settings, then AWS_REGION, then AWS_DEFAULT_REGION, then the shared config, then us-east-1', async () => {
    await writeFile(join(home, 'config'), CONFIG);
    const env = { HOME: home, AWS_CONFIG_FILE: join(home, 'config'), AWS_PROFILE: 'prod' };
    expect(resolveRegion({ region: 'ca-central-1' }, { ...env, AWS_REGION: 'eu-north-1' })).toEqual({ region: 'ca-central-1', source: 'settings' });
    expect(resolveRegion({}, { ...env, AWS_REGION: 'eu-north-1', AWS_DEFAULT_REGION: 'x' }).region).toBe('eu-north-1');
    expect(resolveRegion({}, { ...env, AWS_DEFAULT_REGION: 'eu-south-1' }).region).toBe('eu-south-1');
    expect(resolveRegion({}, env)).toEqual({ region: 'ap-southeast-2', source: 'shared config' });
    expect(resolveRegion({}, { HOME: home })).toEqual({ region: 'us-east-1', source: 'default' });
  });
});

describe('identity and target key', () => {
  it('uses settings.identity, then AWS_ROLE_ARN, then AWS_PROFILE, then default, without any network call', () => {
    const role = 'arn:aws:iam::111122223333:role/deployer';
    expect(resolveIdentity({ identity: 'embedded-emulator' }, { AWS_ROLE_ARN: role })).toBe('embedded-emulator');
    expect(resolveIdentity({}, { AWS_ROLE_ARN: role, AWS_PROFILE: 'prod' })).toBe(role);
    expect(resolveIdentity({}, { AWS_PROFILE: 'prod' })).toBe('prod');
    expect(resolveIdentity({}, {})).toBe('default');
    expect(resolveTarget({ region: 'eu-west-1' }, { HOME: home, AWS_PROFILE: 'prod' })).toEqual({
      key: 'eu-west-1/prod',
      region: 'eu-west-1',
      identity: 'prod',
    });
  });
});
