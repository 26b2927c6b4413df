// The schema against the vendored AppFlow model: every connector type, every member, every
// required member, and the model's patterns, read independently of the generator's code paths.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { ROOT, SCHEMA_FILE } from '../../scripts/generated-artifacts.js';
import { PLAIN_CREDENTIAL_MEMBERS } from '../../src/desired/credential-policy.js';
import { SECRET_REFERENCE_PATTERN } from '../../src/desired/secret-reference.js';
import { enumValues, getShape, loadSmithyModel, memberConstraints } from '../../src/smithy/model.js';

type Schema = Record<string, any>;
const schema = JSON.parse(readFileSync(join(ROOT, SCHEMA_FILE), 'utf8')) as Schema;
const model = loadSmithyModel('appflow-connector-profiles.json');
const NS = 'com.amazonaws.appflow#';
const shape = (name: string) => getShape(model, `${NS}${name}`);
const def = (name: string): Schema => schema.definitions[name];
const modelTypes = enumValues(shape('ConnectorType'));
const propertyMembers = Object.keys(shape('ConnectorProfileProperties').members ?? {});
const credentialMembers = Object.keys(shape('ConnectorProfileCredentials').members ?? {});
const NO_PROFILE = ['CustomerProfiles', 'EventBridge', 'LookoutMetrics', 'S3', 'Upsolver'];

function walk(node: unknown, visit: (schema: Schema, path: string) => void, path = '#'): void {
  if (Array.isArray(node)) node.forEach((item, i) => walk(item, visit, `${path}/${i}`));
  else if (node && typeof node === 'object') {
    visit(node, path);
    for (const [key, value] of Object.entries(node)) walk(value, visit, `${path}/${key}`);
  }
}

describe('schema vs model', () => {
  it('names the source model', () => {
    expect(schema.$comment).toContain('models/appflow-connector-profiles.json');
    expect(schema.$comment).toContain('appflow-2020-08-23');
  });

  it('has all 19 property and credential members', () => {
    expect(propertyMembers).toHaveLength(19);
    expect(credentialMembers).toHaveLength(19);
    expect(Object.keys(def('ConnectorProfileProperties').properties)).toEqual(propertyMembers);
    expect(Object.keys(def('ConnectorProfileCredentials').properties)).toEqual(credentialMembers);
    for (const name of ['ConnectorProfileProperties', 'ConnectorProfileCredentials']) {
      expect(def(name)).toMatchObject({ minProperties: 1, maxProperties: 1, additionalProperties: false });
    }
  });

  it('covers every connector type: a matching member, or documented as having no profile', () => {
    const enumInSchema: string[] = schema.properties.connectorType.enum;
    for (const type of modelTypes) {
      if (NO_PROFILE.includes(type)) {
        expect(enumInSchema).not.toContain(type);
        expect(schema.properties.connectorType.$comment).toContain(type);
        continue;
      }
      expect(enumInSchema).toContain(type);
      const member = propertyMembers.find((m) => m.toLowerCase() === type.toLowerCase());
      expect(member, type).toBeDefined();
      const rule = schema.allOf.find((r: Schema) => r.if?.properties?.connectorType?.const === type && r.then.properties);
      expect(rule, `allOf rule for ${type}`).toBeDefined();
      const config = rule.then.properties.connectorProfileConfig.properties;
      expect(config.connectorProfileProperties.required).toEqual([member]);
      expect(config.connectorProfileCredentials.required).toEqual([member]);
    }
    expect(enumInSchema).toHaveLength(modelTypes.length - NO_PROFILE.length);
  });

  it('maps the odd spellings', () => {
    const memberFor = (type: string) =>
      schema.allOf.find((r: Schema) => r.if?.properties?.connectorType?.const === type)?.then.properties.connectorProfileConfig.properties.connectorProfileProperties.required[0];
    expect(memberFor('Googleanalytics')).toBe('GoogleAnalytics');
    expect(memberFor('Servicenow')).toBe('ServiceNow');
    expect(memberFor('Infornexus')).toBe('InforNexus');
  });

  it('requires connectorLabel for CustomConnector', () => {
    const rule = schema.allOf.find((r: Schema) => r.if?.properties?.connectorType?.const === 'CustomConnector' && r.then.required);
    expect(rule.then.required).toEqual(['connectorLabel']);
  });

  it('has the required members of every structure', () => {
    for (const [name, definition] of Object.entries(schema.definitions as Record<string, Schema>)) {
      const members = shape(name).members ?? {};
      const required = Object.entries(members).filter(([, m]) => memberConstraints(model, m).required).map(([n]) => n);
      expect(definition.required ?? [], name).toEqual(required);
      expect(Object.keys(definition.properties), name).toEqual(Object.keys(members));
    }
    expect(schema.required).toEqual(['connectorProfileName', 'connectorType', 'connectionMode', 'connectorProfileConfig']);
  });

  it('carries the model patterns of every connector type (properties in the document, credentials for the resolved value)', () => {
    const props = shape('ConnectorProfileProperties').members ?? {};
    const creds = shape('ConnectorProfileCredentials').members ?? {};
    for (const type of modelTypes.filter((t) => !NO_PROFILE.includes(t))) {
      const member = propertyMembers.find((m) => m.toLowerCase() === type.toLowerCase())!;
      let checked = 0;
      const propsShape = getShape(model, props[member]!.target);
      const propsDef = def(props[member]!.target.split('#')[1]!);
      for (const [field, ref] of Object.entries(propsShape.members ?? {})) {
        const constraints = memberConstraints(model, ref);
        const fieldSchema = propsDef.properties[field];
        if (constraints.pattern) {
          expect(fieldSchema.pattern, `${member}.${field}`).toMatch(/^\^.*\$$/);
          if (/^\^[^|]*\$$/.test(constraints.pattern)) expect(fieldSchema.pattern).toBe(constraints.pattern);
          checked++;
        }
        if (constraints.length?.max !== undefined) expect(fieldSchema.maxLength ?? fieldSchema.maxProperties ?? fieldSchema.maxItems, `${member}.${field}`).toBe(constraints.length.max);
        if (constraints.range?.max !== undefined) expect(fieldSchema.maximum, `${member}.${field}`).toBe(constraints.range.max);
      }
      const credsShape = getShape(model, creds[member]!.target);
      const credsDef = def(creds[member]!.target.split('#')[1]!);
      for (const [field, ref] of Object.entries(credsShape.members ?? {})) {
        const constraints = memberConstraints(model, ref);
        const fieldSchema = credsDef.properties[field];
        if (constraints.pattern && fieldSchema.pattern === SECRET_REFERENCE_PATTERN) {
          expect(fieldSchema.description, `${member}.${field}`).toContain('The resolved value must match ^');
          checked++;
        }
      }
      if (type === 'CustomConnector') {
        // Its patterns sit one level down: nested structures and map keys.
        const tokenUrl = memberConstraints(model, shape('OAuth2Properties').members!.tokenUrl!).pattern;
        expect(def('OAuth2Properties').properties.tokenUrl.pattern).toBe(tokenUrl);
        expect(propsDef.properties.profileProperties.propertyNames.pattern).toBe('^[\\w]+$');
        checked++;
      }
      expect(checked, `patterns checked for ${type}`).toBeGreaterThan(0);
    }
    // Spot checks, written out by hand from the model:
    expect(def('SAPODataConnectorProfileProperties').properties.clientNumber).toMatchObject({ minLength: 3, maxLength: 3, pattern: '^\\d{3}$' });
    expect(def('SAPODataConnectorProfileProperties').properties.portNumber).toMatchObject({ type: 'integer', minimum: 1, maximum: 65535 });
    expect(def('SnowflakeConnectorProfileProperties').properties.warehouse.pattern).toBe('^[\\s\\w/!@#+=.-]*$');
    expect(def('RedshiftConnectorProfileProperties').properties.roleArn.pattern).toBe('^arn:aws:iam:.*:[0-9]+:.*$');
  });

  it('anchors every pattern at both ends', () => {
    const patterns: string[] = [];
    walk(schema, (node) => {
      if (typeof node.pattern === 'string') patterns.push(node.pattern);
    });
    expect(patterns.length).toBeGreaterThan(50);
    for (const pattern of patterns) {
      expect(pattern.startsWith('^') && pattern.endsWith('$'), pattern).toBe(true);
    }
  });

  it('closes every object (additionalProperties: false or a typed map)', () => {
    walk(schema, (node, path) => {
      if (node.type === 'object' && node.properties && !path.includes('/allOf/')) {
        expect(node.additionalProperties, path).toBe(false);
      }
    });
  });

  it('requires secret references for every credential string except the mechanism members', () => {
    const credentialDefs = Object.entries(schema.definitions as Record<string, Schema>).filter(([name]) =>
      /Credentials$|OAuthRequest$/.test(name),
    );
    expect(credentialDefs.length).toBeGreaterThan(15);
    let references = 0;
    for (const [name, definition] of credentialDefs) {
      for (const [field, fieldSchema] of Object.entries(definition.properties as Record<string, Schema>)) {
        if (fieldSchema.type !== 'string') continue;
        if (PLAIN_CREDENTIAL_MEMBERS.includes(field)) expect(fieldSchema.pattern, `${name}.${field}`).not.toBe(SECRET_REFERENCE_PATTERN);
        else {
          expect(fieldSchema.pattern, `${name}.${field}`).toBe(SECRET_REFERENCE_PATTERN);
          references++;
        }
      }
    }
    expect(references).toBeGreaterThan(30);
    expect(def('CustomAuthCredentials').properties.credentialsMap.additionalProperties.pattern).toBe(SECRET_REFERENCE_PATTERN);
    expect(def('SalesforceConnectorProfileCredentials').properties.jwtToken.description).toContain('^([a-zA-Z0-9_=]+)');
  });

  it('compiles with ajv in strict mode', () => {
    const ajv = new Ajv({ strictSchema: true, strictTypes: true, strictTuples: true, allErrors: true });
    expect(() => ajv.compile(schema)).not.toThrow();
  });
});
