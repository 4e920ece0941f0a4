// A state file that is valid JSON but holds wrong shapes inside `watches`: the watcher starts with the good records
// only, counts and logs what it dropped, and never gives up the whole section (issue 12, item 5).

import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { newWatchRecord, restoreWatches, type WatchRecord } from '../../src/watch/watch-record.js';
import { idle, job, textOf, WatchKit } from './watch-kit.js';

const SERVER_BACKUP = job(SIM_JOB_IDS.serverBackup, 'Server Backup');
const LINUX_WEB = job(SIM_JOB_IDS.linuxWeb, 'Linux Web Servers');

let started: WatchKit | undefined;
afterEach(async () => {
  await started?.close();
  started = undefined;
});

type Mutable = Record<string, unknown> & {
  spec: Record<string, unknown> & { target: Record<string, unknown> };
};

/** A copy of a good record under its own key, then broken by `breakIt`. */
function broken(good: WatchRecord, n: number, breakIt: (r: Mutable) => void): unknown {
  const copy = structuredClone(good) as unknown as Mutable;
  copy.key = `${good.key}-bad${n}`;
  breakIt(copy);
  return copy;
}

/** Wrong shapes a half-written, hand-edited or foreign file may hold; each is a whole record to skip. */
function badRecords(good: WatchRecord): unknown[] {
  const breaks: ((r: Mutable) => void)[] = [
    (r) => {
      r.spec.channel = 42;
    },
    (r) => {
      r.spec.target.jobId = 7;
    },
    (r) => {
      r.spec.target = { kind: 'task', taskId: 'task-1' };
    },
    (r) => {
      r.spec.requestedAt = '2026-12-06T03:00:00Z';
    },
    (r) => {
      r.spec.target.jobKind = 'tape';
    },
    (r) => {
      delete (r as Record<string, unknown>).spec;
    },
    (r) => {
      r.phase = 'session';
      r.sessionId = 5;
    },
    (r) => {
      r.task = 'done';
    },
    (r) => {
      r.forgotten = 'yes';
    },
    (r) => {
      r.outbox = 'garbage';
    },
    (r) => {
      r.key = 12;
    },
  ];
  return [...breaks.map((b, i) => broken(good, i, b)), null, 'nope', 42, []];
}

/** One post to keep (ours, well-formed) and seven to drop: wrong types, unknown shapes, plain garbage. */
const KEPT_POST = { id: 1, kind: 'reply', post: { type: 'text', text: 'said before the restart' } };
const GARBAGE_OUTBOX = [
  KEPT_POST,
  { id: '2', kind: 'reply', post: { type: 'text', text: 'id is a string' } },
  { id: 3, kind: 'reply', post: { type: 'report', report: { kind: 'session', session: 5, resolved: true } } },
  { id: 4, kind: 'parent', post: { type: 'cancelled', byUser: 9 } },
  {
    id: 5,
    kind: 'reply',
    post: { type: 'report', report: { kind: 'task', success: 'yes', durationMs: 'x' } },
  },
  'garbage',
  null,
  7,
];

describe('restoring watches from a state file with wrong shapes inside', () => {
  it('starts with the good records only, logs the counts, and the good watches still report', async () => {
    const kit = await WatchKit.start({ sim: { taskDurationMs: 60_000 } });
    started = kit;
    const a = await kit.act('toggle', SERVER_BACKUP);
    const b = await kit.act('toggle', LINUX_WEB);
    await kit.watcher.stop();
    const file = JSON.parse(readFileSync(kit.stateFile, 'utf8'));
    const saved: WatchRecord[] = file.watches.watches;
    const goodA = saved.find((r) => r.spec.taskId === a.task.id) as WatchRecord;
    const goodB = saved.find((r) => r.spec.taskId === b.task.id) as WatchRecord;
    const bad = badRecords(goodA);
    file.watches.watches = [goodA, ...bad, { ...goodB, outbox: GARBAGE_OUTBOX }];
    writeFileSync(kit.stateFile, JSON.stringify(file));

    kit.buildWatcher();
    kit.watcher.start();

    expect(kit.watcher.watching().map((w) => w.key)).toEqual([goodA.key, goodB.key]);
    expect(kit.watcher.stats().resumed).toBe(2);
    const warned = (msg: string) => kit.warnings().find((l) => l.msg === msg);
    expect(warned('skipped unreadable saved watches')).toMatchObject({ skipped: bad.length });
    expect(warned('dropped unreadable saved Slack posts')).toMatchObject({ droppedPosts: 7 });
    // The section was read, not dropped: nothing went aside.
    expect(kit.logger.lines.some((l) => String(l.msg).startsWith('saved state section unusable'))).toBe(
      false,
    );

    // EM forgets both Tasks: each watch resolves from its job, and B's kept post goes out before its result.
    kit.sim.forgetAllTasks();
    await idle(kit.watcher);
    expect(a.replies()).toHaveLength(1);
    const bReplies = b.replies().map(textOf);
    expect(bReplies[0]).toContain('said before the restart');
    expect(bReplies).toHaveLength(2);
    expect(kit.fake.refusals).toEqual([]);
  });
});

describe('restoreWatches', () => {
  const spec = {
    taskId: 'task-1',
    action: 'start' as const,
    target: { kind: 'job' as const, jobId: 'j1', jobName: 'Job 1' },
    channel: 'COPS1',
    threadTs: '1.1',
    requestedBy: 'UOPER1',
    requestedAt: 1_000,
  };

  it('never throws, whatever the section holds, and counts an unreadable section as one skip', () => {
    for (const section of [null, 5, 'x', [], {}, { watches: 'x' }, { watches: {} }]) {
      expect(restoreWatches(section)).toEqual({ records: [], skipped: 1, droppedPosts: 0 });
    }
    expect(restoreWatches(undefined)).toEqual({ records: [], skipped: 0, droppedPosts: 0 });
  });

  it('keeps every well-formed report a watch may have saved', () => {
    const summary = {
      id: 's1',
      name: 'Job 1',
      kind: 'backup',
      state: 'Stopped',
      result: 'Failed',
      durationMs: 5,
      failedObjects: { items: [{ objectName: 'vm1', result: 'Failed', reason: 'disk' }], total: 1 },
    };
    const reports = [
      { kind: 'task', success: true, emMessage: 'ok', durationMs: 1, followUp: 'backup-session' },
      { kind: 'schedule', durationMs: 1, readBack: { error: 'EM down' }, resolved: true },
      { kind: 'session', session: summary, resolved: false },
      {
        kind: 'no-session',
        waitedMs: 9,
        newest: { ...summary, failedObjects: { unreadable: true } },
        resolved: true,
      },
      { kind: 'unknown', reason: 'gone' },
      { kind: 'timeout', minutes: 60, waitingFor: 'new-session' },
      { kind: 'cancelled', byUser: 'U1' },
    ];
    const record = {
      ...newWatchRecord(spec, 1_000, 50),
      outbox: reports.map((report, i) => ({ id: i + 1, kind: 'reply', post: { type: 'report', report } })),
    };
    const { records, droppedPosts } = restoreWatches({ version: 1, watches: [record] });
    expect(droppedPosts).toBe(0);
    expect(records[0]?.outbox).toHaveLength(reports.length);
  });
});
