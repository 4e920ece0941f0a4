import { describe, expect, it } from 'vitest';
import { formatDuration, formatDurationFixed } from '../../src/watch/format-duration.js';

describe('formatDuration', () => {
  it('says "under 1 s" for sub-second and nonsense input', () => {
    expect(formatDuration(0)).toBe('under 1 s');
    expect(formatDuration(999)).toBe('under 1 s');
    expect(formatDuration(-5)).toBe('under 1 s');
    expect(formatDuration(Number.NaN)).toBe('under 1 s');
  });

  it('uses at most two units and drops a zero second unit', () => {
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(72_000)).toBe('1 min 12 s');
    expect(formatDuration(120_000)).toBe('2 min');
    expect(formatDuration(3_600_000 + 5 * 60_000 + 7_000)).toBe('1 h 5 min');
    expect(formatDuration(2 * 86_400_000 + 3 * 3_600_000)).toBe('2 d 3 h');
  });
});

describe('formatDurationFixed', () => {
  it('formats durations for people', () => {
    expect(formatDurationFixed(45_000)).toBe('45 s');
    expect(formatDurationFixed(12 * 60_000 + 3_000)).toBe('12 min 3 s');
    expect(formatDurationFixed(2 * 3_600_000 + 5 * 60_000)).toBe('2 h 05 min');
    expect(formatDurationFixed(3 * 86_400_000 + 4 * 3_600_000)).toBe('3 d 4 h');
  });
});
