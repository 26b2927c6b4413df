// A CEL error as one line. Apart from compile-policies.ts so that evaluating policies (which the
// executor imports on every run) does not load cel-js itself: a run without policies never does.
/** One line: the library's summary and where in the expression (its messages add a multi-line excerpt). */
export function celProblem(err: unknown, expression: string): string {
  const error = err as { summary?: string; message?: string; range?: { start: number } } | undefined;
  const summary = error?.summary ?? firstLine(error?.message ?? String(err));
  const at = error?.range && error.range.start > 0 && error.range.start <= expression.length ? ` (at character ${error.range.start + 1} of the expression)` : '';
  return `${summary}${at}`;
}

function firstLine(text: string): string {
  const newline = text.indexOf('\n');
  return newline < 0 ? text : text.slice(0, newline);
}
