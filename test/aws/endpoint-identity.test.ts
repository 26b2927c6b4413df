import { describe, expect, it } from 'vitest';
import { appflowEndpoint, endpointIdentity, stsEndpoint } from '../../src/aws/endpoint-identity.js';
import { resolveTarget } from '../../src/aws/target.js';
import { adoptLegacyState } from '../../src/reconcile/reconcile-targets.js';
import type { StateSnapshot } from '../../src/model/types.js';

describe('endpoint identity (the endpoint half of a state key)', () => {
  it('AWS is no suffix; any loopback emulator is "local" whatever its port; others keep host:port', () => {
    expect(endpointIdentity(undefined)).toBeUndefined();
    expect(endpointIdentity('https://appflow.eu-west-1.amazonaws.com')).toBeUndefined();
    expect(endpointIdentity('https://vpce-1.appflow.us-east-1.vpce.amazonaws.com')).toBeUndefined();
    expect(endpointIdentity('http://127.0.0.1:4566')).toBe('local');
    expect(endpointIdentity('http://127.0.0.1:51234')).toBe('local');
    expect(endpointIdentity('http://localhost:8080')).toBe('local');
    expect(endpointIdentity('http://[::1]:9000')).toBe('local');
    expect(endpointIdentity('http://emulator.internal:4566')).toBe('emulator.internal:4566');
  });

  it('reads the endpoint the SDK would use, and sends STS to the emulator only when nothing says otherwise', () => {
    expect(appflowEndpoint(undefined, { AWS_ENDPOINT_URL_APPFLOW: 'http://127.0.0.1:1', AWS_ENDPOINT_URL: 'http://x:2' })).toBe('http://127.0.0.1:1');
    expect(appflowEndpoint(undefined, { AWS_ENDPOINT_URL: 'http://x:2' })).toBe('http://x:2');
    expect(stsEndpoint('http://127.0.0.1:1', {})).toBe('http://127.0.0.1:1');
    expect(stsEndpoint('http://127.0.0.1:1', { AWS_ENDPOINT_URL_STS: 'http://sts:1' })).toBeUndefined();
    expect(stsEndpoint(undefined, {})).toBeUndefined();
  });

  it('the implicit target keeps its v1 key against AWS and gets @ENDPOINT against an emulator (state isolation)', () => {
    expect(resolveTarget({ region: 'us-east-1' }, {}).key).toBe('us-east-1/default');
    expect(resolveTarget({ region: 'us-east-1' }, { AWS_ENDPOINT_URL_APPFLOW: 'http://127.0.0.1:4566' }).key).toBe('us-east-1/default@local');
    expect(resolveTarget({ region: 'us-east-1', endpoints: { appflow: 'http://127.0.0.1:1' } }, {}).key).toBe('us-east-1/default@local');
    // The embedded emulator names its identity itself: unchanged.
    expect(resolveTarget({ region: 'us-east-1', identity: 'embedded-emulator', endpoints: { appflow: 'http://127.0.0.1:1' } }, {}).key).toBe('us-east-1/embedded-emulator');
  });
});

describe('state keys from before targets', () => {
  const snapshot = (): StateSnapshot => ({
    formatVersion: 1,
    targets: { 'us-east-1/arn:aws:iam::222222222222:role/x': { profiles: { a: { name: 'a', origin: 'created', connectorType: 'Datadog' } }, intents: {} } },
  } as unknown as StateSnapshot);

  it('moves the old entry to the new key once, so the inventory (and prune) survive the upgrade', () => {
    const state = snapshot();
    expect(adoptLegacyState(state, '222222222222/us-east-1', ['us-east-1/arn:aws:iam::222222222222:role/x'])).toBe('us-east-1/arn:aws:iam::222222222222:role/x');
    expect(Object.keys(state.targets)).toEqual(['222222222222/us-east-1']);
    expect(Object.keys(state.targets['222222222222/us-east-1']!.profiles)).toEqual(['a']);
    // A second target with the same old key finds nothing left to take.
    expect(adoptLegacyState(state, '222222222222/eu-west-1', ['us-east-1/arn:aws:iam::222222222222:role/x'])).toBeUndefined();
  });

  it('never overwrites an entry the new key already has', () => {
    const state = snapshot();
    state.targets['222222222222/us-east-1'] = { profiles: {}, intents: {} };
    expect(adoptLegacyState(state, '222222222222/us-east-1', ['us-east-1/arn:aws:iam::222222222222:role/x'])).toBeUndefined();
    expect(Object.keys(state.targets).sort()).toEqual(['222222222222/us-east-1', 'us-east-1/arn:aws:iam::222222222222:role/x']);
  });
});
