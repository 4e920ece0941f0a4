// What a failure storm keeps of EM's reason for each job: its first line, cut short.

import { describe, expect, it } from 'vitest';
import { MAX_STORM_REASON_CHARS, reasonFirstLine, stormReason } from '../../src/notify/failure-storm.js';

describe('reasonFirstLine', () => {
  it('keeps the first non-empty line of EM’s message, cut short', () => {
    expect(reasonFirstLine('\n  Repository offline  \nat Veeam.Stack')).toBe('Repository offline');
    expect(reasonFirstLine(undefined)).toBe('EM gave no failure message.');
    const long = reasonFirstLine('x'.repeat(500));
    expect(long).toHaveLength(MAX_STORM_REASON_CHARS);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('stormReason', () => {
  const record = {
    id: 's',
    jobId: 'j',
    jobName: 'Job',
    jobType: 'Backup',
    result: 'Failed',
    creationTime: '2026-01-01T00:00:00Z',
  };

  it("groups by EM's message when there is one, else by the first failed object's reason", () => {
    expect(stormReason({ ...record, failureMessage: 'Disk full\nstack' })).toBe('Disk full');
    const objects = [
      { objectName: 'vm-1', result: 'Failed' },
      { objectName: 'vm-2', result: 'Failed', reason: 'Repository offline\nat Veeam.Stack' },
    ];
    expect(stormReason({ ...record, taskReasons: { read: true, objects, total: 2 } })).toBe(
      'Repository offline',
    );
    expect(stormReason({ ...record, taskReasons: { read: false } })).toBe(
      'The reason could not be read from EM.',
    );
    expect(stormReason(record)).toBe('EM gave no failure message.');
  });
});
