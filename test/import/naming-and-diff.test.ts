import { describe, expect, it } from 'vitest';
import { parseSecretReference } from '../../src/desired/secret-reference.js';
import { unifiedLineDiff } from '../../src/importer/line-diff.js';
import { fileNameFor, secretNameFor, secretReference } from '../../src/importer/naming.js';

describe('naming conventions', () => {
  it('secret name: appflow-gitops/<profileName>, with ! and # (not allowed in secret names) as _', () => {
    expect(secretNameFor('prod-salesforce')).toBe('appflow-gitops/prod-salesforce');
    expect(secretNameFor('team/a+b=c@d.e_f')).toBe('appflow-gitops/team/a+b=c@d.e_f');
    expect(secretNameFor('x!y#z')).toBe('appflow-gitops/x_y_z');
  });

  it('the reference parses back to the same secret and dotted key', () => {
    const ref = parseSecretReference(secretReference(secretNameFor('team/sap#1'), 'oAuthCredentials.clientSecret'));
    expect(ref).toMatchObject({ secretId: 'appflow-gitops/team/sap_1', jsonKey: 'oAuthCredentials.clientSecret' });
  });

  it('file name: percent-encodes characters unsafe in file names; a leading dot cannot make a dotfile', () => {
    expect(fileNameFor('prod-salesforce')).toBe('prod-salesforce.yaml');
    expect(fileNameFor('team/a!b#c')).toBe('team%2Fa%21b%23c.yaml');
    expect(fileNameFor('a+b=c@d.e_f')).toBe('a+b=c@d.e_f.yaml');
    expect(fileNameFor('.hidden')).toBe('%2Ehidden.yaml');
  });

  it('file names are distinct for distinct profile names (the encoding is reversible)', () => {
    const names = ['a/b', 'a%2Fb'.replace('%', ''), 'a!b', 'a#b', 'a_b', '.a', '%2Ea'.replace('%', ''), 'a.b'];
    const files = names.map(fileNameFor);
    expect(new Set(files).size).toBe(names.length);
    for (const [i, file] of files.entries()) expect(decodeURIComponent(file.slice(0, -'.yaml'.length))).toBe(names[i]);
  });
});

describe('unifiedLineDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedLineDiff('a\nb\n', 'a\nb\n')).toBe('');
  });

  it('shows a changed line as -old/+new with context and a hunk header', () => {
    const before = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'].join('\n') + '\n';
    const after = before.replace('five', 'FIVE');
    expect(unifiedLineDiff(before, after, { oldLabel: 'a.yaml', newLabel: 'b.yaml' })).toBe(
      ['--- a.yaml', '+++ b.yaml', '@@ -2,7 +2,7 @@', ' two', ' three', ' four', '-five', '+FIVE', ' six', ' seven', ' eight', ''].join('\n'),
    );
  });

  it('splits distant changes into separate hunks and handles additions at the end', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const after = before.replace('line 2\n', 'line two\n') + 'line 21\n';
    const diff = unifiedLineDiff(before, after);
    expect(diff.match(/^@@/gm)).toHaveLength(2);
    expect(diff).toContain('-line 2\n+line two\n');
    expect(diff).toContain('@@ -18,3 +18,4 @@\n line 18\n line 19\n line 20\n+line 21\n');
  });
});
