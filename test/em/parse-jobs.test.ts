// Every job kind, task sessions and query pages in both formats (shapes from em-api.md §4, §5, §8).

import { describe, expect, it } from 'vitest';
import { parseJob, parseJobQueryPage, parseTaskSessions } from '../../src/em/parse.js';

const G = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const NS = 'xmlns="http://www.veeam.com/ent/v1.0"';

function xmlJob(n: number, jobType: string, extra = ''): string {
  const href = `https://em.example:9398/api/jobs/${G(n)}`;
  return `<Job Href="${href}?format=Entity" Type="Job" Name="Job ${n}" UID="urn:veeam:Job:${G(n)}"><Links><Link Rel="Start" Href="${href}?action=start" /></Links><JobType>${jobType}</JobType><Platform>VMware</Platform><Description /><ScheduleConfigured>true</ScheduleConfigured><ScheduleEnabled>false</ScheduleEnabled>${extra}</Job>`;
}

function xmlPage(jobs: string[], pageNum = 1, pagesCount = 1): string {
  return `<?xml version="1.0" encoding="utf-8"?><QueryResult ${NS}><Entities><Jobs>${jobs.join('')}</Jobs></Entities><PagingInfo PageNum="${pageNum}" PageSize="100" PagesCount="${pagesCount}"><Links><Link Rel="First" Href="https://em.example:9398/api/query?type=Job&amp;pageSize=100&amp;page=1" /></Links></PagingInfo></QueryResult>`;
}

describe('job kinds', () => {
  it('maps every JobType EM documents to a kind, and keeps an unknown one as "other"', () => {
    const page = parseJobQueryPage(
      xmlPage([
        xmlJob(1, 'Backup', '<NextRun>2025-08-15T22:00:00Z</NextRun>'),
        xmlJob(2, 'Replica'),
        xmlJob(3, 'BackupCopy'),
        xmlJob(4, 'ImmediateBackupCopy'),
        xmlJob(5, 'SureBackup'),
      ]),
      'xml',
    );
    expect(page.items.map((j) => [j.name, j.kind, j.copyMode])).toEqual([
      ['Job 1', 'vm-backup', undefined],
      ['Job 2', 'replica', undefined],
      ['Job 3', 'backup-copy', 'periodic'],
      ['Job 4', 'backup-copy', 'immediate'],
      ['Job 5', 'other', undefined],
    ]);
    expect(page.items[0]).toMatchObject({
      id: G(1),
      platform: 'VMware',
      scheduleConfigured: true,
      scheduleEnabled: false,
      nextRun: '2025-08-15T22:00:00Z',
      retention: undefined,
    });
    expect(page.items[4]?.jobType).toBe('SureBackup');
    expect(page.paging).toMatchObject({ pageNum: 1, pageSize: 100, pagesCount: 1 });
    // &amp; in XML links is unescaped (em-api.md §1).
    expect(page.paging?.links[0]?.href).toBe(
      'https://em.example:9398/api/query?type=Job&pageSize=100&page=1',
    );
  });

  it('reads a page holding a single job, and a job entity on its own', () => {
    expect(parseJobQueryPage(xmlPage([xmlJob(7, 'Backup')]), 'xml').items).toHaveLength(1);
    const job = parseJob(xmlJob(8, 'Replica').replace('<Job ', `<Job ${NS} `), 'xml');
    expect(job).toMatchObject({ kind: 'replica', id: G(8), name: 'Job 8' });
    expect(job.links).toEqual([
      { rel: 'Start', href: `https://em.example:9398/api/jobs/${G(8)}?action=start` },
    ]);
  });

  it('reads VM job includes under JobInfo.BackupJobInfo', () => {
    const raw = {
      UID: `urn:veeam:Job:${G(9)}`,
      Name: 'VMs',
      JobType: 'Backup',
      JobInfo: {
        BackupJobInfo: {
          Includes: {
            ObjectInJobs: [{ ObjectInJobId: 'ABC', Name: 'vm-01', DisplayName: 'vm-01 (prod)' }],
          },
        },
      },
    };
    expect(parseJob(JSON.stringify(raw), 'json').includes).toEqual([
      { id: 'abc', name: 'vm-01', displayName: 'vm-01 (prod)', href: undefined },
    ]);
  });

  it('reads an empty JSON page and an agent job page in the same Entities shape', () => {
    const nulls = { Jobs: null, NASJobs: null, BackupJobSessions: null };
    const empty = {
      Refs: null,
      Entities: { ...nulls, AgentBackupJob: { AgentBackupJobs: [] } },
      PagingInfo: null,
    };
    expect(parseJobQueryPage(JSON.stringify(empty), 'json').items).toEqual([]);
    const agent = {
      Entities: {
        ...nulls,
        AgentBackupJob: {
          AgentBackupJobs: [
            {
              UID: `urn:veeam:AgentBackupJob:${G(3)}`,
              Name: 'Laptops',
              Platform: 'AgentForWindows',
              JobType: 'AgentBackup',
            },
          ],
        },
      },
    };
    expect(parseJobQueryPage(JSON.stringify(agent), 'json').items[0]).toMatchObject({
      kind: 'agent',
      platform: 'AgentForWindows',
    });
  });
});

describe('task sessions', () => {
  it('reads BackupTaskSessions with the Reason a Failed session has no FailureMessage for', () => {
    const body = {
      BackupTaskSessions: [
        {
          JobSessionUid: `urn:veeam:BackupJobSession:${G(1)}`,
          CreationTimeUTC: '2025-02-19T03:51:10Z',
          EndTimeUTC: '2025-02-19T03:54:50Z',
          State: 'Completed',
          Result: 'Failed',
          Reason: 'Error: Failed to open VDDK disk [vm-01.vmdk]',
          TotalSize: 64424509440,
          Name: 'vm-01@2025-02-19 03:51:10',
          UID: `urn:veeam:BackupTaskSession:${G(2)}`,
          VmDisplayName: 'vm-01',
          Links: null,
          Href: `https://em:9398/api/backupTaskSessions/${G(2)}?format=Entity`,
          Type: 'BackupTaskSession',
        },
      ],
    };
    expect(parseTaskSessions(JSON.stringify(body), 'json')).toEqual([
      {
        kind: 'backup',
        id: G(2),
        uid: `urn:veeam:BackupTaskSession:${G(2)}`,
        name: 'vm-01@2025-02-19 03:51:10',
        objectName: 'vm-01',
        href: `https://em:9398/api/backupTaskSessions/${G(2)}?format=Entity`,
        jobSessionUid: `urn:veeam:BackupJobSession:${G(1)}`,
        state: 'Completed',
        result: 'Failed',
        reason: 'Error: Failed to open VDDK disk [vm-01.vmdk]',
        creationTime: '2025-02-19T03:51:10Z',
        endTime: '2025-02-19T03:54:50Z',
        totalSize: 64424509440,
        links: [],
      },
    ]);
  });

  it('reads ReplicaTaskSessions in XML; an empty <Reason /> is no reason', () => {
    const xml = `<ReplicaTaskSessions ${NS}><ReplicaTaskSession Href="https://em:9398/api/replicaTaskSessions/${G(5)}?format=Entity" Type="ReplicaTaskSession" Name="ubuntu88@2025-11-03 21:00:26" UID="urn:veeam:ReplicaTaskSession:${G(5)}" VmDisplayName="ubuntu88"><Links><Link Href="https://em:9398/api/replicaSessions/${G(4)}" Type="ReplicaJobSessionReference" Rel="Up" /></Links><JobSessionUid>urn:veeam:ReplicaJobSession:${G(4)}</JobSessionUid><CreationTimeUTC>2025-11-03T21:00:26.19Z</CreationTimeUTC><EndTimeUTC>2025-11-03T21:03:16.73Z</EndTimeUTC><State>Completed</State><Result>Success</Result><Reason /><TotalSize>17179869184</TotalSize></ReplicaTaskSession></ReplicaTaskSessions>`;
    const [task] = parseTaskSessions(xml, 'xml');
    expect(task).toMatchObject({
      kind: 'replica',
      objectName: 'ubuntu88',
      result: 'Success',
      totalSize: 17179869184,
    });
    expect(task?.reason).toBeUndefined();
  });
});
