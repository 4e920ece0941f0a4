import { describe, expect, it } from 'vitest';
import type { JobSession, Task } from '../../src/em/types.js';
import type { WatchSpec } from '../../src/watch/types.js';
import { newWatchRecord, restoreWatches } from '../../src/watch/watch-record.js';
import {
  needsFailedObjects,
  onJobRead,
  onJobSessions,
  onSession,
  onTaskFinished,
  onTaskForgotten,
  pickSession,
  type StepContext,
  taskMatchesSpec,
  wantedSchedule,
} from '../../src/watch/watch-steps.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const ctx = (now = T0 + 5_000): StepContext => ({
  now,
  sessionSkewMs: 120_000,
  sessionAppearMs: 300_000,
  pollIntervalMs: 50,
  resolveGraceMs: 60_000,
});

function spec(overrides: Partial<WatchSpec> = {}): WatchSpec {
  return {
    taskId: 'task-1',
    action: 'start',
    target: { kind: 'job', jobId: 'a6deb158-b26c-4140-8b26-5a3cc344e8ec', jobName: 'Server Backup' },
    channel: 'COPS1',
    threadTs: '1.1',
    requestedBy: 'UOPER1',
    requestedAt: T0,
    ...overrides,
  };
}

function task(state: string, success?: boolean, message = '', operation = 'StartJob'): Task {
  return {
    id: 'task-1',
    href: '',
    state,
    operation,
    result: success === undefined ? undefined : { success, message },
    links: [],
  };
}

function session(
  id: string,
  createdAt: number,
  state = 'Working',
  result = 'None',
  jobType = 'AgentBackup',
): JobSession {
  return {
    kind: jobType === 'Replica' ? 'replica' : 'backup',
    id,
    uid: `urn:veeam:BackupJobSession:${id}`,
    name: `Server Backup@${new Date(createdAt).toISOString()}`,
    href: '',
    jobUid: '',
    jobId: 'a6deb158-b26c-4140-8b26-5a3cc344e8ec',
    jobName: 'Server Backup',
    jobType,
    creationTime: new Date(createdAt).toISOString(),
    endTime: state === 'Stopped' ? new Date(createdAt + 60_000).toISOString() : undefined,
    state,
    result,
    progress: 0,
    isRetry: false,
    links: [],
  };
}

describe('watch steps', () => {
  it('a delivered start moves on to finding the backup session it created', () => {
    const r = newWatchRecord(spec(), T0, 50);
    const reports = onTaskFinished(
      r,
      task('Finished', true, 'Job "Server Backup" triggered to start.'),
      ctx(),
    );
    expect(r.phase).toBe('find-session');
    expect(reports).toEqual([
      expect.objectContaining({ kind: 'task', success: true, followUp: 'backup-session' }),
    ]);
    expect(r.findSince).toBe(T0 - 120_000);
  });

  it('a failed start ends the watch with the Task result', () => {
    const r = newWatchRecord(spec(), T0, 50);
    const reports = onTaskFinished(
      r,
      task('Finished', false, 'Job "Server Backup" is already running.'),
      ctx(),
    );
    expect(r.phase).toBe('done');
    expect(reports[0]).toMatchObject({
      kind: 'task',
      success: false,
      emMessage: 'Job "Server Backup" is already running.',
    });
  });

  it('schedule actions always read the job back, whatever the Task said', () => {
    const r = newWatchRecord(spec({ action: 'disable', wantedScheduleEnabled: false }), T0, 50);
    expect(onTaskFinished(r, task('Finished', true, 'Ok', 'UpdateJob'), ctx())).toEqual([]);
    expect(r.phase).toBe('read-job');
  });

  it('the session a start created is the newest parent session at or after the request (minus skew)', () => {
    const old = session('old', T0 - 86_400_000, 'Stopped', 'Success');
    const child = session('child', T0 + 2_000, 'Working', 'None', 'AgentManagement');
    const mine = session('mine', T0 + 1_000);
    expect(pickSession([old, child, mine], T0 - 120_000)?.id).toBe('mine');
    expect(pickSession([old], T0 - 120_000)).toBeUndefined();
    expect(pickSession([old], undefined)?.id).toBe('old');
    // A run that started within the skew allowance but ended before the request is not ours.
    const earlier = session('earlier', T0 - 90_000, 'Stopped', 'Failed');
    expect(pickSession([earlier], T0 - 120_000, T0)).toBeUndefined();
    expect(pickSession([earlier, mine], T0 - 120_000, T0)?.id).toBe('mine');
  });

  it('keeps looking for the new session until the deadline, then says none appeared', () => {
    const r = newWatchRecord(spec(), T0, 50);
    onTaskFinished(r, task('Finished', true, 'ok'), ctx());
    const old = session('old', T0 - 86_400_000, 'Stopped', 'Success');
    expect(onJobSessions(r, [old], ctx(T0 + 10_000))).toEqual([]);
    expect(r.phase).toBe('find-session');
    const reports = onJobSessions(r, [old], ctx(T0 + 10_000 + 300_000));
    expect(r.phase).toBe('done');
    expect(reports[0]).toMatchObject({ kind: 'no-session', newest: { id: 'old' } });
  });

  it('follows the session until Stopped, then reports its result', () => {
    const r = newWatchRecord(spec(), T0, 50);
    onTaskFinished(r, task('Finished', true, 'ok'), ctx());
    expect(onJobSessions(r, [session('mine', T0 + 1_000)], ctx())).toEqual([]);
    expect(r.phase).toBe('session');
    expect(r.sessionId).toBe('mine');
    const end = { ...session('mine', T0 + 1_000, 'Stopped', 'Failed'), failureMessage: 'Disk full' };
    const reports = onSession(r, end, ctx());
    expect(r.phase).toBe('done');
    expect(reports[0]).toMatchObject({
      kind: 'session',
      session: { result: 'Failed', failureMessage: 'Disk full', durationMs: 60_000 },
    });
  });

  it('a forgotten Task is resolved from its target, or ends as cancelled when someone cancelled it', () => {
    const start = newWatchRecord(spec(), T0, 50);
    expect(onTaskForgotten(start, ctx())).toEqual([]);
    expect(start.phase).toBe('find-session');
    expect(start.forgotten).toBe(true);

    const stopSession = newWatchRecord(
      spec({ action: 'session-stop', target: { kind: 'session', sessionId: 'abc', sessionName: 'S' } }),
      T0,
      50,
    );
    onTaskForgotten(stopSession, ctx());
    expect(stopSession.phase).toBe('session');
    expect(stopSession.sessionId).toBe('abc');

    const cancelled = newWatchRecord(spec(), T0, 50);
    cancelled.cancelledBy = 'UOPER2';
    expect(onTaskForgotten(cancelled, ctx())).toEqual([{ kind: 'cancelled', byUser: 'UOPER2' }]);
    expect(cancelled.phase).toBe('done');
  });

  it('a finished and a forgotten Task route alike: a stop looks at the newest session with no deadline', () => {
    for (const end of ['finished', 'forgotten'] as const) {
      const stop = newWatchRecord(spec({ action: 'stop' }), T0, 50);
      stop.findSince = T0;
      stop.findDeadline = T0 + 1;
      if (end === 'finished') onTaskFinished(stop, task('Finished', true, 'ok', 'StopAgentJob'), ctx());
      else onTaskForgotten(stop, ctx());
      expect(stop).toMatchObject({ phase: 'find-session', findSince: undefined, findDeadline: undefined });

      const start = newWatchRecord(spec(), T0, 50);
      if (end === 'finished') onTaskFinished(start, task('Finished', true, 'ok'), ctx());
      else onTaskForgotten(start, ctx());
      expect(start).toMatchObject({
        phase: 'find-session',
        findSince: T0 - 120_000,
        findDeadline: T0 + 5_000 + 300_000,
      });
    }
  });

  it('follows a replication session in its own collection, and a sync like a start', () => {
    const r = newWatchRecord(
      spec({ target: { kind: 'job', jobId: 'j', jobName: 'ERP Replica', jobKind: 'replica' } }),
      T0,
      50,
    );
    onTaskFinished(r, task('Finished', true, 'ok'), ctx());
    onJobSessions(r, [session('rep', T0 + 1_000, 'Working', 'None', 'Replica')], ctx());
    expect(r).toMatchObject({ phase: 'session', sessionId: 'rep', sessionKind: 'replica' });

    const copy = newWatchRecord(spec({ action: 'sync' as WatchSpec['action'] }), T0, 50);
    expect(taskMatchesSpec(copy.spec, task('Running', undefined, '', 'SyncJob'))).toBe(true);
    expect(onTaskFinished(copy, task('Finished', true, 'ok', 'SyncJob'), ctx())[0]).toMatchObject({
      followUp: 'backup-session',
    });
    expect(taskMatchesSpec(spec(), task('Running', undefined, '', 'SyncJob'))).toBe(true);
  });

  it('asks for the failed objects of a followed run that failed without a FailureMessage, never of a stop', () => {
    const r = newWatchRecord(spec(), T0, 50);
    onTaskFinished(r, task('Finished', true, 'ok'), ctx());
    const failed = session('mine', T0 + 1_000, 'Stopped', 'Failed');
    expect(needsFailedObjects(r, failed)).toBe(true);
    expect(needsFailedObjects(r, { ...failed, failureMessage: 'Disk full' })).toBe(false);
    expect(needsFailedObjects(r, session('mine', T0 + 1_000, 'Stopped', 'Success'))).toBe(false);
    expect(needsFailedObjects(r, session('mine', T0 + 1_000, 'Working', 'None'))).toBe(false);
    expect(needsFailedObjects(newWatchRecord(spec({ action: 'stop' }), T0, 50), failed)).toBe(false);
    // Found already ended: no report until the failed objects are read with the session.
    expect(onJobSessions(r, [failed], ctx())).toEqual([]);
    expect(r.phase).toBe('session');
    const objects = {
      total: 1,
      items: [{ objectName: 'fs01', result: 'Failed' as const, reason: 'Disk full' }],
    };
    expect(onSession(r, failed, ctx(), objects)[0]).toMatchObject({
      kind: 'session',
      session: { result: 'Failed', kind: 'backup', failedObjects: objects },
    });
  });

  it('spots a task ID that now names another action', () => {
    expect(taskMatchesSpec(spec(), task('Running', undefined, '', 'StartJob'))).toBe(true);
    expect(taskMatchesSpec(spec(), task('Running', undefined, '', 'UpdateJob'))).toBe(false);
    expect(taskMatchesSpec(spec(), task('Running', undefined, '', 'SomethingNew'))).toBe(true);
  });
});

describe('schedule read-back after a forgotten Task', () => {
  it('re-reads a job not yet in the wanted state during the grace period, then reports it as is', () => {
    const r = newWatchRecord(spec({ action: 'disable', wantedScheduleEnabled: false }), T0, 50);
    onTaskForgotten(r, ctx(T0 + 1_000));
    expect(r.phase).toBe('read-job');
    const job = { scheduleEnabled: true } as Parameters<typeof onJobRead>[1];
    expect(onJobRead(r, job, ctx(T0 + 2_000))).toEqual([]);
    expect(r.phase).toBe('read-job');
    const late = onJobRead(r, job, ctx(T0 + 62_000));
    expect(r.phase).toBe('done');
    expect(late[0]).toMatchObject({ kind: 'schedule', resolved: true, readBack: { scheduleEnabled: true } });
  });

  it('knows the wanted state from the spec, or from enable/disable', () => {
    expect(wantedSchedule(spec({ action: 'toggle', wantedScheduleEnabled: false }))).toBe(false);
    expect(wantedSchedule(spec({ action: 'toggle' }))).toBeUndefined();
    expect(wantedSchedule(spec({ action: 'enable' }))).toBe(true);
  });
});

describe('restoreWatches', () => {
  it('keeps good records and counts the bad ones', () => {
    const good = newWatchRecord(spec(), T0, 50);
    const { records, skipped } = restoreWatches({ version: 1, watches: [good, { key: 'x' }, null, 'nope'] });
    expect(records).toEqual([good]);
    expect(skipped).toBe(3);
    expect(restoreWatches(undefined)).toEqual({ records: [], skipped: 0, droppedPosts: 0 });
  });

  it("keeps an older version's rendered post as its text and drops an outbox item it cannot read", () => {
    const old = {
      ...newWatchRecord(spec(), T0, 50),
      outbox: [
        {
          id: 1,
          kind: 'parent',
          message: { text: 'running', blocks: [{ type: 'section' }] },
          textOnly: true,
        },
        { id: 2, kind: 'reply', post: { type: 'cancelled', byUser: 'U2' } },
        { id: 3, kind: 'reply', message: { blocks: [] } },
      ],
    };
    const { records, droppedPosts } = restoreWatches({ version: 1, watches: [old] });
    expect(records[0]?.outbox).toEqual([
      { id: 1, kind: 'parent', post: { type: 'text', text: 'running' } },
      { id: 2, kind: 'reply', post: { type: 'cancelled', byUser: 'U2' } },
    ]);
    expect(droppedPosts).toBe(1);
  });
});
