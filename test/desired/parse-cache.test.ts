import { mkdtemp, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProfiles } from '../../src/desired/load-profiles.js';
import { statFile, RACY_WINDOW_MS } from '../../src/desired/file-identity.js';
import { clonePlain, ProfileParseCache, type LoadedFile } from '../../src/desired/parse-cache.js';
import type { ConnectorProfileDocument } from '../../src/model/types.js';
import { profileYaml } from '../../bench/fixtures.js';

// The benchmark fleet's Datadog profile text: the cache is what the daemon's passes over that fleet use.
const profile = (name: string, url: string): string => profileYaml(name, url);

/** What loading one valid single-profile file gives (the cache's unit of storage). */
function loadedFile(file: string, name: string): LoadedFile {
  const at = { file, line: 1, column: 1 };
  const document = { connectorProfileName: name, connectorType: 'Datadog', connectionMode: 'Public' } as unknown as ConnectorProfileDocument;
  return { diagnostics: [], omittedDiagnostics: 0, documents: [{ start: at, nameAt: at, verdict: { name, diagnostics: [], document }, credentialRefs: [] }] };
}

describe('ProfileParseCache', () => {
  it('returns a parse only for the identical text, path and format', () => {
    const cache = new ProfileParseCache();
    const text = profile('a', 'https://one.example.com');
    cache.set('k', text, 'yaml', loadedFile('a.yaml', 'a'));
    expect(cache.get('k', text, 'yaml')?.documents[0]?.verdict.document).toMatchObject({ connectorProfileName: 'a' });
    expect(cache.get('k', `${text}# edited\n`, 'yaml')).toBeUndefined();
    expect(cache.get('k', text, 'json')).toBeUndefined();
    expect(cache.get('k', text, 'yaml', 'plaintext')).toBeUndefined();
    expect(cache.get('other', text, 'yaml')).toBeUndefined();
  });

  it('hands out the same frozen value for a clean file: a caller cannot change it for the next pass', () => {
    const cache = new ProfileParseCache();
    const text = profile('a', 'https://one.example.com');
    const stored = loadedFile('a.yaml', 'a');
    const kept = cache.set('k', text, 'yaml', stored);
    // What set keeps is a copy: changing the caller's own afterwards changes nothing cached.
    (stored.documents[0]!.verdict.document as { connectorProfileName: string }).connectorProfileName = 'changed after set';
    const first = cache.get('k', text, 'yaml')!;
    expect(first).toBe(kept);
    expect(first.documents[0]!.verdict.document?.connectorProfileName).toBe('a');
    // Any change to what was handed out throws (ES modules are strict), at every depth.
    expect(() => {
      (first.documents[0]!.verdict.document as { connectorProfileName: string }).connectorProfileName = 'mutated';
    }).toThrow(TypeError);
    expect(() => {
      delete first.documents[0]!.verdict.document;
    }).toThrow(TypeError);
    expect(() => first.documents[0]!.verdict.diagnostics.push({} as never)).toThrow(TypeError);
    expect(() => first.documents.pop()).toThrow(TypeError);
    const second = cache.get('k', text, 'yaml')!;
    expect(second).toBe(first);
    expect(second.documents[0]!.verdict.document?.connectorProfileName).toBe('a');
  });

  it('hands out a fresh copy each time for a file with diagnostics', () => {
    const cache = new ProfileParseCache();
    const text = profile('a', 'https://one.example.com');
    const stored = loadedFile('a.yaml', 'a');
    stored.documents[0]!.verdict.diagnostics.push({ ...stored.documents[0]!.start, severity: 'warning', code: 'x', message: 'a warning' } as never);
    cache.set('k', text, 'yaml', stored);
    const first = cache.get('k', text, 'yaml')!.documents[0]!.verdict;
    first.diagnostics.push({ ...stored.documents[0]!.start, severity: 'error', code: 'y', message: 'changed by a caller' } as never);
    delete first.document;
    const second = cache.get('k', text, 'yaml')!.documents[0]!.verdict;
    expect(second.diagnostics.map((d) => d.code)).toEqual(['x']);
    expect(second.document?.connectorProfileName).toBe('a');
    expect(second).not.toBe(first);
  });

  it('sweep forgets the files not looked up since the previous sweep', () => {
    const cache = new ProfileParseCache();
    const text = profile('a', 'https://one.example.com');
    cache.set('kept', text, 'yaml', loadedFile('a.yaml', 'a'));
    cache.set('gone', text, 'yaml', loadedFile('b.yaml', 'a'));
    cache.sweep();
    expect(cache.size).toBe(2);
    cache.get('kept', text, 'yaml');
    cache.sweep();
    expect(cache.size).toBe(1);
    expect(cache.get('gone', text, 'yaml')).toBeUndefined();
  });

  it('sweep counts a file looked up, found changed and stored again once (the others still go)', () => {
    const cache = new ProfileParseCache();
    const text = profile('a', 'https://one.example.com');
    for (const key of ['a', 'b', 'c']) cache.set(key, text, 'yaml', loadedFile(`${key}.yaml`, key));
    cache.sweep();
    // `a` edited (a miss, then stored), `b` unchanged, `c` deleted: only `c` goes.
    const edited = `${text}# edited\n`;
    expect(cache.get('a', edited, 'yaml')).toBeUndefined();
    cache.set('a', edited, 'yaml', loadedFile('a.yaml', 'a'));
    cache.get('b', text, 'yaml');
    cache.sweep();
    expect(cache.size).toBe(2);
    expect(cache.get('c', text, 'yaml')).toBeUndefined();
    expect(cache.get('a', edited, 'yaml')).toBeDefined();
    // A pass that sees every file keeps them all.
    cache.get('b', text, 'yaml');
    cache.sweep();
    expect(cache.size).toBe(2);
  });
});

describe('clonePlain', () => {
  it('copies plain data deeply: nothing of the copy is shared with the original', () => {
    const shared = { apiKey: '{{resolve:secretsmanager:s:SecretString:k}}' };
    const original = { a: [1, 'two', null, { b: shared }], c: shared, d: undefined, e: true };
    const copy = clonePlain(original);
    expect(copy).toEqual(original);
    expect(Object.keys(copy)).toEqual(Object.keys(original));
    expect(copy.c).not.toBe(shared);
    expect((copy.a[3] as { b: unknown }).b).not.toBe(shared);
    expect(copy.a).not.toBe(original.a);
  });

  it('leaves what is not plain data to structuredClone (an own __proto__ key keeps being a key)', () => {
    const withProto = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as Record<string, unknown>;
    const copy = clonePlain(withProto);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect((copy as { polluted?: unknown }).polluted).toBeUndefined();
    const dated = { at: new Date(0) };
    expect(clonePlain(dated).at).toEqual(new Date(0));
    expect(clonePlain(dated).at).not.toBe(dated.at);
  });
});

describe('loadProfiles with a parse cache', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parse-cache-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the same result as without a cache, and sees every edit', async () => {
    const cache = new ProfileParseCache();
    await writeFile(join(dir, 'a.yaml'), profile('a', 'https://one.example.com'));
    await writeFile(join(dir, 'b.yaml'), profile('b', 'https://two.example.com'));
    const uncached = await loadProfiles(dir);
    const first = await loadProfiles(dir, { parseCache: cache });
    const second = await loadProfiles(dir, { parseCache: cache });
    expect(first).toEqual(uncached);
    expect(second).toEqual(uncached);
    expect(cache.size).toBe(2);

    // An edit (same length, so only the content differs) is parsed again.
    await writeFile(join(dir, 'a.yaml'), profile('a', 'https://six.example.com'));
    const edited = await loadProfiles(dir, { parseCache: cache });
    const a = edited.profiles.find((p) => p.name === 'a')!;
    expect(a.document.connectorProfileConfig.connectorProfileProperties).toEqual({ Datadog: { instanceUrl: 'https://six.example.com' } });

    // A broken edit is reported with its position, as without a cache.
    await writeFile(join(dir, 'b.yaml'), 'connectorProfileName: [unclosed\n');
    const broken = await loadProfiles(dir, { parseCache: cache });
    expect(broken.failedFiles).toEqual(['b.yaml']);
    expect(broken).toEqual(await loadProfiles(dir));
  });

  it('is actually used: an unchanged file is served from the cache, an edited one parsed again', async () => {
    // Counts what loadProfiles asks of the cache: a hit is a parse saved.
    class CountingCache extends ProfileParseCache {
      hits = 0;
      stores = 0;
      override get(...args: Parameters<ProfileParseCache['get']>) {
        const found = super.get(...args);
        if (found) this.hits += 1;
        return found;
      }
      override set(...args: Parameters<ProfileParseCache['set']>) {
        this.stores += 1;
        return super.set(...args);
      }
    }
    const cache = new CountingCache();
    await writeFile(join(dir, 'a.yaml'), profile('a', 'https://one.example.com'));
    await writeFile(join(dir, 'b.yaml'), profile('b', 'https://two.example.com'));
    await loadProfiles(dir, { parseCache: cache });
    expect([cache.hits, cache.stores]).toEqual([0, 2]);
    await loadProfiles(dir, { parseCache: cache });
    expect([cache.hits, cache.stores]).toEqual([2, 2]);
    await writeFile(join(dir, 'a.yaml'), profile('a', 'https://six.example.com'));
    await loadProfiles(dir, { parseCache: cache });
    expect([cache.hits, cache.stores]).toEqual([3, 3]);
  });

  it('a document handed out by one pass cannot be changed, and the next pass gets the same one', async () => {
    const cache = new ProfileParseCache();
    await writeFile(join(dir, 'a.yaml'), profile('a', 'https://one.example.com'));
    const first = await loadProfiles(dir, { parseCache: cache });
    expect(() => {
      (first.profiles[0]!.document as { connectionMode: string }).connectionMode = 'Private';
    }).toThrow(TypeError);
    expect(() => {
      (first.profiles[0]!.document.connectorProfileConfig.connectorProfileProperties as { Datadog: { instanceUrl: string } }).Datadog.instanceUrl = 'x';
    }).toThrow(TypeError);
    const second = await loadProfiles(dir, { parseCache: cache });
    expect(second.profiles[0]!.document.connectionMode).toBe('Public');
    expect(second.profiles[0]!.document).toBe(first.profiles[0]!.document);
    expect(second.profiles[0]!.credentialRefs).toBe(first.profiles[0]!.credentialRefs);
    // Without a cache (one-shot commands) nothing is frozen.
    const uncached = await loadProfiles(dir);
    expect(Object.isFrozen(uncached.profiles[0]!.document)).toBe(false);
  });

  it('a duplicate name in one pass does not stick to the cached file once the other copy is gone', async () => {
    const cache = new ProfileParseCache();
    await writeFile(join(dir, 'a.yaml'), profile('same', 'https://one.example.com'));
    await writeFile(join(dir, 'b.yaml'), profile('same', 'https://two.example.com'));
    const clash = await loadProfiles(dir, { parseCache: cache });
    expect(clash.profiles).toEqual([]);
    expect(clash.diagnostics.map((d) => d.code)).toEqual(['profile.duplicate-name', 'profile.duplicate-name']);
    await rm(join(dir, 'b.yaml'));
    const after = await loadProfiles(dir, { parseCache: cache });
    expect(after).toEqual(await loadProfiles(dir));
    expect(after.profiles.map((p) => p.name)).toEqual(['same']);
    expect(after.diagnostics).toEqual([]);
  });

  it('drops deleted files from the cache', async () => {
    const cache = new ProfileParseCache();
    await writeFile(join(dir, 'a.yaml'), profile('a', 'https://one.example.com'));
    await writeFile(join(dir, 'b.yaml'), profile('b', 'https://two.example.com'));
    await loadProfiles(dir, { parseCache: cache });
    await rm(join(dir, 'b.yaml'));
    const after = await loadProfiles(dir, { parseCache: cache });
    expect(after.profiles.map((p) => p.name)).toEqual(['a']);
    expect(cache.size).toBe(1);
  });

  /** Counts the files a pass took on one stat alone (not read) and the ones it read. */
  class StatCountingCache extends ProfileParseCache {
    unread = 0;
    read = 0;
    override unchanged(...args: Parameters<ProfileParseCache['unchanged']>) {
      const found = super.unchanged(...args);
      if (found) this.unread += 1;
      return found;
    }
    override get(...args: Parameters<ProfileParseCache['get']>) {
      this.read += 1;
      return super.get(...args);
    }
  }
  /** A clock this far ahead makes every file in the test look settled (written long before the stat). */
  const later = () => Date.now() + 10 * RACY_WINDOW_MS;

  it('does not read a settled file whose stat is unchanged, and reads it again after any write', async () => {
    const cache = new StatCountingCache({ now: later });
    const file = join(dir, 'a.yaml');
    await writeFile(file, profile('a', 'https://one.example.com'));
    await writeFile(join(dir, 'b.yaml'), profile('b', 'https://two.example.com'));
    const first = await loadProfiles(dir, { parseCache: cache });
    expect([cache.unread, cache.read]).toEqual([0, 2]);
    const second = await loadProfiles(dir, { parseCache: cache });
    expect([cache.unread, cache.read]).toEqual([2, 2]);
    expect(second).toEqual(first);
    expect(second.profiles[0]!.document).toBe(first.profiles[0]!.document);
    expect(second.filesRead).toBe(2);

    // Same length, and the modification time put back to what it was: the change time still moved.
    const before = await stat(file);
    await writeFile(file, profile('a', 'https://six.example.com'));
    await utimes(file, before.atime, before.mtime);
    const edited = await loadProfiles(dir, { parseCache: cache });
    expect([cache.unread, cache.read]).toEqual([3, 3]);
    expect(edited.profiles.find((p) => p.name === 'a')!.document.connectorProfileConfig.connectorProfileProperties).toEqual({ Datadog: { instanceUrl: 'https://six.example.com' } });
    expect(edited).toEqual(await loadProfiles(dir));
  });

  it('reads again a file replaced by rename (a new inode), even with the same size and times', async () => {
    const cache = new StatCountingCache({ now: later });
    const file = join(dir, 'a.yaml');
    await writeFile(file, profile('a', 'https://one.example.com'));
    await loadProfiles(dir, { parseCache: cache });
    const before = await stat(file);
    // An editor's save, or git-sync's checkout: a new file renamed over the old one.
    await writeFile(join(dir, 'a.yaml.tmp'), profile('a', 'https://six.example.com'));
    await utimes(join(dir, 'a.yaml.tmp'), before.atime, before.mtime);
    await rename(join(dir, 'a.yaml.tmp'), file);
    const after = await loadProfiles(dir, { parseCache: cache });
    expect(cache.unread).toBe(0);
    expect(after.profiles[0]!.document.connectorProfileConfig.connectorProfileProperties).toEqual({ Datadog: { instanceUrl: 'https://six.example.com' } });
  });

  it('reads a file every pass while it was written within the racy window before its stat', async () => {
    // The real clock: the files were written just now, so a same-granule write could follow unseen.
    const cache = new StatCountingCache();
    await writeFile(join(dir, 'a.yaml'), profile('a', 'https://one.example.com'));
    await loadProfiles(dir, { parseCache: cache });
    await loadProfiles(dir, { parseCache: cache });
    expect([cache.unread, cache.read]).toEqual([0, 2]);
  });

  it('unchanged() answers only for the identity stat\'ed before the last read, same format and options', async () => {
    const file = join(dir, 'a.yaml');
    const text = profile('a', 'https://one.example.com');
    await writeFile(file, text);
    const cache = new ProfileParseCache({ now: later });
    const stat1 = statFile(file, cache.now())!;
    const kept = cache.set('k', text, 'yaml', loadedFile('a.yaml', 'a'), '', stat1);
    expect(cache.unchanged('k', statFile(file, cache.now())!, 'yaml')).toBe(kept);
    expect(cache.unchanged('k', stat1, 'json')).toBeUndefined();
    expect(cache.unchanged('k', stat1, 'yaml', 'plaintext')).toBeUndefined();
    expect(cache.unchanged('other', stat1, 'yaml')).toBeUndefined();
    expect(cache.unchanged('k', { ...stat1, identity: { ...stat1.identity, size: stat1.identity.size + 1 } }, 'yaml')).toBeUndefined();
    // A stat taken too soon after the last write is never kept: the file must be read.
    const unsettled = statFile(file, Date.now())!;
    cache.set('k', text, 'yaml', loadedFile('a.yaml', 'a'), '', unsettled);
    expect(cache.unchanged('k', unsettled, 'yaml')).toBeUndefined();
    expect(statFile(join(dir, 'missing.yaml'), Date.now())).toBeUndefined();
  });
});
