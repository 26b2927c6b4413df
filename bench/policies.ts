// Benchmark line: what 5 policies add to planning 1,000 profiles (issue 16: at most 20 ms).
// Pure, in-process, no emulator: the fleet's documents are loaded from files as `plan` loads them,
// planned as creates (every profile is a write, so every policy runs on every profile), then the
// compiled policies are evaluated over the plan. Prints one JSON line; the first (cold) round is
// what a one-shot `plan` pays, the later (warm) rounds what a daemon pass pays.
//   npm run build && node dist/bench/policies.js        (BENCH_PROFILES=1000, BENCH_ROUNDS=5)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadProfiles } from '../src/desired/load-profiles.js';
import { planChanges } from '../src/planner/plan-changes.js';
import { compilePolicies } from '../src/policy/compile-policies.js';
import { checkPlanPolicies } from '../src/policy/evaluate-policies.js';
import type { PolicySpec } from '../src/policy/types.js';
import { writeFleet } from './fixtures.js';

/** The three documented examples plus two more of the common shapes (a type list, a change path). */
export const BENCH_POLICIES: PolicySpec[] = [
  { name: 'private-in-prod', expression: "!profile.connectorProfileName.startsWith('prod-') || profile.connectionMode == 'Private'", message: 'm', severity: 'deny', actions: ['create', 'update', 'replace'] },
  { name: 'kms-required', expression: "has(profile.kmsArn) && profile.kmsArn.startsWith('arn:aws:kms:')", message: 'm', severity: 'warn', actions: ['create', 'replace'] },
  { name: 'no-friday-deletes', expression: "change.action != 'delete' || now.getDayOfWeek() != 5", message: 'm', severity: 'deny' },
  { name: 'allowed-types', expression: "profile.connectorType in ['Datadog', 'Snowflake', 'Salesforce']", message: 'm', severity: 'deny' },
  { name: 'no-mode-flips', expression: "!('connectionMode' in change.paths) || change.action == 'create'", message: 'm', severity: 'warn' },
];

async function main(): Promise<void> {
  const count = Number(process.env.BENCH_PROFILES ?? 1000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const dir = await mkdtemp(join(tmpdir(), 'bench-policies-'));
  try {
    await writeFleet(dir, count);
    const load = await loadProfiles(dir);
    const plan = () =>
      planChanges(
        { target: 'bench', desired: load.profiles, invalid: load.invalid, observed: [], state: { profiles: {}, intents: {} }, credentials: new Map(), directory: load.directory, failedFiles: load.failedFiles },
        { prune: false, allowEmpty: false, maxDeletes: 5 },
      );
    const compileStart = performance.now();
    const { policies, problems } = compilePolicies(BENCH_POLICIES);
    const compileMs = performance.now() - compileStart;
    if (problems.length > 0) throw new Error(`bench policies do not compile: ${JSON.stringify(problems)}`);
    const roundsMs: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const planned = plan();
      const start = performance.now();
      checkPlanPolicies(planned, { policies, target: { name: 'bench', accountId: '', region: 'us-east-1' } });
      roundsMs.push(performance.now() - start);
    }
    const round = (ms: number) => Math.round(ms * 10) / 10;
    process.stdout.write(`${JSON.stringify({ scenario: 'policies', profiles: count, policies: policies.length, compileMs: round(compileMs), coldMs: round(roundsMs[0]!), warmMs: roundsMs.slice(1).map(round), budgetMs: 20 })}\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
