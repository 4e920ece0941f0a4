import { describe, expect, it } from 'vitest';
import { formatUtc } from '../../src/slack/format-utc.js';

describe('formatUtc', () => {
  it('formats UTC times for people', () => {
    expect(formatUtc('2026-01-01T10:12:30.456Z')).toBe('2026-01-01 10:12:30 UTC');
    expect(formatUtc(Date.parse('2026-03-04T05:06:07Z'))).toBe('2026-03-04 05:06:07 UTC');
  });

  it('drops the seconds when asked for minutes', () => {
    expect(formatUtc('2026-01-01T10:12:30.456Z', 'minutes')).toBe('2026-01-01 10:12 UTC');
  });

  it('gives back text that is not a time as it was', () => {
    expect(formatUtc('soon')).toBe('soon');
  });
});
