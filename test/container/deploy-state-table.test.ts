// The shared state table as deploy/ ships it (CloudFormation, Terraform) must be the table the
// code expects (keys, TTL attribute, on-demand), and its IAM policies least privilege: the
// daemon reads and writes items of that one table and never scans; the CI plan role reads state
// and secret metadata, never a secret value, and writes nothing.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from '../../src/state/dynamodb/table.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(repo + path, 'utf8');
interface Statement {
  Action: string | string[];
  Resource: string | string[];
}
const statements = (file: string) => (JSON.parse(read(`deploy/iam/${file}`)) as { Statement: Statement[] }).Statement;
const allActions = (file: string) => statements(file).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
const TABLE_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/appflow-gitops-state';

describe('state table templates', () => {
  it('CloudFormation: pk/sk strings, on-demand, TTL on the attribute the code writes', () => {
    const yaml = read('deploy/dynamodb/state-table.cloudformation.yaml').replace(/!(Ref|GetAtt) /g, '');
    const table = (parseYaml(yaml) as { Resources: { StateTable: { Type: string; Properties: Record<string, unknown> } } }).Resources.StateTable;
    expect(table.Type).toBe('AWS::DynamoDB::Table');
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.Properties.KeySchema).toEqual([
      { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
      { AttributeName: SORT_KEY, KeyType: 'RANGE' },
    ]);
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: TTL_ATTRIBUTE, Enabled: true });
  });

  it('Terraform: the same keys, billing mode and TTL attribute', () => {
    const tf = read('deploy/dynamodb/state-table.tf');
    expect(tf).toMatch(/billing_mode\s+= "PAY_PER_REQUEST"/);
    expect(tf).toMatch(new RegExp(`hash_key\\s+= "${PARTITION_KEY}"`));
    expect(tf).toMatch(new RegExp(`range_key\\s+= "${SORT_KEY}"`));
    expect(tf).toMatch(new RegExp(`attribute_name = "${TTL_ATTRIBUTE}"`));
  });
});

describe('state table IAM', () => {
  it('the daemon reads and writes items of the state table only, and never scans or manages tables', () => {
    for (const s of statements('state-table-policy.json')) expect(s.Resource).toBe(TABLE_ARN);
    expect(allActions('state-table-policy.json').sort()).toEqual(
      ['dynamodb:ConditionCheckItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'].sort(),
    );
  });

  it('the CI plan role reads state and secret metadata: no secret value, nothing that writes', () => {
    expect(allActions('plan-shared-state-policy.json').sort()).toEqual(['dynamodb:Query', 'secretsmanager:DescribeSecret']);
  });

  it('table set-up (state init, migrate) is a separate policy on the same table', () => {
    for (const s of statements('state-admin-policy.json')) expect(s.Resource).toBe(TABLE_ARN);
    expect(allActions('state-admin-policy.json')).toContain('dynamodb:CreateTable');
    expect(allActions('state-table-policy.json')).not.toContain('dynamodb:CreateTable');
  });
});
