// The layout the targets tests share: two accounts x two regions of the emulator (the default
// account's keys, and a role in account 222222222222 assumed through STS), a config declaring four
// targets over dev/, prod/ and shared/, one profile file in each, and the Datadog secret seeded in
// every partition with sentinel values that no output may contain.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { profileDir } from '../desired/helpers.js';
import { emptyEmulator } from './emulator-harness.js';
import { datadogDocument } from './profile-documents.js';

export const SPOKE_ROLE = 'arn:aws:iam::222222222222:role/appflow-gitops';

export const FOUR_PLACES = {
  'dev-us': { accountId: '123456789012', region: 'us-east-1' },
  'dev-eu': { accountId: '123456789012', region: 'eu-west-1' },
  'prod-us': { accountId: '222222222222', region: 'us-east-1' },
  'prod-eu': { accountId: '222222222222', region: 'eu-west-1' },
} as const;
export type FourTargetName = keyof typeof FOUR_PLACES;

/** appflow-gitops.yaml with the four targets; `extra` adds or overrides keys of one target. */
export function fourTargetsConfig(extra: Partial<Record<FourTargetName, Record<string, unknown>>> = {}): string {
  return stringify({
    targets: [
      { name: 'dev-us', region: 'us-east-1', paths: ['dev/', 'shared/'], ...extra['dev-us'] },
      { name: 'dev-eu', region: 'eu-west-1', paths: ['dev/'], ...extra['dev-eu'] },
      { name: 'prod-us', region: 'us-east-1', accountId: '222222222222', roleArn: SPOKE_ROLE, paths: ['prod/', 'shared/'], ...extra['prod-us'] },
      { name: 'prod-eu', region: 'eu-west-1', roleArn: SPOKE_ROLE, paths: ['prod/'], ...extra['prod-eu'] },
    ],
  });
}

/**
 * Empties the emulator, seeds the secret `dd` in every partition, and writes a fresh profiles
 * directory (dev/app.yaml, prod/app.yaml, shared/common.yaml) with a state path beside it.
 */
export async function freshFourTargets(emulator: RunningEmulator, sentinel: string): Promise<{ dir: string; state: string }> {
  await emptyEmulator(emulator);
  for (const place of Object.values(FOUR_PLACES)) {
    emulator.seed({ ...place, secrets: [{ name: 'dd', secretString: JSON.stringify({ apiKey: `${sentinel}-a`, applicationKey: `${sentinel}-b` }) }] });
  }
  const dir = profileDir({
    'appflow-gitops.yaml': fourTargetsConfig(),
    'dev/app.yaml': stringify(datadogDocument('dev-app')),
    'prod/app.yaml': stringify(datadogDocument('prod-app')),
    'shared/common.yaml': stringify(datadogDocument('common')),
  });
  const state = join(dir, '..', `${dir.split('/').pop()}-state`);
  rmSync(state, { recursive: true, force: true });
  return { dir, state };
}
