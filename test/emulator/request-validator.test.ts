import { describe, expect, it } from 'vitest';
import { loadSmithyModel } from '../../src/smithy/model.js';
import {
  constraintViolations,
  displayPattern,
  SerializationError,
  validateRequest,
  validationMessage,
} from '../../src/emulator/request-validator.js';

const appflow = loadSmithyModel('appflow-connector-profiles.json');
const secrets = loadSmithyModel('secretsmanager-subset.json');
const CREATE = 'com.amazonaws.appflow#CreateConnectorProfileRequest';
const DESCRIBE = 'com.amazonaws.appflow#DescribeConnectorProfilesRequest';

const validCreate = () => ({
  connectorProfileName: 'ok-name',
  connectorType: 'Salesforce',
  connectionMode: 'Public',
  connectorProfileConfig: { connectorProfileProperties: { Salesforce: { instanceUrl: 'https://x.my.salesforce.com' } } },
});

describe('request validator', () => {
  it('accepts a valid request', () => {
    expect(constraintViolations(appflow, CREATE, validCreate())).toEqual([]);
  });

  it('phrases a pattern violation as AWS does, without the model anchors', () => {
    const errors = constraintViolations(appflow, CREATE, { ...validCreate(), connectorProfileName: 'x y' });
    expect(validationMessage(errors)).toBe(
      "1 validation error detected: Value 'x y' at 'connectorProfileName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w/!@#+=.-]+",
    );
  });

  it('reports missing required members as null, and counts several errors', () => {
    const errors = constraintViolations(appflow, CREATE, { connectorProfileName: 'a' });
    expect(errors).toContain("Value null at 'connectionMode' failed to satisfy constraint: Member must not be null");
    expect(errors).toContain("Value null at 'connectorType' failed to satisfy constraint: Member must not be null");
    expect(errors).toContain("Value null at 'connectorProfileConfig' failed to satisfy constraint: Member must not be null");
    expect(validationMessage(errors)).toMatch(/^3 validation errors detected: .+; .+; .+$/);
  });

  it('lists enum values and checks nested paths', () => {
    const body = validCreate();
    (body as Record<string, unknown>).connectionMode = 'Hybrid';
    (body.connectorProfileConfig.connectorProfileProperties.Salesforce as Record<string, unknown>).instanceUrl = 'x'.repeat(300);
    const errors = constraintViolations(appflow, CREATE, body);
    expect(errors).toContain("Value 'Hybrid' at 'connectionMode' failed to satisfy constraint: Member must satisfy enum value set: [Private, Public]");
    expect(errors.some((e) => e.includes("at 'connectorProfileConfig.connectorProfileProperties.Salesforce.instanceUrl'") && e.includes('length less than or equal to 256'))).toBe(true);
  });

  it('never echoes a sensitive value', () => {
    const body = {
      ...validCreate(),
      connectorProfileConfig: {
        connectorProfileProperties: {},
        connectorProfileCredentials: { Salesforce: { jwtToken: 'SENTINEL-SECRET-not-a-jwt' } },
      },
    };
    const errors = constraintViolations(appflow, CREATE, body);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^Value at 'connectorProfileConfig\.connectorProfileCredentials\.Salesforce\.jwtToken' failed to satisfy constraint: Member must satisfy regular expression pattern: /);
    expect(errors.join()).not.toContain('SENTINEL');
  });

  it('names map entries by position, never by (possibly sensitive) key', () => {
    const body = {
      ...validCreate(),
      connectorType: 'CustomConnector',
      connectorProfileConfig: {
        connectorProfileProperties: {},
        connectorProfileCredentials: {
          CustomConnector: { authenticationType: 'CUSTOM', custom: { customAuthenticationType: 't', credentialsMap: { 'SENTINEL-SECRET-key': 'x'.repeat(3000) } } },
        },
      },
    };
    const errors = constraintViolations(appflow, CREATE, body);
    expect(errors.join()).not.toContain('SENTINEL');
    expect(errors.some((e) => e.startsWith("Value at 'connectorProfileConfig.connectorProfileCredentials.CustomConnector.custom.credentialsMap.1.value'"))).toBe(true);
  });

  it('checks ranges and list lengths, with 1-based list element paths', () => {
    const errors = constraintViolations(appflow, DESCRIBE, { maxResults: 101, connectorProfileNames: ['ok', 'bad name'] });
    expect(errors).toContain("Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100");
    expect(errors).toContain("Value 'bad name' at 'connectorProfileNames.2.member' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w/!@#+=.-]+");
    const tooMany = constraintViolations(appflow, DESCRIBE, { connectorProfileNames: Array.from({ length: 101 }, (_, i) => `n${i}`) });
    expect(tooMany).toHaveLength(1);
    expect(tooMany[0]).toContain('Member must have length less than or equal to 100');
  });

  it('treats start-anchored ARN patterns as prefixes (a real KMS ARN is valid)', () => {
    expect(constraintViolations(appflow, CREATE, { ...validCreate(), kmsArn: 'arn:aws:kms:us-east-1:123456789012:key/abcd' })).toEqual([]);
    const errors = constraintViolations(appflow, CREATE, { ...validCreate(), kmsArn: 'arn:aws:s3:::bucket-name-long-enough' });
    expect(errors[0]).toContain('regular expression pattern: arn:aws:kms:.*:[0-9]+:.*');
    expect(displayPattern('^[a-z]+$')).toBe('[a-z]+');
  });

  it('lower-cases the first letter of PascalCase members for JSON-protocol services', () => {
    const errors = constraintViolations(secrets, 'com.amazonaws.secretsmanager#GetSecretValueRequest', { SecretId: '' }, 'lower-first');
    expect(errors).toEqual(["Value '' at 'secretId' failed to satisfy constraint: Member must have length greater than or equal to 1"]);
  });

  it('rejects wrong JSON types with SerializationException', () => {
    expect(() => validateRequest(appflow, DESCRIBE, { maxResults: 'ten' })).toThrow(SerializationError);
    expect(() => validateRequest(appflow, DESCRIBE, { connectorProfileNames: 'one' })).toThrow(/Expected a list at 'connectorProfileNames'/);
  });
});
