import { describe, expect, it } from 'vitest';
import { baselineState, pruneMonitorState, readMonitorState } from '../../src/notify/monitor-state.js';

const NOW = Date.parse('2026-01-10T00:00:00Z');
const DAY = 86_400_000;

/** Prune limits shaped like the monitor's: seen sessions and long-running posts kept 3 days, incidents 30. */
const limits = {
  seenBeforeMs: NOW - 3 * DAY,
  queryFromMs: NOW - DAY,
  longRunningBeforeMs: NOW - 3 * DAY,
  incidentsBeforeMs: NOW - 30 * DAY,
};

/** A saved incident of job "j" whose latest run failed, posted as `ts` in C1. */
function savedIncident(at: { creationTime: string; openedAt: string; ts: string }) {
  return {
    jobId: 'j',
    jobName: 'J',
    jobType: 'AgentBackup',
    failures: 1,
    warnings: 0,
    openedAt: at.openedAt,
    latest: {
      id: 's',
      jobId: 'j',
      jobName: 'J',
      jobType: 'AgentBackup',
      result: 'Failed',
      creationTime: at.creationTime,
    },
    channel: 'C1',
    ts: at.ts,
  };
}

describe('readMonitorState', () => {
  it('treats a missing or foreign section as no saved state (the monitor takes a baseline)', () => {
    expect(readMonitorState(undefined)).toBeUndefined();
    expect(readMonitorState({ version: 2, lastPollMs: NOW })).toBeUndefined();
    expect(readMonitorState({ version: 1 })).toBeUndefined();
    expect(readMonitorState('garbage')).toBeUndefined();
  });

  it('round-trips a saved state through JSON', () => {
    const state = baselineState(NOW);
    state.seen.abc = NOW - 1000;
    state.longRunning.def = { channel: 'C1', ts: '1.2', announcedAtMs: NOW };
    state.emOutage = { sinceMs: NOW - 5000, failedPolls: 2, announced: false };
    expect(readMonitorState(JSON.parse(JSON.stringify(state)))).toEqual(state);
  });

  it('reads incidents saved before every job kind, and keeps the new fields of later ones', () => {
    const old = savedIncident({
      creationTime: '2026-01-09T00:00:00Z',
      openedAt: '2026-01-09T00:10:00Z',
      ts: '1.1',
    });
    const replica = {
      ...savedIncident({ creationTime: '2026-01-09T00:00:00Z', openedAt: '2026-01-09T00:10:00Z', ts: '1.2' }),
      jobId: 'r',
      jobType: 'Replica',
      retryOffered: false,
      latest: {
        ...old.latest,
        jobId: 'r',
        jobType: 'Replica',
        sessionKind: 'replica',
        taskReasons: {
          read: true,
          total: 7,
          objects: [{ objectName: 'vm-1', result: 'Failed', reason: 'Gone' }],
        },
      },
    };
    const unreadable = {
      ...replica,
      jobId: 'u',
      latest: { ...replica.latest, taskReasons: { read: false } },
    };
    const broken = { ...replica, jobId: 'b', latest: { ...replica.latest, taskReasons: { read: true } } };
    const read = readMonitorState({
      version: 1,
      lastPollMs: NOW,
      incidents: { j: { ...old, lastProblemEndMs: NOW }, r: { ...replica, lastProblemEndMs: NOW } },
    });
    expect(read?.incidents.j?.retryOffered).toBeUndefined();
    expect(read?.incidents.j?.latest.sessionKind).toBeUndefined();
    expect(read?.incidents.r?.retryOffered).toBe(false);
    expect(read?.incidents.r?.latest).toEqual(replica.latest);
    const more = readMonitorState({
      version: 1,
      lastPollMs: NOW,
      incidents: { u: { ...unreadable, lastProblemEndMs: NOW }, b: { ...broken, lastProblemEndMs: NOW } },
    });
    expect(Object.keys(more?.incidents ?? {})).toEqual(['u']);
  });

  it('drops bad entries one by one instead of the whole state', () => {
    const read = readMonitorState({
      version: 1,
      lastPollMs: NOW,
      seen: { good: NOW, bad: 'yesterday' },
      incidents: { job: { jobId: 'job' } },
      longRunning: [],
    });
    expect(read?.seen).toEqual({ good: NOW });
    expect(read?.incidents).toEqual({});
    expect(read?.longRunning).toEqual({});
    expect(read?.announceAfterMs).toBe(NOW);
  });

  it("drops a saved incident whose run's optional fields have the wrong type (they would break its messages)", () => {
    const good = {
      ...savedIncident({ creationTime: '2026-01-09T10:00:00Z', openedAt: '2026-01-09T10:10:00Z', ts: '1.1' }),
      lastProblemEndMs: NOW,
    };
    const withLatest = (latest: Record<string, unknown>) => ({
      ...good,
      latest: { ...good.latest, ...latest },
    });
    const read = readMonitorState({
      version: 1,
      lastPollMs: NOW,
      incidents: {
        good,
        reasonObject: withLatest({ failureMessage: { text: 'x' } }),
        endNumber: withLatest({ endTime: 5 }),
        progressText: withLatest({ progress: '<!channel>' }),
      },
    });
    expect(Object.keys(read?.incidents ?? {})).toEqual(['good']);
  });

  it("keeps an incident's attempt count and retry wait, and drops one whose count is malformed", () => {
    const good = {
      ...savedIncident({ creationTime: '2026-01-09T10:00:00Z', openedAt: '2026-01-09T10:10:00Z', ts: '1.1' }),
      lastProblemEndMs: NOW,
      attempt: { n: 1, of: 3 },
      retryDueMs: NOW + 25 * 60_000,
      latest: {
        ...savedIncident({ creationTime: '2026-01-09T10:00:00Z', openedAt: '', ts: '' }).latest,
        isRetry: true,
      },
    };
    const read = readMonitorState(
      JSON.parse(
        JSON.stringify({
          version: 1,
          lastPollMs: NOW,
          incidents: {
            good,
            lastWithoutCount: { ...good, attempt: { n: 1, of: 3, last: true } },
            countText: { ...good, attempt: { n: '1', of: 3 } },
            dueText: { ...good, retryDueMs: 'soon' },
            retryText: { ...good, latest: { ...good.latest, isRetry: 'yes' } },
          },
        }),
      ),
    );
    expect(Object.keys(read?.incidents ?? {})).toEqual(['good', 'lastWithoutCount']);
    expect(read?.incidents.good).toEqual(good);
  });

  it('never lets a saved key change the prototype of what it restores', () => {
    const read = readMonitorState(
      JSON.parse(
        `{"version":1,"lastPollMs":${NOW},"seen":{"__proto__":1,"s":2},"longRunning":{"__proto__":{"channel":"C","ts":"1","announcedAtMs":1}}}`,
      ),
    );
    expect(read?.seen).toEqual({ s: 2 });
    expect(Object.getPrototypeOf(read?.longRunning)).toBe(Object.prototype);
  });
});

describe('pruneMonitorState', () => {
  it('forgets sessions that ended days ago, keeps recent ones', () => {
    const state = { ...baselineState(NOW), seen: { old: NOW - 4 * DAY, recent: NOW - DAY } };
    expect(pruneMonitorState(state, limits).seen).toEqual({ recent: NOW - DAY });
  });

  it('keeps old entries while the query window still reaches them (after a long EM outage)', () => {
    const state = { ...baselineState(NOW), seen: { old: NOW - 4 * DAY } };
    expect(pruneMonitorState(state, { ...limits, queryFromMs: NOW - 5 * DAY }).seen).toEqual({
      old: NOW - 4 * DAY,
    });
  });

  it('keeps a long-running post while its session runs, drops it when old and gone', () => {
    const post = { channel: 'C1', ts: '1.1', announcedAtMs: NOW - 4 * DAY };
    const state = { ...baselineState(NOW), longRunning: { running: post, gone: post } };
    const pruned = pruneMonitorState(state, { ...limits, runningIds: new Set(['running']) });
    expect(Object.keys(pruned.longRunning)).toEqual(['running']);
    expect(Object.keys(pruneMonitorState(state, limits).longRunning)).toEqual(['running', 'gone']);
  });

  it('forgets incidents with no problem run for a month', () => {
    const incident = savedIncident({ creationTime: '', openedAt: '', ts: '1.1' });
    const state = {
      ...baselineState(NOW),
      incidents: {
        stale: { ...incident, lastProblemEndMs: NOW - 31 * DAY },
        fresh: { ...incident, lastProblemEndMs: NOW },
      },
    };
    expect(Object.keys(pruneMonitorState(state, limits).incidents)).toEqual(['fresh']);
  });
});

describe('failure storms in the saved state', () => {
  const incident = {
    ...savedIncident({ creationTime: '2026-01-09T23:00:00Z', openedAt: '2026-01-09T23:10:00Z', ts: '1.2' }),
    lastProblemEndMs: NOW,
  };
  const stormJob = {
    jobName: 'J',
    jobType: 'AgentBackup',
    result: 'Failed',
    reason: 'offline',
    resolved: false,
  };
  const storm = {
    channel: 'C1',
    ts: '1.1',
    openedAtMs: NOW,
    since: '2026-01-09T23:10:00Z',
    jobs: { j: stormJob },
  };

  it('reads a state file written before storms existed: no storms, incidents without a thread', () => {
    const old = JSON.parse(
      JSON.stringify({
        version: 1,
        lastPollMs: NOW,
        announceAfterMs: NOW,
        seen: {},
        incidents: { j: incident },
      }),
    );
    const read = readMonitorState(old);
    expect(read?.storms).toEqual({});
    expect(read?.incidents.j).toEqual(incident);
    expect(read?.incidents.j?.threadTs).toBeUndefined();
  });

  it('round-trips a storm and an incident threaded under it, and drops a malformed storm', () => {
    const state = {
      ...baselineState(NOW),
      incidents: { j: { ...incident, threadTs: '1.1' } },
      storms: { '1.1': storm, bad: { ...storm, jobs: { j: { jobName: 'J' } } } },
    };
    const read = readMonitorState(JSON.parse(JSON.stringify(state)));
    expect(read?.storms).toEqual({ '1.1': storm });
    expect(read?.incidents.j?.threadTs).toBe('1.1');
  });

  it('drops a storm once every job resolved, or when it is old and no incident threads into it', () => {
    const stormLimits = { ...limits, stormsBeforeMs: NOW - DAY / 2 };
    const old = { ...storm, openedAtMs: NOW - DAY };
    const state = {
      ...baselineState(NOW),
      incidents: { j: { ...incident, threadTs: 'old-threaded' } },
      storms: {
        young: storm,
        resolved: { ...storm, jobs: { j: { ...stormJob, resolved: true } } },
        'old-threaded': old,
        'old-empty': old,
      },
    };
    expect(Object.keys(pruneMonitorState(state, stormLimits).storms)).toEqual(['young', 'old-threaded']);
  });
});
