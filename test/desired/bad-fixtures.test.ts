// The bad-file corpus: every case under test/fixtures/bad/<case>/ must produce exactly the
// diagnostics listed for it in expected.json (reviewed by hand; regenerate only on purpose).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/desired/diagnostics.js';
import { loadProfiles } from '../../src/desired/load-profiles.js';

const root = fileURLToPath(new URL('../fixtures/bad', import.meta.url));
const expected = JSON.parse(readFileSync(join(root, 'expected.json'), 'utf8')) as Record<string, string[]>;
const cases = readdirSync(root).filter((name) => statSync(join(root, name)).isDirectory()).sort();

describe('bad-file corpus', () => {
  it('lists every case in expected.json and nothing else', () => {
    expect(Object.keys(expected).sort()).toEqual(cases);
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases)('%s', async (name) => {
    const result = await loadProfiles(join(root, name));
    expect(result.diagnostics.map(formatDiagnostic)).toEqual(expected[name]);
    expect(result.diagnostics.some((d) => d.severity === 'error')).toBe(true);
    expect(result.failedFiles.length).toBeGreaterThan(0);
    expect(JSON.stringify(result.diagnostics)).not.toContain('SENTINEL');
  });
});
