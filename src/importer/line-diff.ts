// A small unified-style line diff, so `import --force` can show what re-importing changed in a
// file. Profile files are a few dozen lines, so the plain O(n·m) LCS table is cheap and keeps this
// dependency-free. Pure.

export interface LineDiffOptions {
  /** Unchanged lines shown around each change (default 3). */
  context?: number;
  oldLabel?: string;
  newLabel?: string;
}

/** Empty string when the texts are equal; otherwise `--- old` / `+++ new` headers and `@@` hunks. */
export function unifiedLineDiff(oldText: string, newText: string, options: LineDiffOptions = {}): string {
  if (oldText === newText) return '';
  const a = splitLines(oldText);
  const b = splitLines(newText);
  const ops = diffOps(a, b);
  const context = options.context ?? 3;
  const out = [`--- ${options.oldLabel ?? 'old'}`, `+++ ${options.newLabel ?? 'new'}`];
  // Group operations into hunks: changes plus `context` equal lines on each side.
  let i = 0;
  while (i < ops.length) {
    if (ops[i]!.kind === 'equal') {
      i++;
      continue;
    }
    let start = i;
    while (start > 0 && i - start < context && ops[start - 1]!.kind === 'equal') start--;
    let end = i;
    let trailingEqual = 0;
    while (end < ops.length) {
      if (ops[end]!.kind === 'equal') {
        trailingEqual++;
        if (trailingEqual > context * 2) break;
      } else {
        trailingEqual = 0;
      }
      end++;
    }
    // Trim the trailing equal run down to `context` lines.
    end -= Math.max(0, trailingEqual - context);
    const hunk = ops.slice(start, end);
    const first = hunk[0]!;
    const oldCount = hunk.filter((op) => op.kind !== 'insert').length;
    const newCount = hunk.filter((op) => op.kind !== 'delete').length;
    out.push(`@@ -${first.oldLine + (oldCount === 0 ? 0 : 1)},${oldCount} +${first.newLine + (newCount === 0 ? 0 : 1)},${newCount} @@`);
    for (const op of hunk) out.push(`${op.kind === 'equal' ? ' ' : op.kind === 'delete' ? '-' : '+'}${op.text}`);
    i = end;
  }
  return `${out.join('\n')}\n`;
}

interface DiffOp {
  kind: 'equal' | 'delete' | 'insert';
  text: string;
  /** 0-based index in the old/new text where this op sits. */
  oldLine: number;
  newLine: number;
}

function diffOps(a: string[], b: string[]): DiffOp[] {
  // lcs[i][j] = length of the LCS of a[i..] and b[j..]
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: DiffOp[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: 'equal', text: a[i]!, oldLine: i, newLine: j });
      i++;
      j++;
    } else if (i < a.length && (j >= b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      // Deletions first, so a changed line reads `-old` then `+new`.
      ops.push({ kind: 'delete', text: a[i]!, oldLine: i, newLine: j });
      i++;
    } else {
      ops.push({ kind: 'insert', text: b[j]!, oldLine: i, newLine: j });
      j++;
    }
  }
  return ops;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
