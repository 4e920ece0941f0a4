// A busy night against the EM simulator over HTTP: 250 jobs of every kind and 300 finished sessions in one poll
// (several query pages), every failure announced exactly once, within the storm's thread; and a query page that
// fails midway is read again, never skipped: in the same poll, or (when it keeps failing) in the next one.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { readMonitorState } from '../../src/notify/monitor-state.js';
import { QUERY_OVERLAP_MS } from '../../src/notify/query-monitored-sessions.js';
import type { SimSessionView } from '../../src/sim/types.js';
import { formatUtc } from '../../src/slack/format-utc.js';
import type { FakeCall } from '../../src/slack-standin/fake-slack-api.js';
import { CHANNEL, type Monitored, type NotifyKit, startNotifyKit } from './notify-kit.js';

const DAY = 24 * 3_600_000;
const PAGE = 100;
const KINDS = ['Backup', 'Replica', 'BackupCopy', 'NasBackup', 'AgentBackup'] as const;

let kit: NotifyKit;

beforeEach(async () => {
  kit = await startNotifyKit();
});

afterEach(() => kit.close());

/** A monitor whose first-start baseline is two days back, so that the sessions added next are all announced. */
function monitorFromTwoDaysAgo(): Monitored & { baselineMs: number } {
  // The system clock (the simulator's sessions end on it), two days behind until the monitor has started.
  let behindMs = 2 * DAY;
  const clock: Clock = { now: () => Date.now() - behindMs };
  const monitored = kit.startMonitor({}, clock);
  behindMs = 0;
  const baselineMs = readMonitorState(monitored.store.read('monitor'))?.announceAfterMs;
  if (baselineMs === undefined) throw new Error('the monitor took no baseline');
  return { ...monitored, baselineMs };
}

/** 50 jobs of each kind, and `count` finished sessions over the last day, round-robin, Failed and Success. */
function busyNight(count: number): SimSessionView[] {
  const jobIds = KINDS.flatMap((jobType) => kit.sim.addJobs({ count: 50, jobType }).map((job) => job.id));
  return kit.sim.addFinishedSessions({ count, jobIds, results: ['Failed', 'Success', 'Failed'] });
}

/** Sessions EM answers the monitor's query with, by query type (AgentManagement children included). */
function inWindow(sinceMs: number): { backup: SimSessionView[]; replica: SimSessionView[] } {
  const ended = kit.sim
    .listSessions()
    .filter((s) => s.endTime !== undefined && s.endTime >= sinceMs - QUERY_OVERLAP_MS);
  return {
    backup: ended.filter((s) => s.jobType !== 'Replica'),
    replica: ended.filter((s) => s.jobType === 'Replica'),
  };
}

function pages(items: number): number {
  return Math.max(1, Math.ceil(items / PAGE));
}

/** "<job>|<started>" of every failure the monitor must announce (agent children are folded into the parent). */
function expectedFailures(sinceMs: number): string[] {
  return kit.sim
    .listSessions()
    .filter((s) => s.result === 'Failed' && s.jobType !== 'AgentManagement')
    .filter((s) => s.endTime !== undefined && s.endTime >= sinceMs)
    .map((s) => `${s.jobName}|${formatUtc(s.creationTime)}`)
    .sort();
}

function blocksOf(call: FakeCall): unknown[] {
  const blocks = call.args.blocks;
  return (typeof blocks === 'string' ? JSON.parse(blocks) : (blocks ?? [])) as unknown[];
}

/** "<job>|<started>" of every failure posted (a card, or "Failed again" in a thread), from the card's fields. */
function announcedFailures(): { keys: string[]; threads: (string | undefined)[] } {
  const keys: string[] = [];
  const threads: (string | undefined)[] = [];
  for (const call of kit.slack.callsTo('chat.postMessage')) {
    const text = String(call.args.text ?? '');
    if (!/^(Backup|Replication) failed: |^:red_circle: (Failed again|Attempt \d+ of \d+ failed)/.test(text))
      continue;
    const fields = JSON.stringify(blocksOf(call));
    const job = /\*Job\*\\n([^"]+)"/.exec(fields)?.[1];
    const started = /\*Started\*\\n([^"]+)"/.exec(fields)?.[1];
    keys.push(`${job}|${started}`);
    threads.push(call.args.thread_ts === undefined ? undefined : String(call.args.thread_ts));
  }
  return { keys: keys.sort(), threads };
}

function queryRequests(): number {
  return kit.sim.stats.byRoute['GET /query'] ?? 0;
}

describe('a busy night', () => {
  it('reads every page of 300 sessions across 250 jobs and announces every failure once, in the storm thread', async () => {
    const { monitor, baselineMs } = monitorFromTwoDaysAgo();
    const sessions = busyNight(300);
    expect(sessions).toHaveLength(300);
    const window = inWindow(baselineMs);
    expect(window.backup.length).toBeGreaterThan(2 * PAGE);
    const expected = expectedFailures(baselineMs);
    expect(expected.length).toBeGreaterThan(150);

    const before = queryRequests();
    await monitor.pollOnce();

    // Every page of both session types was read: no more, no fewer requests.
    expect(queryRequests() - before).toBe(pages(window.backup.length) + pages(window.replica.length));
    const announced = announcedFailures();
    expect(announced.keys).toEqual(expected);
    // One top-level post: the storm summary; every failure is in its thread.
    const top = kit.slack.topLevel(CHANNEL);
    expect(top).toHaveLength(1);
    expect(new Set(announced.threads)).toEqual(new Set([top[0]?.ts]));
    expect(top[0]?.text).toMatch(/^\d+ jobs failed/);

    // Nothing is announced again on the next poll.
    const posted = kit.slack.callsTo('chat.postMessage').length;
    await monitor.pollOnce();
    expect(kit.slack.callsTo('chat.postMessage')).toHaveLength(posted);
  });
});

describe('a query page that fails midway', () => {
  it('is read again in the same poll, and nothing is skipped', async () => {
    const { monitor, baselineMs } = monitorFromTwoDaysAgo();
    busyNight(250);
    const window = inWindow(baselineMs);
    expect(pages(window.backup.length)).toBeGreaterThanOrEqual(3);
    kit.sim.knobs.failQueryPage = { page: 2, type: 'BackupJobSession', count: 1 };

    const before = queryRequests();
    await monitor.pollOnce();
    expect(kit.sim.knobs.failQueryPage).toBeUndefined();
    // The failed page was asked for once more.
    expect(queryRequests() - before).toBe(pages(window.backup.length) + pages(window.replica.length) + 1);
    expect(announcedFailures().keys).toEqual(expectedFailures(baselineMs));
  });

  it('when it keeps failing, the poll announces and advances nothing, and the next poll reads it all', async () => {
    const { monitor, store, baselineMs } = monitorFromTwoDaysAgo();
    busyNight(250);
    // Fails every try of the client's page retries in this poll.
    kit.sim.knobs.failQueryPage = { page: 2, type: 'BackupJobSession', count: 3 };

    await monitor.pollOnce();
    expect(kit.sim.knobs.failQueryPage).toBeUndefined();
    expect(kit.slack.callsTo('chat.postMessage')).toHaveLength(0);
    // The high-water mark stayed at the baseline: page 1's sessions were read, but the poll did not finish.
    expect(readMonitorState(store.read('monitor'))?.lastPollMs).toBe(baselineMs);
    expect(kit.logger.lines.some((l) => l.msg === 'EM query page failed; reading it again')).toBe(true);

    await monitor.pollOnce();
    expect(announcedFailures().keys).toEqual(expectedFailures(baselineMs));
    const posted = kit.slack.callsTo('chat.postMessage').length;
    await monitor.pollOnce();
    expect(kit.slack.callsTo('chat.postMessage')).toHaveLength(posted);
  });
});
