import { describe, expect, it } from 'vitest';
import { allConnectorTypes, connectorMemberFor, connectorTypesWithoutProfile, profileConnectorTypes } from '../../src/desired/connector-member.js';
import { editDistance, suggest } from '../../src/desired/did-you-mean.js';

describe('connectorMemberFor', () => {
  it('maps the odd spellings', () => {
    expect(connectorMemberFor('Googleanalytics')).toBe('GoogleAnalytics');
    expect(connectorMemberFor('Servicenow')).toBe('ServiceNow');
    expect(connectorMemberFor('Infornexus')).toBe('InforNexus');
    expect(connectorMemberFor('SAPOData')).toBe('SAPOData');
    expect(connectorMemberFor('Salesforce')).toBe('Salesforce');
  });

  it('has no member for connectors used without a profile', () => {
    expect(connectorTypesWithoutProfile()).toEqual(['CustomerProfiles', 'EventBridge', 'LookoutMetrics', 'S3', 'Upsolver']);
    expect(connectorMemberFor('S3')).toBeUndefined();
    expect(connectorMemberFor('NotAConnector')).toBeUndefined();
  });

  it('covers every type of the model exactly once', () => {
    expect(profileConnectorTypes()).toHaveLength(19);
    expect([...profileConnectorTypes(), ...connectorTypesWithoutProfile()].sort()).toEqual([...allConnectorTypes()].sort());
  });
});

describe('did-you-mean', () => {
  it('computes edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('suggests close names only', () => {
    expect(suggest('conectionMode', ['connectionMode', 'connectorType'])).toBe('connectionMode');
    expect(suggest('GoogleAnalytics', ['Googleanalytics', 'Salesforce'])).toBe('Googleanalytics');
    expect(suggest('instanceURL', ['instanceUrl'])).toBe('instanceUrl');
    expect(suggest('region', ['connectionMode', 'connectorType'])).toBeUndefined();
    expect(suggest('ab', ['xy'])).toBeUndefined();
  });
});
