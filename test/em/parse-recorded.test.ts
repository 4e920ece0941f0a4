// The parser on real EM answers recorded by other projects, read as they were recorded (test/fixtures/em-recorded).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJobSession, parseJobs, parseRefQueryPage, parseSessionQueryPage } from '../../src/em/parse.js';

const recorded = (name: string) =>
  readFileSync(new URL(`../fixtures/em-recorded/${name}.json.body`, import.meta.url), 'utf8');

describe('centreon-query-backupjobsession (EM 2025, Apache-2.0)', () => {
  const body = recorded('centreon-query-backupjobsession');

  it('picks the one Entities key that holds items among its 50 null siblings', () => {
    const page = parseSessionQueryPage(body, 'json', 'backup');
    expect(page.wrapper).toBe('BackupJobSessions');
    expect(page.items.map((s) => s.name)).toEqual([
      'PROD Job 1@2025-02-19 03:51:03',
      'client - Backup - VM IaaS@2025-02-18 17:00:13',
    ]);
  });

  it('reads PagingInfo: 100 a page to a request that sent no pageSize', () => {
    const { paging } = parseSessionQueryPage(body, 'json', 'backup');
    expect(paging).toMatchObject({ pageNum: 1, pageSize: 100, pagesCount: 1 });
    expect(paging?.links.map((l) => l.rel)).toEqual(['First', 'Last']);
    expect(paging?.links[0]?.href).toContain('pageSize=100&page=1');
  });

  it('keeps a Failed session whose FailureMessage is null as Failed with no message', () => {
    const [failed] = parseSessionQueryPage(body, 'json', 'backup').items;
    expect(failed).toMatchObject({
      kind: 'backup',
      id: '486430ea-e837-4cef-b971-19c2ece05036',
      jobId: 'b88f9d2f-170b-4e33-9ec2-087e469a1a16',
      jobType: 'Backup',
      state: 'Stopped',
      result: 'Failed',
      isRetry: true,
      progress: 100,
      creationTime: '2025-02-19T03:51:03.037Z',
    });
    expect(failed?.failureMessage).toBeUndefined();
    expect(failed?.links.find((l) => l.rel === 'Stop')?.href).toBe(
      'https://1.2.3.8:9398/api/backupSessions/486430ea-e837-4cef-b971-19c2ece05036?action=stop',
    );
  });
});

describe('surfer190-query-*-sessions (EM 9.5, GPL-3.0 test data)', () => {
  it('reads a session with no FailureMessage key and links without Name or Type', () => {
    const page = parseSessionQueryPage(recorded('surfer190-query-failed-sessions'), 'json', 'backup');
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ result: 'Failed', jobName: 'Vrfpoller Servers ECS_Ter' });
    expect(page.items[0]?.failureMessage).toBeUndefined();
    expect(page.paging).toMatchObject({ pageNum: 1, pageSize: 100, pagesCount: 1 });
    expect(page.paging?.links[0]).toEqual({
      rel: 'First',
      href: expect.stringContaining('pageSize=100&page=1'),
    });
  });

  it('reads an empty page as no items, not as an error', () => {
    const page = parseSessionQueryPage(recorded('surfer190-query-empty-sessions'), 'json', 'backup');
    expect(page.items).toEqual([]);
    expect(page.paging?.pagesCount).toBe(1);
  });
});

describe('benyoung-* (EM v10 NAS, blog post)', () => {
  it('reads a file share job: no JobType, kind from the NasJob type, v10 path-style action links', () => {
    const [job] = parseJobs(recorded('benyoung-nas-jobs-entity'), 'json');
    expect(job).toMatchObject({
      kind: 'file-share',
      id: '70073b98-098b-4046-a097-43cbda67d58a',
      name: 'Archived Projects',
      jobType: '',
      scheduleEnabled: true,
      nextRun: '2020-02-05T09:00:00Z',
      retention: { retainLimitType: 'Day', retainDaysToKeep: 7, gfsEnabled: false },
      backupServer: { id: '7905ba33-78a5-4a34-9b3c-16bf216fdd68', name: 'appserver' },
    });
    expect(job?.schedule.summary).toBe('Daily (Everyday) at 2020-02-04T22:00:00+13:00');
    // Veeam retries a failed scheduled run by itself; this JSON names the flag RetrySpecified1.
    expect(job?.schedule.retry).toEqual({ times: 3, timeoutMinutes: 10, specified: true });
    expect(job?.includes).toEqual([
      {
        id: 'bdddfd2f-ca6f-49d9-94b6-920801260a83',
        name: '\\\\appserver\\Work\\Development Transfer',
        displayName: '\\\\appserver\\Work\\Development Transfer',
        href: 'https://localhost:9398/api/nas/jobs/70073b98-098b-4046-a097-43cbda67d58a/includes/bdddfd2f-ca6f-49d9-94b6-920801260a83',
      },
    ]);
    expect(job?.links.filter((l) => ['Start', 'Stop', 'Retry'].includes(l.rel)).map((l) => l.href)).toEqual([
      'https://localhost:9398/api/nas/jobs/70073b98-098b-4046-a097-43cbda67d58a/start',
      'https://localhost:9398/api/nas/jobs/70073b98-098b-4046-a097-43cbda67d58a/stop',
      'https://localhost:9398/api/nas/jobs/70073b98-098b-4046-a097-43cbda67d58a/retry',
    ]);
  });

  it('reads a References answer through the Refs.Refs double nesting', () => {
    const page = parseRefQueryPage(recorded('benyoung-query-refs-nasbackup'), 'json');
    expect(page.items.map((r) => [r.id, r.type])).toEqual([
      ['821cc74e-9447-40b6-a2df-90aa47101233', 'BackupJobSessionReference'],
      ['421c48b7-8ed4-49eb-8b0f-cacebac5fecb', 'BackupJobSessionReference'],
    ]);
    expect(page.paging).toMatchObject({ pageNum: 1, pageSize: 15, pagesCount: 1 });
  });

  it('refuses a References answer where entities were asked for, rather than reading "nothing found"', () => {
    expect(() => parseSessionQueryPage(recorded('benyoung-query-refs-nasbackup'), 'json', 'backup')).toThrow(
      /got references, expected entities/,
    );
  });

  it('reads a NasBackup session entity as a backup-kind session', () => {
    const session = parseJobSession(recorded('benyoung-backupsession-nasbackup'), 'json');
    expect(session).toMatchObject({ kind: 'backup', jobType: 'NasBackup', result: 'Success', progress: 100 });
  });
});
