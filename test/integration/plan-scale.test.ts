// 250 profiles are observed with at most 3 DescribeConnectorProfiles calls (batches of 100
// names), and their shared secrets with one BatchGetSecretValue; and the plan is correct at scale.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { applyCreates, datadog, ddSecret, emptyState, mutatingCalls, planDir, removeDir, tempDir, writeProfiles } from './plan-helpers.js';

const COUNT = 250;
let emu: RunningEmulator;
let dir: string;

beforeAll(async () => {
  emu = await startEmulator({ profileQuota: 1000, seed: { secrets: [ddSecret('dd', 'one'), ddSecret('dd-b', 'two')] } });
  dir = await tempDir('plan-scale-');
});

afterAll(async () => {
  await emu.close();
  await removeDir(dir);
});

it(`reads ${COUNT} profiles with at most 3 Describe calls and plans them all`, async () => {
  const names = Array.from({ length: COUNT }, (_, i) => `profile-${String(i).padStart(3, '0')}`);
  const yaml = names.map((name, i) => JSON.stringify(datadog(name, i % 2 === 0 ? 'dd' : 'dd-b'))).join('\n---\n');
  await writeProfiles(dir, { 'all.yaml': yaml });

  const state = emptyState();
  applyCreates(emu, await planDir(emu, dir, state), state);
  expect(Object.keys(state.profiles)).toHaveLength(COUNT);

  emu.clearRequestLog();
  const started = performance.now();
  const plan = await planDir(emu, dir, state);
  const elapsedMs = performance.now() - started;
  const log = emu.requestLog();
  const describes = log.filter((e) => e.operation === 'DescribeConnectorProfiles').length;
  expect(describes).toBeGreaterThanOrEqual(1);
  expect(describes).toBeLessThanOrEqual(3);
  expect(log.filter((e) => e.operation === 'BatchGetSecretValue')).toHaveLength(1);
  expect(log.filter((e) => e.operation === 'GetSecretValue')).toHaveLength(0);
  expect(mutatingCalls(emu)).toEqual([]);
  expect(plan.summary).toMatchObject({ noop: COUNT, create: 0, update: 0, error: 0 });
  // Printed so the run log carries the measured number for the report.
  console.log(`plan of ${COUNT} in-sync profiles: ${describes} Describe calls, ${log.length} AWS calls, ${elapsedMs.toFixed(0)} ms`);
});
