import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/model/types.js';
import { renderApplyText } from '../../src/reconcile/render-apply-text.js';
import type { ProfileOutcome } from '../../src/reconcile/types.js';

const plan = (error = 0): Plan => ({
  target: 't',
  changes: [],
  warnings: [],
  summary: { create: 1, update: 1, replace: 1, delete: 1, noop: 1, error },
});

const outcome = (o: Partial<ProfileOutcome> & Pick<ProfileOutcome, 'name' | 'action' | 'result'>): ProfileOutcome => ({
  attempts: 1,
  durationMs: 12,
  source: { file: `${o.name}.yaml`, line: 3, column: 1 },
  ...o,
});

describe('renderApplyText', () => {
  it('lists each write, failure and blocked delete, and counts a replacement as added and destroyed', () => {
    const text = renderApplyText(
      plan(),
      [
        outcome({ name: 'a', action: 'create', result: 'applied' }),
        outcome({ name: 'b', action: 'update', result: 'applied', attempts: 3 }),
        outcome({ name: 'c', action: 'replace', result: 'applied', attempts: 2 }),
        outcome({ name: 'd', action: 'update', result: 'failed', error: { code: 'ValidationException', message: 'bad value', terminal: true } }),
        outcome({ name: 'e', action: 'noop', result: 'blocked', attempts: 0, error: { code: 'prune.blocked', message: 'prune skipped: x', terminal: false } }),
        outcome({ name: 'f', action: 'noop', result: 'unchanged', attempts: 0 }),
      ],
      { color: false },
    );
    expect(text).toContain('  ✓ a (a.yaml:3): created (12 ms)\n');
    expect(text).toContain('  ✓ b (b.yaml:3): updated (12 ms, 3 attempts)\n');
    expect(text).toContain('  ✗ d (d.yaml:3): update failed: ValidationException: bad value [not retried until the file or secret changes]\n');
    expect(text).toContain('  ! e (e.yaml:3): delete blocked: prune skipped: x\n');
    expect(text).not.toContain(' f ');
    expect(text.trim().split('\n').at(-1)).toBe('Apply finished with errors: 2 added, 1 changed, 1 destroyed, 1 failed.');
  });

  it('says so when nothing was needed, and colours only on request', () => {
    const quiet = renderApplyText(plan(), [outcome({ name: 'f', action: 'noop', result: 'unchanged', attempts: 0 })], { color: false });
    expect(quiet).toBe('Apply complete: no changes were needed.\n');
    const colored = renderApplyText(plan(), [outcome({ name: 'a', action: 'create', result: 'applied' })], { color: true });
    expect(colored).toContain('\u001b[');
    expect(renderApplyText(plan(), [outcome({ name: 'a', action: 'create', result: 'applied' })], { color: false })).not.toContain('\u001b[');
  });
});
