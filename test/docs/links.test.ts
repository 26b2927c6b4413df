// The manual is README.md plus docs/*.md (and a few READMEs next to what they describe). Every
// relative link in them must lead somewhere: to a file or directory in the repository and, for a
// `#anchor` into markdown, to a heading that exists there (GitHub's heading slugs).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

const SKIP_DIRS = new Set(['node_modules', 'dist', '.git']);

function markdownFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP_DIRS.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...markdownFiles(path));
    else if (entry.isFile() && entry.name.endsWith('.md')) found.push(path);
  }
  return found;
}

/** Lines outside fenced code blocks, with inline code spans blanked (links inside code are text). */
function proseLines(text: string): { line: string; number: number }[] {
  const out: { line: string; number: number }[] = [];
  let fence: string | undefined;
  text.split('\n').forEach((line, index) => {
    const marker = /^\s*(```|~~~)/.exec(line)?.[1];
    if (marker !== undefined) {
      if (fence === undefined) fence = marker;
      else if (fence === marker) fence = undefined;
      return;
    }
    if (fence === undefined) out.push({ line: line.replace(/`[^`]*`/g, (code) => ' '.repeat(code.length)), number: index + 1 });
  });
  return out;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens, -1, -2 for repeats. */
function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const marker = /^\s*(```|~~~)/.exec(line)?.[1];
    if (marker !== undefined) {
      if (fence === undefined) fence = marker;
      else if (fence === marker) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const slug = heading
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}_\- ]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

interface Link {
  file: string;
  line: number;
  target: string;
}

function relativeLinks(file: string): Link[] {
  const links: Link[] = [];
  for (const { line, number } of proseLines(readFileSync(file, 'utf8'))) {
    const targets = [
      ...[...line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!),
      ...[...line.matchAll(/^\s*\[[^\]]+\]:\s+(\S+)/g)].map((m) => m[1]!),
    ];
    for (const target of targets) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, ...
      links.push({ file, line: number, target });
    }
  }
  return links;
}

function brokenReason(link: Link): string | undefined {
  const [pathPart = '', anchor] = link.target.split('#', 2);
  const destination = pathPart === '' ? link.file : resolve(dirname(link.file), decodeURIComponent(pathPart));
  if (!destination.startsWith(ROOT)) return 'leads outside the repository';
  if (!existsSync(destination)) return 'no such file';
  if (anchor === undefined || anchor === '') return undefined;
  if (!destination.endsWith('.md') || statSync(destination).isDirectory()) return undefined;
  const anchors = headingAnchors(readFileSync(destination, 'utf8'));
  return anchors.has(decodeURIComponent(anchor).toLowerCase()) ? undefined : `no heading #${anchor}`;
}

const files = markdownFiles(ROOT);

describe('markdown links', () => {
  it('finds the front door and the manual', () => {
    const names = files.map((f) => relative(ROOT, f));
    expect(names).toContain('README.md');
    expect(names).toContain(join('docs', 'daemon.md'));
  });

  it('every relative link and anchor in the repository markdown resolves', () => {
    const links = files.flatMap(relativeLinks);
    expect(links.length).toBeGreaterThan(20);
    const broken = links.flatMap((link) => {
      const reason = brokenReason(link);
      return reason === undefined ? [] : [`${relative(ROOT, link.file)}:${link.line}: ${link.target} (${reason})`];
    });
    expect(broken).toEqual([]);
  });

  it('the slugger follows GitHub: punctuation dropped, repeats numbered', () => {
    const anchors = headingAnchors('# The daemon: `appflow-gitops run`\n## Exit codes\n```\n# not a heading\n```\n### Exit codes\n');
    expect([...anchors]).toEqual(['the-daemon-appflow-gitops-run', 'exit-codes', 'exit-codes-1']);
  });
});

describe('README.md is the front door', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it('stays short: the manual lives in docs/', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(400);
  });

  it('opens with the quick-start commands npm ci, npm start and npm test', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const commands = firstBlock.split('\n').map((l) => l.split('#')[0]!.trim()).filter(Boolean);
    expect(commands).toEqual(['npm ci', 'npm start', 'npm test']);
  });
});
