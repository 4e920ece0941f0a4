// Query-service URLs: quoting, doubled inner quotes, OR groups and percent-encoding (em-api.md §5, fact 9).

import { describe, expect, it } from 'vitest';
import {
  jobQueryPath,
  quoteFilterValue,
  sessionFilter,
  sessionQueryPath,
} from '../../src/em/query-filter.js';

describe('query filters', () => {
  it('quotes a name and doubles the quotes inside it', () => {
    expect(quoteFilterValue('Server Backup')).toBe('"Server Backup"');
    expect(quoteFilterValue('say "hi"')).toBe('"say ""hi"""');
  });

  it('URL-encodes the whole name filter so &, # and ; cannot break out of it', () => {
    const path = jobQueryPath('AgentBackupJob', 'A&B "x";#1');
    expect(path).toBe(
      `/query?type=AgentBackupJob&format=Entities&filter=${encodeURIComponent('Name=="A&B ""x"";#1"')}&sortAsc=UID`,
    );
    expect(new URLSearchParams(path.split('?')[1]).get('filter')).toBe('Name=="A&B ""x"";#1"');
  });

  it('joins conditions with ; and groups OR lists, dates quoted as ISO strings', () => {
    expect(
      sessionFilter({
        endedSince: new Date('2025-08-15T06:00:00Z'),
        results: ['Failed', 'Warning'],
        states: ['Stopped'],
        jobTypes: ['AgentBackup', 'Backup'],
      }),
    ).toBe(
      'EndTime>="2025-08-15T06:00:00.000Z";(Result==Failed,Result==Warning);State==Stopped;(JobType==AgentBackup,JobType==Backup)',
    );
    expect(sessionFilter({ createdSince: new Date(0) })).toBe('CreationTime>="1970-01-01T00:00:00.000Z"');
    expect(sessionFilter({})).toBeUndefined();
    expect(sessionFilter({ results: [] })).toBeUndefined();
  });

  it('asks for BackupJobSession entities sorted by CreationTime', () => {
    expect(sessionQueryPath({})).toBe('/query?type=BackupJobSession&format=Entities&sortAsc=CreationTime');
    const params = new URLSearchParams(sessionQueryPath({ states: ['Working'] }).split('?')[1]);
    expect(params.get('filter')).toBe('State==Working');
    expect(params.get('sortAsc')).toBe('CreationTime');
  });
});
