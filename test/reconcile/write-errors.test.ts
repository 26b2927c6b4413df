import { describe, expect, it } from 'vitest';
import { safeErrorMessage } from '../../src/reconcile/write-errors.js';

describe('safeErrorMessage', () => {
  it("masks the value AWS echoes for a credential member", () => {
    const err = Object.assign(new Error(
      "1 validation error detected: Value 'SENTINEL-SECRET-jwt' at 'connectorProfileConfig.connectorProfileCredentials.Salesforce.jwtToken' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[A-Za-z0-9-_=]+$",
    ), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    const message = safeErrorMessage(err, []);
    expect(message).not.toContain('SENTINEL');
    expect(message).toContain("Value '[REDACTED]' at 'connectorProfileConfig.connectorProfileCredentials.Salesforce.jwtToken'");
    expect(message).toContain('regular expression pattern');
  });

  it('keeps non-credential values, which help the user', () => {
    const err = new Error("Value 'x y' at 'connectorProfileName' failed to satisfy constraint");
    expect(safeErrorMessage(err, [])).toBe("Value 'x y' at 'connectorProfileName' failed to satisfy constraint");
  });

  it('masks any credential string we sent wherever it appears', () => {
    const err = new Error('login failed for SENTINEL-SECRET-pw-LONG (and SENTINEL-SECRET-pw)');
    const message = safeErrorMessage(err, ['SENTINEL-SECRET-pw', 'SENTINEL-SECRET-pw-LONG']);
    expect(message).toBe('login failed for [REDACTED] (and [REDACTED])');
  });
});
