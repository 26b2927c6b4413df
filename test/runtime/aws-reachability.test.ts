// What /readyz calls "AWS reachable", judged from real SDK calls against the emulator: the errors
// come back in the SDK's own shapes (name, $fault, HTTP status), as they would from AWS.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AwsAdapters } from '../../src/aws/ports.js';
import { AwsReachability } from '../../src/runtime/aws-reachability.js';
import { adaptersFor, resetEmulator, startEmulatorHarness, type EmulatorHarness } from '../support/emulator-harness.js';

let aws: EmulatorHarness;
let adapters: AwsAdapters;
let reach: AwsReachability;

beforeAll(async () => {
  aws = await startEmulatorHarness();
  // Read calls keep the SDK's standard retry (3 attempts): an injected fault covers all three.
  adapters = adaptersFor(aws.emulator, { observer: (call) => reach.observe(call) });
});
afterAll(async () => {
  adapters.destroy();
  await aws.close();
});
beforeEach(() => {
  resetEmulator(aws.emulator);
  reach = new AwsReachability(() => 0);
});

const describeOne = () => adapters.appflow.describeByNames(['x']).catch((err: unknown) => err);

describe('AWS reachability behind /readyz', () => {
  it('is unknown before any call, and reachable after a successful one', async () => {
    expect(reach.reachable).toBeUndefined();
    await describeOne();
    expect(reach.reachable).toBe(true);
  });

  it.each([
    ['a 5xx', 500, 'InternalServerException'],
    ['a 503', 503, 'ServiceUnavailableException'],
    ['an expired token (a credentials error AWS answers with 4xx)', 400, 'ExpiredTokenException'],
    ['unrecognised credentials', 403, 'UnrecognizedClientException'],
  ])('%s marks AWS unreachable, and a later answered call reachable again', async (_label, status, code) => {
    aws.emulator.faults.failNext('DescribeConnectorProfiles', 3, { status, code });
    await describeOne();
    expect(reach.reachable).toBe(false);
    expect(reach.lastError).toMatchObject({ service: 'appflow', operation: 'DescribeConnectorProfiles', code });
    resetEmulator(aws.emulator); // a 4xx is not retried by the SDK: drop the unused faults
    await describeOne();
    expect(reach.reachable).toBe(true);
  });

  it.each([
    ['ResourceNotFoundException', 404],
    ['ValidationException', 400],
    ['AccessDeniedException', 403],
    ['ConflictException', 409],
  ])('an answered 4xx (%s) proves AWS is reachable', async (code, status) => {
    reach.reachable = false;
    aws.emulator.faults.failNext('DescribeConnectorProfiles', 1, { status, code });
    await describeOne();
    expect(reach.reachable).toBe(true);
  });

  it('a connection refused marks it unreachable', async () => {
    const closed = await startEmulatorHarness();
    await closed.close();
    const dead = adaptersFor(closed.emulator, { observer: (call) => reach.observe(call), maxAttempts: 1 });
    await dead.appflow.describeByNames(['x']).catch(() => undefined);
    dead.destroy();
    expect(reach.reachable).toBe(false);
    expect(reach.lastError?.code).toBe('ECONNREFUSED');
  });
});
