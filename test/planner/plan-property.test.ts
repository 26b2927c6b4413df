// Property: planning x against the world produced by applying x gives only no-ops, whatever the
// document and however the service formats what Describe returns (within the documented
// normalization rules). Documents are generated from the vendored Smithy model, for every
// connector member, with a seeded PRNG so a failure is reproducible.
import { describe, expect, it } from 'vitest';
import { getShape, loadSmithyModel, memberConstraints, type SmithyModel } from '../../src/smithy/model.js';
import { planChanges } from '../../src/planner/plan-changes.js';
import { PROPERTIES_SHAPE_ID } from '../../src/planner/normalize.js';
import type { ConnectorProfileDocument, ObservedProfile } from '../../src/model/types.js';
import { prng } from '../support/prng.js';
import { OPTIONS, credentialsOf, desiredOf, inputOf, recordOf, stateOf } from './fixtures.js';

const model: SmithyModel = loadSmithyModel('appflow-connector-profiles.json');

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const word = (random: Random) => Array.from({ length: 3 + Math.floor(random() * 8) }, () => pick(random, [...'abcdefghijklmnopqrstuvwxyz0123456789'])).join('');

/** A random value for a model shape: required members always, optional ones half the time. */
function generate(shapeId: string, random: Random, depth = 0): unknown {
  const shape = getShape(model, shapeId);
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [name, member] of Object.entries(shape.members ?? {})) {
        const c = memberConstraints(model, member);
        if (c.required || (depth < 3 && random() < 0.5)) out[name] = generate(member.target, random, depth + 1);
      }
      return out;
    }
    case 'map': {
      const out: Record<string, unknown> = {};
      const n = Math.floor(random() * 3);
      for (let i = 0; i < n; i += 1) out[pick(random, ['k', 'api.version', 'Region', 'x-y'])+i] = generate(shape.value!.target, random, depth + 1);
      return out;
    }
    case 'list':
      return Array.from({ length: Math.floor(random() * 3) }, () => generate(shape.member!.target, random, depth + 1));
    case 'boolean':
      return random() < 0.5;
    case 'integer':
    case 'long':
      return 1 + Math.floor(random() * 65000);
    case 'enum':
      return pick(random, Object.keys(shape.members ?? {}));
    default:
      return word(random);
  }
}

/** What Describe might return for `properties`: reordered keys, defaults dropped or spelled out, `@stage`. */
function serviceFormatted(value: unknown, shapeId: string | undefined, random: Random): unknown {
  const shape = shapeId ? getShape(model, shapeId) : undefined;
  if (Array.isArray(value)) return value.map((v) => serviceFormatted(v, shape?.member?.target, random));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>);
  entries.sort(() => random() - 0.5);
  const out: Record<string, unknown> = {};
  for (const [key, child] of entries) {
    const member = shape?.type === 'structure' ? shape.members?.[key] : undefined;
    const target = shape?.type === 'map' ? shape.value?.target : member?.target;
    const defaultValue = member ? memberConstraints(model, member).defaultValue : undefined;
    if (defaultValue !== undefined && child === defaultValue && random() < 0.5) continue; // service omits defaults
    if (Array.isArray(child) && child.length === 0 && random() < 0.5) continue; // and empty lists
    let formatted = serviceFormatted(child, target, random);
    if (shapeId?.endsWith('#SnowflakeConnectorProfileProperties') && key === 'stage' && random() < 0.5) formatted = `@${String(formatted)}`;
    out[key] = formatted;
  }
  if (shape?.type === 'structure') {
    for (const [key, member] of Object.entries(shape.members ?? {})) {
      const defaultValue = memberConstraints(model, member).defaultValue;
      if (!(key in out) && defaultValue !== undefined && random() < 0.5) out[key] = defaultValue; // or spells them out
    }
  }
  return out;
}

const connectorMembers = Object.keys(getShape(model, PROPERTIES_SHAPE_ID).members ?? {});

function randomDocument(name: string, random: Random): ConnectorProfileDocument {
  const member = pick(random, connectorMembers);
  const memberShape = getShape(model, PROPERTIES_SHAPE_ID).members![member]!.target;
  const document: Record<string, unknown> = {
    connectorProfileName: name,
    connectorType: member,
    connectionMode: pick(random, ['Public', 'Private']),
    connectorProfileConfig: {
      connectorProfileProperties: { [member]: generate(memberShape, random) },
      connectorProfileCredentials: { [member]: { secret: '{{resolve:secretsmanager:s:SecretString:k}}' } },
    },
  };
  if (random() < 0.3) document.connectorLabel = word(random);
  if (random() < 0.3) document.kmsArn = `arn:aws:kms:us-east-1:123456789012:key/${word(random)}`;
  return document as unknown as ConnectorProfileDocument;
}

describe('property: plan(x) against apply(x) is all no-ops', () => {
  it.each(Array.from({ length: 40 }, (_, i) => i + 1))('seed %i', (seed) => {
    const random = prng(seed);
    const documents = Array.from({ length: 8 }, (_, i) => randomDocument(`p-${seed}-${i}`, random));
    const credentials = new Map(documents.map((d) => [d.connectorProfileName, credentialsOf({ x: { secret: `SENTINEL-SECRET-${word(random)}` } })]));
    const observed: ObservedProfile[] = documents.map((d) => ({
      name: d.connectorProfileName,
      connectorType: d.connectorType,
      connectorLabel: d.connectorLabel,
      connectionMode: d.connectionMode,
      properties: serviceFormatted(d.connectorProfileConfig.connectorProfileProperties, PROPERTIES_SHAPE_ID, random) as Record<string, unknown>,
    }));
    const input = inputOf({
      desired: documents.map((d) => desiredOf(d)),
      observed,
      state: stateOf(documents.map((d) => recordOf(d, credentials.get(d.connectorProfileName)))),
      credentials,
    });
    const plan = planChanges(input, { ...OPTIONS, prune: true });
    const notNoop = plan.changes.filter((c) => c.action !== 'noop');
    expect(notNoop.map((c) => ({ name: c.name, action: c.action, fields: c.fields }))).toEqual([]);
    expect(plan.summary.noop).toBe(documents.length);

    // And the planner is not blind: changing one leaf of one document is noticed.
    const victim = structuredClone(documents[0]!);
    victim.connectionMode = victim.connectionMode === 'Public' ? 'Private' : 'Public';
    const changed = planChanges({ ...input, desired: [desiredOf(victim), ...input.desired.slice(1)] }, OPTIONS);
    expect(changed.changes.find((c) => c.name === victim.connectorProfileName)?.action).toBe('update');
  });
});
