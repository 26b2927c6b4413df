// Generates random valid profile documents from the committed JSON Schema, with a seeded PRNG so
// every failure is reproducible. String values come from a table keyed by the schema's patterns:
// a pattern the table does not know fails the test, so a model update cannot slip by untested.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SECRET_REFERENCE_PATTERN } from '../../src/desired/secret-reference.js';

type Schema = Record<string, any>;
export const schema = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../schema/connector-profile.schema.json', import.meta.url)), 'utf8'),
) as Schema;

export class Gen {
  constructor(readonly random: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }
  chance(p = 0.5): boolean {
    return this.random() < p;
  }
  word(chars: string, min: number, max: number): string {
    let out = '';
    const length = this.int(min, max);
    for (let i = 0; i < length; i++) out += chars[this.int(0, chars.length - 1)];
    return out;
  }
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const WORD = `${ALNUM}_`;
const URL_PATTERN = '^(https?)://[-a-zA-Z0-9+&@#/%?=~_|!:,.;]*[-a-zA-Z0-9+&@#/%=~_|]$';

const STRING_GENERATORS: Record<string, (g: Gen) => string> = {
  [SECRET_REFERENCE_PATTERN]: (g) =>
    g.chance(0.7)
      ? `{{resolve:secretsmanager:${g.word(`${WORD}/-`, 1, 20)}:SecretString:${g.word(WORD, 1, 12)}}}`
      : `{{resolve:secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:${g.word(WORD, 1, 12)}-AbCdEf:SecretString:${g.word(WORD, 1, 8)}:AWSCURRENT}}`,
  '^\\S+$': (g) => g.word(`${ALNUM}-_./:!@`, 1, 18),
  [URL_PATTERN]: (g) => `https://${g.word('abcdefghij', 1, 10)}.example.com/${g.word(WORD, 1, 10)}`,
  '^\\d{3}$': (g) => g.word('0123456789', 3, 3),
  '^[a-zA-Z0-9_]*$': (g) => g.word(WORD, 0, 2),
  '^(?:^$|com.amazonaws.vpce.[\\w/!:@#.\\-]+$)$': (g) => (g.chance() ? '' : `com.amazonaws.vpce.us-east-1.vpce-svc-${g.word('0123456789abcdef', 8, 17)}`),
  '^arn:aws:iam:.*:[0-9]+:.*$': (g) => `arn:aws:iam::${g.word('0123456789', 12, 12)}:role/${g.word(WORD, 1, 20)}`,
  '^arn:aws:kms:.*:[0-9]+:.*$': (g) => `arn:aws:kms:us-east-1:${g.word('0123456789', 12, 12)}:key/${g.word('0123456789abcdef', 8, 8)}`,
  '^arn:aws:secretsmanager:.*:[0-9]+:.*$': (g) => `arn:aws:secretsmanager:us-east-1:${g.word('0123456789', 12, 12)}:secret:${g.word(WORD, 1, 12)}`,
  '^[\\s\\w/!@#+=.-]*$': (g) => g.word(`${WORD} /!@#+=.-`, 0, 20),
  '^[\\w]+$': (g) => g.word(WORD, 1, 12),
  '^(?:.*)$': (g) => g.word(`${ALNUM} !"#$%&'()*+,-./:;<=>?@[]^_{|}~`, 0, 30),
  '^[\\w/!@#+=.-]+$': (g) => g.word(`${WORD}/!@#+=.-`, 1, 30),
  '^[a-zA-Z0-9][\\w!@#.-]+$': (g) => g.pick([...ALNUM]) + g.word(`${WORD}!@#.-`, 1, 20),
};

function resolveRef(node: Schema): Schema {
  if (typeof node.$ref === 'string') return schema.definitions[node.$ref.replace('#/definitions/', '')];
  return node;
}

function generateString(g: Gen, node: Schema): string {
  if (node.enum) return g.pick(node.enum);
  const generator = node.pattern === undefined ? (gen: Gen) => gen.word(ALNUM, 1, 10) : STRING_GENERATORS[node.pattern];
  if (!generator) throw new Error(`no test generator for pattern ${node.pattern}: add one to test/desired/doc-generator.ts`);
  let value = generator(g);
  while (node.minLength !== undefined && value.length < node.minLength) value += generator(g);
  if (node.maxLength !== undefined && value.length > node.maxLength) value = value.slice(0, node.maxLength);
  return value;
}

export function generateValue(g: Gen, raw: Schema): unknown {
  const node = resolveRef(raw);
  switch (node.type) {
    case 'string':
      return generateString(g, node);
    case 'integer':
      return g.int(node.minimum ?? 0, node.maximum ?? 1000);
    case 'boolean':
      return g.chance();
    case 'array':
      return Array.from({ length: g.int(node.minItems ?? 1, Math.min(node.maxItems ?? 3, 3)) }, () => generateValue(g, node.items));
    case 'object': {
      if (!node.properties) {
        // a map: keys from propertyNames, values from additionalProperties
        const entries = g.int(0, Math.min(node.maxProperties ?? 2, 2));
        const out: Record<string, unknown> = {};
        for (let i = 0; i < entries; i++) out[generateString(g, node.propertyNames)] = generateValue(g, node.additionalProperties);
        return out;
      }
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node.properties as Record<string, Schema>)) {
        if ((node.required ?? []).includes(key) || g.chance(0.5)) out[key] = generateValue(g, child);
      }
      return out;
    }
    default:
      throw new Error(`no test generator for schema type ${String(node.type)}`);
  }
}

/** The member whose properties/credentials go with a connectorType (read from the schema's allOf). */
export function memberForType(type: string): string {
  const rule = schema.allOf.find((r: Schema) => r.if?.properties?.connectorType?.const === type && r.then.properties);
  return rule.then.properties.connectorProfileConfig.properties.connectorProfileProperties.required[0];
}

export function connectorTypes(): string[] {
  return schema.properties.connectorType.enum;
}

export function generateDocument(g: Gen, type: string): Record<string, any> {
  const member = memberForType(type);
  const props = schema.definitions.ConnectorProfileProperties.properties[member];
  const creds = schema.definitions.ConnectorProfileCredentials.properties[member];
  const doc: Record<string, any> = {
    connectorProfileName: generateValue(g, schema.properties.connectorProfileName),
    connectorType: type,
    connectionMode: generateValue(g, schema.properties.connectionMode),
  };
  if (type === 'CustomConnector' || g.chance(0.2)) doc.connectorLabel = generateValue(g, schema.properties.connectorLabel);
  if (g.chance(0.3)) doc.kmsArn = generateValue(g, schema.properties.kmsArn);
  doc.connectorProfileConfig = { connectorProfileProperties: { [member]: generateValue(g, props) } };
  if (g.chance(0.8)) doc.connectorProfileConfig.connectorProfileCredentials = { [member]: generateValue(g, creds) };
  return doc;
}
