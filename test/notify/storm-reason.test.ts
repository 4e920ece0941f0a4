// What a failure storm keeps of EM's reason for each job: its first line, cut short.

import { describe, expect, it } from 'vitest';
import { MAX_STORM_REASON_CHARS, reasonFirstLine } from '../../src/notify/failure-storm.js';

describe('reasonFirstLine', () => {
  it('keeps the first non-empty line of EM’s message, cut short', () => {
    expect(reasonFirstLine('\n  Repository offline  \nat Veeam.Stack')).toBe('Repository offline');
    expect(reasonFirstLine(undefined)).toBe('EM gave no failure message.');
    const long = reasonFirstLine('x'.repeat(500));
    expect(long).toHaveLength(MAX_STORM_REASON_CHARS);
    expect(long.endsWith('…')).toBe(true);
  });
});
