import { describe, expect, it } from 'vitest';
import { fullMatchPattern, matchesModelPattern } from '../../src/desired/model-pattern.js';

describe('fullMatchPattern', () => {
  it('keeps patterns the model already anchors', () => {
    expect(fullMatchPattern('^\\S+$')).toBe('^\\S+$');
    expect(fullMatchPattern('^[\\w/!@#+=.-]+$')).toBe('^[\\w/!@#+=.-]+$');
  });

  it('anchors unanchored patterns', () => {
    expect(fullMatchPattern('.*')).toBe('^(?:.*)$');
    expect(matchesModelPattern('.*', 'line1\nline2')).toBe(false);
  });

  it('groups a top-level alternation so both branches must match the whole value', () => {
    const vpce = '^$|com.amazonaws.vpce.[\\w/!:@#.\\-]+$';
    expect(fullMatchPattern(vpce)).toBe(`^(?:${vpce})$`);
    expect(matchesModelPattern(vpce, '')).toBe(true);
    expect(matchesModelPattern(vpce, 'com.amazonaws.vpce.us-east-1.vpce-svc-0123')).toBe(true);
    // A search would accept this (the second branch matches at the end); a full match does not.
    expect(matchesModelPattern(vpce, 'junk com.amazonaws.vpce.x')).toBe(false);
  });

  it('reads ARN prefixes (anchored at the start only) as prefix + rest, so real ARNs pass', () => {
    const iam = '^arn:aws:iam:.*:[0-9]+:';
    expect(fullMatchPattern(iam)).toBe('^arn:aws:iam:.*:[0-9]+:.*$');
    expect(matchesModelPattern(iam, 'arn:aws:iam::123456789012:role/AppFlow')).toBe(true);
    expect(matchesModelPattern(iam, 'arn:aws:s3:::bucket')).toBe(false);
    expect(matchesModelPattern(iam, 'x arn:aws:iam::123456789012:role/AppFlow')).toBe(false);
  });

  it('does not treat an escaped dollar as an anchor', () => {
    expect(fullMatchPattern('^a\\$')).toBe('^a\\$.*$');
  });
});
