import { describe, expect, it } from 'vitest';
import { formatSecretReference, looksLikeSecretReference, parseSecretReference } from '../../src/desired/secret-reference.js';

describe('parseSecretReference', () => {
  it('parses a name and a JSON key', () => {
    expect(parseSecretReference('{{resolve:secretsmanager:appflow/prod/sf:SecretString:jwtToken}}')).toEqual({
      raw: '{{resolve:secretsmanager:appflow/prod/sf:SecretString:jwtToken}}',
      secretId: 'appflow/prod/sf',
      jsonKey: 'jwtToken',
    });
  });

  it('keeps a full ARN (with its colons) as the secret id', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:appflow/hubspot-AbCdEf';
    const ref = parseSecretReference(`{{resolve:secretsmanager:${arn}:SecretString:clientId}}`);
    expect(ref).toMatchObject({ secretId: arn, jsonKey: 'clientId' });
    expect(ref?.versionStage).toBeUndefined();
  });

  it('accepts the optional version tail, including empty parts as CloudFormation writes them', () => {
    expect(parseSecretReference('{{resolve:secretsmanager:s:SecretString:k:AWSPREVIOUS:}}')).toMatchObject({ versionStage: 'AWSPREVIOUS' });
    expect(parseSecretReference('{{resolve:secretsmanager:s:SecretString:k::0f2f-11}}')).toMatchObject({ versionId: '0f2f-11' });
    const cdk = parseSecretReference('{{resolve:secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:appflow/hubspot:SecretString:clientId::}}');
    expect(cdk).toMatchObject({ secretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:appflow/hubspot', jsonKey: 'clientId' });
    expect(cdk?.versionStage).toBeUndefined();
    expect(cdk?.versionId).toBeUndefined();
    expect(parseSecretReference('{{resolve:secretsmanager:s:SecretString:k:AWSCURRENT}}')).toMatchObject({ versionStage: 'AWSCURRENT' });
  });

  it.each([
    ['plain text', 'hunter2'],
    ['no JSON key', '{{resolve:secretsmanager:s:SecretString}}'],
    ['empty JSON key', '{{resolve:secretsmanager:s:SecretString:}}'],
    ['SecretBinary', '{{resolve:secretsmanager:s:SecretBinary:k}}'],
    ['another service', '{{resolve:ssm:param:1}}'],
    ['missing braces', '{resolve:secretsmanager:s:SecretString:k}'],
    ['text around it', 'x{{resolve:secretsmanager:s:SecretString:k}}'],
    ['too many parts', '{{resolve:secretsmanager:s:SecretString:k:a:b:c}}'],
    ['bad name characters', '{{resolve:secretsmanager:my secret:SecretString:k}}'],
    ['malformed ARN', '{{resolve:secretsmanager:arn:aws:secretsmanager:us-east-1:12:secret:x:SecretString:k}}'],
  ])('rejects %s', (_label, text) => {
    expect(parseSecretReference(text)).toBeUndefined();
  });

  it('formats canonically and round-trips', () => {
    for (const text of [
      '{{resolve:secretsmanager:a/b:SecretString:key}}',
      '{{resolve:secretsmanager:a:SecretString:key:AWSPREVIOUS}}',
      '{{resolve:secretsmanager:a:SecretString:key::v1}}',
      '{{resolve:secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf:SecretString:key:AWSCURRENT:v1}}',
    ]) {
      expect(formatSecretReference(parseSecretReference(text)!)).toBe(text);
    }
  });

  it('tells a typo in a reference from plaintext', () => {
    expect(looksLikeSecretReference('{{resolve:secretsmanager:x}}')).toBe(true);
    expect(looksLikeSecretReference('password')).toBe(false);
  });
});
