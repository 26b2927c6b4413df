import { describe, expect, it } from 'vitest';
import { diffConfiguration } from '../../src/planner/diff.js';
import { deepFreeze } from '../../src/model/deep-frozen.js';

describe('diffConfiguration', () => {
  const written = deepFreeze({ Salesforce: { instanceUrl: 'https://example.my.salesforce.com', isSandboxEnvironment: false } });

  it('counts the same unchanged leaves whether the observed side equals the document as written or only once normalized', () => {
    const same = diffConfiguration({ connectionMode: 'Public', properties: written }, { connectionMode: 'Public', properties: structuredClone(written) });
    // Described without the defaulted member and with its keys in another order: equal only once normalized.
    const normalizedOnly = diffConfiguration(
      { connectionMode: 'Public', properties: written },
      { connectionMode: 'Public', properties: { Salesforce: { instanceUrl: 'https://example.my.salesforce.com' } } },
    );
    expect(same).toEqual({ fields: [], unchanged: 2 });
    expect(normalizedOnly).toEqual(same);
  });

  it('still finds a difference in the mode or in any leaf', () => {
    expect(diffConfiguration({ connectionMode: 'Public', properties: written }, { connectionMode: 'Private', properties: structuredClone(written) }).fields.map((f) => f.path)).toEqual(['connectionMode']);
    const edited = diffConfiguration(
      { connectionMode: 'Public', properties: written },
      { connectionMode: 'Public', properties: { Salesforce: { instanceUrl: 'https://other.my.salesforce.com', isSandboxEnvironment: false } } },
    );
    expect(edited.fields).toMatchObject([{ path: 'connectorProfileProperties.Salesforce.instanceUrl', before: 'https://other.my.salesforce.com', after: 'https://example.my.salesforce.com' }]);
  });
});
