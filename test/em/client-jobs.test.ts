// EmClient's calls for every job kind over real HTTP, against a replaying EM (test/em/replay-em.ts): query paging,
// page retries, PagingInfo that disagrees, action links checked before use, sessions, task sessions, Task cleanup.

import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EmClient } from '../../src/em/client.js';
import { EmError } from '../../src/em/errors.js';
import type { Job } from '../../src/em/types.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { emConfig, rejection } from './em-test-kit.js';
import { entitiesPage, type ReplayEm, recorded, startReplayEm, taskBody } from './replay-em.js';

const G = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const NAS_JOB = '70073b98-098b-4046-a097-43cbda67d58a';

let em: ReplayEm;
let client: EmClient;
let logger: ReturnType<typeof createMemoryLogger>;
const pool = new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 });

function vmJob(n: number, jobType = 'Backup', links: object[] = []): object {
  return {
    UID: `urn:veeam:Job:${G(n)}`,
    Name: `Job ${String(n).padStart(3, '0')}`,
    JobType: jobType,
    Platform: 'VMware',
    ScheduleConfigured: true,
    ScheduleEnabled: true,
    Links: links,
    Href: `https://em.example:9398/api/jobs/${G(n)}?format=Entity`,
    Type: 'Job',
  };
}

/** The NAS job exactly as recorded (benyoung-nas-jobs-entity). */
function recordedNasJob(): object {
  return JSON.parse(recorded('benyoung-nas-jobs-entity')).NASJobs[0];
}

function warnings(): string[] {
  return logger.lines.filter((l) => l.level === 'warn' || l.level === 'error').map((l) => String(l.msg));
}

function posts(): string[] {
  return em.seen.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.raw}`);
}

beforeAll(async () => {
  em = await startReplayEm();
});

beforeEach(() => {
  em.seen.length = 0;
  logger = createMemoryLogger('debug');
  client = new EmClient({ config: emConfig(em.url), logger, dispatcher: pool });
});

afterEach(async () => {
  await client.close();
});

afterAll(async () => {
  await em.close();
  await pool.close();
});

describe('listJobs', () => {
  it('reads every page of every job query type with an explicit pageSize, 250 VM jobs and the NAS job', async () => {
    const vm = Array.from({ length: 250 }, (_, i) => vmJob(i + 1));
    em.handle = ({ path, query }) => {
      if (path !== '/query') return { status: 404 };
      const page = Number(query.get('page'));
      if (query.get('type') === 'Job') {
        return {
          status: 200,
          body: entitiesPage('Jobs', vm.slice((page - 1) * 100, page * 100), {
            pageNum: page,
            pagesCount: 3,
          }),
        };
      }
      if (query.get('type') === 'NasJob') {
        return {
          status: 200,
          body: entitiesPage('NASJobs', [recordedNasJob()], { pageNum: 1, pagesCount: 1 }),
        };
      }
      return { status: 200, body: entitiesPage('AgentBackupJob', [], { pageNum: 1, pagesCount: 1 }) };
    };

    const jobs = await client.listJobs();

    expect(jobs).toHaveLength(251);
    expect(jobs.filter((j) => j.kind === 'vm-backup')).toHaveLength(250);
    expect(jobs.find((j) => j.id === NAS_JOB)?.kind).toBe('file-share');
    // Pages after the first are read a few at a time, so they may arrive in any order: each exactly once.
    const jobPages = em.seen.filter((r) => r.query.get('type') === 'Job');
    const read = jobPages.map((r) => [r.query.get('pageSize'), r.query.get('page')]);
    expect(read.sort((a, b) => Number(a[1]) - Number(b[1]))).toEqual([
      ['100', '1'],
      ['100', '2'],
      ['100', '3'],
    ]);
    expect(
      em.seen.every((r) => r.query.get('format') === 'Entities' && r.query.get('pageSize') === '100'),
    ).toBe(true);
    expect(warnings()).toEqual([]);
  });

  it('keeps a job of an unknown JobType as "other" and logs it', async () => {
    em.handle = ({ query }) =>
      query.get('type') === 'Job'
        ? { status: 200, body: entitiesPage('Jobs', [vmJob(1, 'SureBackup')], { pageNum: 1, pagesCount: 1 }) }
        : {
            status: 400,
            body: { Message: 'Query type is not valid.', StatusCode: 400, Status: 'BadRequest' },
          };
    const jobs = await client.listJobs();
    expect(jobs.map((j) => [j.kind, j.jobType])).toEqual([['other', 'SureBackup']]);
    expect(warnings()).toContain('EM job of a JobType we do not know; kept as kind "other"');
    // An EM without the AgentBackupJob / NasJob query types is said, not hidden.
    expect(warnings().filter((w) => w.startsWith('EM does not know this query type'))).toHaveLength(2);
    // …once per client: the next listing logs it at debug only.
    await client.listJobs();
    expect(warnings().filter((w) => w.startsWith('EM does not know this query type'))).toHaveLength(2);
  });

  it('reads a failed page again instead of skipping it', async () => {
    let failures = 1;
    em.handle = ({ query }) => {
      if (query.get('type') !== 'Job')
        return { status: 200, body: entitiesPage('NASJobs', [], { pageNum: 1, pagesCount: 1 }) };
      const page = Number(query.get('page'));
      if (page === 2 && failures-- > 0)
        return { status: 503, body: { Message: 'Service unavailable', StatusCode: 503 } };
      const items = page === 1 ? Array.from({ length: 100 }, (_, i) => vmJob(i + 1)) : [vmJob(101)];
      return { status: 200, body: entitiesPage('Jobs', items, { pageNum: page, pagesCount: 2 }) };
    };
    expect(await client.listJobs()).toHaveLength(101);
    expect(em.seen.filter((r) => r.query.get('type') === 'Job').map((r) => r.query.get('page'))).toEqual([
      '1',
      '2',
      '2',
    ]);
    expect(warnings()).toContain('EM query page failed; reading it again');
  });

  it('fails the whole read when a page keeps failing: a gap would look like fewer jobs', async () => {
    em.handle = ({ query }) => {
      if (query.get('type') !== 'Job')
        return { status: 200, body: entitiesPage('NASJobs', [], { pageNum: 1, pagesCount: 1 }) };
      if (query.get('page') === '2')
        return { status: 500, body: { Message: 'Database timeout', StatusCode: 500 } };
      return { status: 200, body: entitiesPage('Jobs', [vmJob(1)], { pageNum: 1, pagesCount: 2 }) };
    };
    const err = (await rejection(client.listJobs())) as EmError;
    expect(err).toBeInstanceOf(EmError);
    expect(err).toMatchObject({ kind: 'http', status: 500, emMessage: 'Database timeout' });
    expect(em.seen.filter((r) => r.query.get('page') === '2')).toHaveLength(3);
  });

  it('reads on when PagingInfo disagrees with the items, and stops when it is missing on a short page', async () => {
    em.handle = ({ query }) => {
      if (query.get('type') === 'AgentBackupJob') {
        // No PagingInfo at all: a short page is the last.
        return { status: 200, body: entitiesPage('AgentBackupJob', [], null) };
      }
      if (query.get('type') === 'NasJob')
        return { status: 200, body: entitiesPage('NASJobs', [], { pageNum: 1, pagesCount: 1 }) };
      const page = Number(query.get('page'));
      // PagesCount 3, but page 2 is short and claims to be page 1.
      const items = page === 2 ? [vmJob(200)] : [vmJob(page)];
      return {
        status: 200,
        body: entitiesPage('Jobs', items, { pageNum: page === 2 ? 1 : page, pagesCount: 3 }),
      };
    };
    const jobs = await client.listJobs();
    expect(jobs.map((j) => j.id)).toEqual([G(1), G(3), G(200)]);
    expect(warnings()).toContain('EM query page does not match its PagingInfo; reading on');
  });
});

describe('runJobAction', () => {
  it('sends the action to the path of the link EM gave, on the configured base URL, whatever host EM named', async () => {
    em.handle = () => ({ status: 202, body: taskBody('task-7') });
    const [nas] = await jobsFrom([recordedNasJob()]);
    // The recorded link names https://localhost:9398; the request still goes to the configured EM.
    const task = await client.runJobAction(nas as Job, 'start');
    expect(task).toMatchObject({ id: 'task-7', state: 'Running' });
    expect(posts()).toEqual([`POST /api/nas/jobs/${NAS_JOB}/start`]);
  });

  it('starts a backup copy job with sync and refuses start with a clear error', async () => {
    const href = `https://em-other-name:9398/api/jobs/${G(5)}`;
    const [copy] = await jobsFrom([vmJob(5, 'BackupCopy', [{ Rel: 'Sync', Href: `${href}?action=sync` }])]);
    em.seen.length = 0;
    em.handle = () => ({ status: 202, body: taskBody('task-8', 'Running', 'SyncJob') });
    const refused = (await rejection(client.runJobAction(copy as Job, 'start'))) as EmError;
    expect(refused).toMatchObject({ kind: 'action-unavailable' });
    expect(refused.message).toContain('Backup copy jobs run with sync');
    expect(posts()).toEqual([]);
    await client.runJobAction(copy as Job, 'sync');
    expect(posts()).toEqual([`POST /api/jobs/${G(5)}?action=sync`]);
  });

  it.each([
    ['another job', `https://em:9398/api/jobs/${G(9)}?action=start`],
    ['a path outside /api', `https://em:9398/other/jobs/${G(6)}?action=start`],
    ['another collection', `https://em:9398/api/logonSessions/${G(6)}?action=start`],
    ['a climb out of the job', `https://em:9398/api/jobs/${G(6)}/../../logonSessions/x?action=start`],
    ['another action', `https://em:9398/api/jobs/${G(6)}?action=stop`],
    ['extra parameters', `https://em:9398/api/jobs/${G(6)}?action=start&redirect=x`],
    ['no URL at all', 'javascript:alert(1)'],
  ])('refuses a Start link to %s and sends nothing', async (_what, href) => {
    const [job] = await jobsFrom([vmJob(6, 'Backup', [{ Rel: 'Start', Href: href }])]);
    em.seen.length = 0;
    const err = (await rejection(client.runJobAction(job as Job, 'start'))) as EmError;
    expect(err).toBeInstanceOf(EmError);
    expect(err.kind).toBe('invalid-link');
    expect(err.code).toBe('EM_INVALID_LINK');
    expect(em.seen).toEqual([]);
    expect(warnings()).toContain('Refused an EM action link');
  });
});

describe('sessions', () => {
  it('queries backup and replica sessions over every page; an EM without ReplicaJobSession still answers', async () => {
    em.handle = ({ query }) =>
      query.get('type') === 'BackupJobSession'
        ? { status: 200, body: recorded('centreon-query-backupjobsession') }
        : { status: 400, body: { Message: 'Query type ReplicaJobSession is not valid.', StatusCode: 400 } };
    const sessions = await client.querySessions({ results: ['Failed'] });
    expect(sessions.map((s) => [s.kind, s.result])).toEqual([
      ['backup', 'Success'],
      ['backup', 'Failed'],
    ]);
    expect(em.seen.map((r) => [r.query.get('type'), r.query.get('pageSize'), r.query.get('page')])).toEqual([
      ['BackupJobSession', '100', '1'],
      ['ReplicaJobSession', '100', '1'],
    ]);
  });

  it('stops a recorded session through its Stop link, sent to the configured EM, not to 1.2.3.8', async () => {
    em.handle = ({ query }) =>
      query.get('type') === 'BackupJobSession'
        ? { status: 200, body: recorded('centreon-query-backupjobsession') }
        : query.get('action') === 'stop'
          ? { status: 202, body: taskBody('task-3', 'Running', 'StopJobSession') }
          : { status: 200, body: entitiesPage('ReplicaJobSessions', [], { pageNum: 1, pagesCount: 1 }) };
    const [, failed] = await client.querySessions({});
    const task = await client.stopSession(failed as NonNullable<typeof failed>);
    expect(task.operation).toBe('StopJobSession');
    expect(posts()).toEqual(['POST /api/backupSessions/486430ea-e837-4cef-b971-19c2ece05036?action=stop']);
  });

  it('reads a bare session GUID from /replicaSessions after /backupSessions says 404, and only after a 404', async () => {
    const replicaSession = {
      UID: `urn:veeam:ReplicaJobSession:${G(7)}`,
      Name: 'ERP Replica@2025-02-19 21:00:00',
      JobUid: `urn:veeam:Job:${G(2)}`,
      JobType: 'Replica',
      State: 'Working',
      Type: 'ReplicaJobSession',
    };
    let backupAnswer = 404;
    em.handle = ({ path }) =>
      path.startsWith('/replicaSessions/')
        ? { status: 200, body: replicaSession }
        : { status: backupAnswer, body: { Message: 'Session not found', StatusCode: backupAnswer } };

    const session = await client.getSession(G(7));
    expect([session.kind, session.id]).toEqual(['replica', G(7)]);
    expect(em.seen.map((r) => r.path)).toEqual([`/backupSessions/${G(7)}`, `/replicaSessions/${G(7)}`]);

    // A kind given goes straight to its collection; a failure other than 404 is not taken for "not here".
    em.seen.length = 0;
    expect((await client.getSession(G(7), 'replica')).kind).toBe('replica');
    backupAnswer = 500;
    expect(((await rejection(client.getSession(G(7)))) as EmError).status).toBe(500);
    expect(em.seen.map((r) => r.path)).toEqual([`/replicaSessions/${G(7)}`, `/backupSessions/${G(7)}`]);
  });

  it("lists a replica job's sessions over the query service, newest first", async () => {
    const replicaSession = (n: number, created: string) => ({
      UID: `urn:veeam:ReplicaJobSession:${G(n)}`,
      JobUid: `urn:veeam:Job:${G(2)}`,
      JobType: 'Replica',
      CreationTimeUTC: created,
      State: 'Stopped',
      Result: 'Success',
      Type: 'ReplicaJobSession',
    });
    const [replica] = await jobsFrom([vmJob(2, 'Replica')]);
    em.seen.length = 0;
    em.handle = () => ({
      status: 200,
      body: entitiesPage(
        'ReplicaJobSessions',
        [replicaSession(10, '2025-02-18T21:00:00Z'), replicaSession(11, '2025-02-19T21:00:00Z')],
        { pageNum: 1, pagesCount: 1 },
      ),
    });
    const sessions = await client.listJobSessions(replica as Job);
    expect(sessions.map((s) => [s.id, s.kind])).toEqual([
      [G(11), 'replica'],
      [G(10), 'replica'],
    ]);
    expect(em.seen[0]?.query.get('type')).toBe('ReplicaJobSession');
    expect(em.seen[0]?.query.get('filter')).toBe(`JobUid=="urn:veeam:Job:${G(2)}"`);
  });

  it('reads task sessions from taskSessions or replicaTaskSessions', async () => {
    em.handle = ({ path }) => ({
      status: 200,
      body: path.endsWith('/replicaTaskSessions')
        ? {
            ReplicaTaskSessions: [
              {
                UID: `urn:veeam:ReplicaTaskSession:${G(4)}`,
                Name: 'db@x',
                Result: 'Warning',
                Reason: 'Slow',
              },
            ],
          }
        : {
            BackupTaskSessions: [
              {
                UID: `urn:veeam:BackupTaskSession:${G(3)}`,
                Name: 'vm@x',
                Result: 'Failed',
                Reason: 'Disk full',
              },
            ],
          },
    });
    const backup = await client.listTaskSessions({ id: G(1), kind: 'backup' });
    const replica = await client.listTaskSessions({ id: G(2), kind: 'replica' });
    expect(backup.map((t) => [t.objectName, t.reason])).toEqual([['vm', 'Disk full']]);
    expect(replica.map((t) => [t.kind, t.reason])).toEqual([['replica', 'Slow']]);
    expect(em.seen.map((r) => r.raw)).toEqual([
      `/api/backupSessions/${G(1)}/taskSessions?format=Entity`,
      `/api/replicaSessions/${G(2)}/replicaTaskSessions?format=Entity`,
    ]);
  });

  it('finds a job by bare GUID in /agents/jobs after /jobs says 404', async () => {
    em.handle = ({ path }) =>
      path.startsWith('/agents/jobs/')
        ? {
            status: 200,
            body: { UID: `urn:veeam:AgentBackupJob:${G(3)}`, Name: 'Laptops', JobType: 'AgentBackup' },
          }
        : { status: 404, body: { Message: 'Job not found', StatusCode: 404 } };
    const job = await client.getJob(G(3));
    expect(job.kind).toBe('agent');
    expect(em.seen.map((r) => r.path)).toEqual([`/jobs/${G(3)}`, `/agents/jobs/${G(3)}`]);
  });
});

describe('deleteFinishedTask', () => {
  it('deletes a Finished Task and refuses a Running one, which DELETE would cancel', async () => {
    em.handle = ({ method, path }) =>
      method === 'DELETE'
        ? { status: 204 }
        : {
            status: 200,
            body: taskBody(path.split('/').pop() as string, path.endsWith('task-1') ? 'Running' : 'Finished'),
          };
    const err = (await rejection(client.deleteFinishedTask('task-1'))) as EmError;
    expect(err.kind).toBe('action-unavailable');
    await client.deleteFinishedTask('task-2');
    expect(posts()).toEqual(['DELETE /api/tasks/task-2']);
  });
});

/** Jobs as the client reads them from a query page, so tests act on what EM gave, not on hand-made objects. */
async function jobsFrom(items: object[]): Promise<Job[]> {
  const before = em.handle;
  em.handle = ({ query }) => ({
    status: 200,
    body: entitiesPage(
      query.get('type') === 'Job' ? 'Jobs' : 'NASJobs',
      query.get('type') === 'Job' ? items : [],
      {
        pageNum: 1,
        pagesCount: 1,
      },
    ),
  });
  const jobs = await client.listJobs();
  em.handle = before;
  return jobs;
}
