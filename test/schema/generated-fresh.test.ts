// The committed schema and types must be exactly what the generators produce today: a stale file
// means the model or the generator changed without `npm run gen`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, SCHEMA_FILE, TYPES_FILE, VALIDATOR_FILE, renderSchema, renderTypes, renderValidator } from '../../scripts/generated-artifacts.js';

describe('generated artifacts', () => {
  it('schema/connector-profile.schema.json is fresh', () => {
    const committed = readFileSync(join(ROOT, SCHEMA_FILE), 'utf8');
    expect(renderSchema() === committed, `${SCHEMA_FILE} is stale: run npm run gen`).toBe(true);
  });

  it('the schema generator is deterministic', () => {
    expect(renderSchema()).toBe(renderSchema());
  });

  it('src/model/generated/connector-profile.ts is fresh', async () => {
    const committed = readFileSync(join(ROOT, TYPES_FILE), 'utf8');
    const fresh = await renderTypes(renderSchema());
    expect(fresh === committed, `${TYPES_FILE} is stale: run npm run gen`).toBe(true);
  });

  it('src/desired/generated/profile-validator.ts is fresh', () => {
    const committed = readFileSync(join(ROOT, VALIDATOR_FILE), 'utf8');
    expect(renderValidator(renderSchema()) === committed, `${VALIDATOR_FILE} is stale: run npm run gen`).toBe(true);
  });

  it('the generated type keeps the contract shape', () => {
    const types = readFileSync(join(ROOT, TYPES_FILE), 'utf8');
    expect(types).toContain('export interface ConnectorProfileDocument {');
    expect(types).toMatch(/connectionMode: 'Private' \| 'Public';/);
    expect(types).toContain('GoogleAnalytics?: GoogleAnalyticsConnectorProfileProperties;');
  });
});
