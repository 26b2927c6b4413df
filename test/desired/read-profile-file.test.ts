// readProfileFile reads a file that fits its shared buffer in one read and measures only a file
// that fills it: both paths must give the same text and the same refusals at every boundary.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProfileFile, SHARED_READ_BUFFER_BYTES } from '../../src/desired/read-profile-file.js';
import { profileDir } from './helpers.js';

const comment = (bytes: number) => `#${'x'.repeat(bytes - 2)}\n`;

describe('readProfileFile', () => {
  it('reads files below, at and past the shared buffer whole, one after another', async () => {
    const sizes = [0, 1, SHARED_READ_BUFFER_BYTES - 1, SHARED_READ_BUFFER_BYTES, SHARED_READ_BUFFER_BYTES + 1, 3 * SHARED_READ_BUFFER_BYTES + 7, 5];
    const files = Object.fromEntries(sizes.map((size, i) => [`f${i}.yaml`, size === 0 ? '' : size === 1 ? '\n' : comment(size)]));
    const dir = profileDir(files);
    for (const [name, text] of Object.entries(files)) {
      // The text of one read must not leak into the next (the buffer is shared).
      expect(await readProfileFile(join(dir, name), name)).toEqual({ text });
    }
  });

  it('drops a leading byte order mark and keeps multi-byte characters', async () => {
    const dir = profileDir({ 'bom.yaml': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('name: café ✓\n')]) });
    expect(await readProfileFile(join(dir, 'bom.yaml'), 'bom.yaml')).toEqual({ text: 'name: café ✓\n' });
  });

  it('refuses a file one byte over the limit, before and after the shared buffer', async () => {
    for (const limit of [10, SHARED_READ_BUFFER_BYTES - 1, SHARED_READ_BUFFER_BYTES, SHARED_READ_BUFFER_BYTES + 10]) {
      const dir = profileDir({ 'at.yaml': comment(limit), 'over.yaml': comment(limit + 1) });
      expect(await readProfileFile(join(dir, 'at.yaml'), 'at.yaml', limit)).toEqual({ text: comment(limit) });
      const over = await readProfileFile(join(dir, 'over.yaml'), 'over.yaml', limit);
      expect('diagnostic' in over && [over.diagnostic.code, over.diagnostic.message]).toEqual([
        'file.too-large',
        `file is ${limit + 1} bytes, larger than the ${limit}-byte limit for a profile file; split it or move it out of the profiles directory`,
      ]);
    }
  });

  it('refuses NUL bytes and invalid UTF-8, and names an unreadable file by its code', async () => {
    const dir = profileDir({ 'nul.yaml': Buffer.from('a: b\0\n'), 'bad.yaml': Buffer.from([0x61, 0x3a, 0x20, 0xc3, 0x28, 0x0a]) });
    const code = async (name: string) => {
      const read = await readProfileFile(join(dir, name), name);
      return 'diagnostic' in read ? [read.diagnostic.code, read.diagnostic.message] : read;
    };
    expect(await code('nul.yaml')).toEqual(['file.binary', 'file looks binary (it contains NUL bytes); profile files are UTF-8 YAML or JSON text']);
    expect(await code('bad.yaml')).toEqual(['file.binary', 'file is not valid UTF-8 text; profile files are UTF-8 YAML or JSON']);
    expect(await code('missing.yaml')).toEqual(['file.unreadable', 'file cannot be read (ENOENT)']);
  });
});
