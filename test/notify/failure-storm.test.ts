// Failure storms: many jobs failing in one poll make one summary post with every incident card in its thread.
// The real EM simulator over HTTP, the real EmClient, a real WebClient to the fake Slack Web API; polls are driven
// with pollOnce().

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORM_THRESHOLD } from '../../src/notify/failure-storm.js';
import { readMonitorState } from '../../src/notify/monitor-state.js';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { ACTION_IDS } from '../../src/slack/action-ids.js';
import type { FakeMessage } from '../../src/slack-standin/fake-slack-api.js';
import { findButton, messageText } from '../../src/slack-standin/slack-user.js';
import { CHANNEL, MINUTE, type NotifyKit, startNotifyKit } from './notify-kit.js';

const MENTION = 'SONCALL1';
const PING = `<!subteam^${MENTION}>`;

let kit: NotifyKit;

beforeEach(async () => {
  kit = await startNotifyKit({ monitor: { incidentMention: MENTION } });
});

afterEach(() => kit.close());

/** The seeded jobs (every kind: agent, VM, replica, backup copy, file share) plus agent jobs added, `count` in all. */
function jobs(count: number): string[] {
  const seeded: string[] = Object.values(SIM_JOB_IDS).slice(0, count);
  return [...seeded, ...newJobs(count - seeded.length, 'Branch Office')];
}

/** `count` agent jobs the simulator did not have, named "<prefix> 1" and up. */
function newJobs(count: number, prefix: string): string[] {
  return Array.from(
    { length: count },
    (_, i) =>
      kit.sim.addAgentJob({
        name: `${prefix} ${i + 1}`,
        platform: i % 2 ? 'AgentForLinux' : 'AgentForWindows',
      }).id,
  );
}

/** Each job fails once, a millisecond apart, in the order given, for the same reason (on its task session). */
function failAll(ids: string[], reason = 'Repository offline'): void {
  const t = Date.now();
  for (const [i, id] of ids.entries()) {
    kit.failure(id, `${reason}\nat Veeam.Backup.Core.Stack...`, t + i);
  }
}

function topLevel(): FakeMessage[] {
  return kit.slack.topLevel(CHANNEL);
}

function replies(top: FakeMessage): FakeMessage[] {
  return kit.slack.thread(CHANNEL, top.ts);
}

function postCalls(): number {
  return kit.slack.callsTo('chat.postMessage').length;
}

function cardOf(top: FakeMessage, jobId: string): FakeMessage | undefined {
  return replies(top).find((m) => findButton(m, ACTION_IDS.jobRetry)?.value === jobId);
}

describe('a failure storm', () => {
  it('posts 50 failing jobs as one summary with the 50 incident cards in its thread, then keeps the thread going', async () => {
    const { monitor, store } = kit.startMonitor();
    const ids = jobs(50);
    failAll(ids);
    await monitor.pollOnce();

    // One top-level post, 50 replies, and no call was repeated (nothing refused, no 429 waited out).
    expect(topLevel()).toHaveLength(1);
    const top = topLevel()[0] as FakeMessage;
    expect(replies(top)).toHaveLength(50);
    expect(postCalls()).toBe(51);

    const summary = messageText(top);
    expect(summary).toContain('50 jobs failed');
    expect(summary).toMatch(/since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    expect(summary).toContain('none resolved yet');
    // Grouped by the reason read from the task sessions: one line for all fifty, fifteen names, the rest counted.
    expect(summary).toContain(':red_circle: *Repository offline*: 50 jobs\nServer Backup, ');
    expect(summary).not.toContain('Veeam.Backup.Core.Stack');
    expect(summary).toContain('…and 35 more');
    // Well inside Slack's limits.
    expect(top.blocks?.length).toBeLessThanOrEqual(50);
    for (const block of top.blocks ?? []) expect(String(block.text?.text ?? '').length).toBeLessThan(3_000);
    // The mention pages once, in the summary.
    expect(top.text).toContain(PING);
    expect(replies(top).filter((m) => m.text.includes(PING))).toHaveLength(0);

    // Each job's usual card, every kind (agent, VM, replica, backup copy, file share) with Retry (EM offers it
    // after a failure) / Job details / Disable schedule, and the reason from its task session.
    for (const id of ids) {
      const card = cardOf(top, id) as FakeMessage;
      expect(card, `card of ${id}`).toBeDefined();
      expect(findButton(card, ACTION_IDS.jobDetails)?.value).toBe(id);
      expect(findButton(card, ACTION_IDS.jobDisable)?.value).toBe(id);
      expect(messageText(card)).toContain('Repository offline');
    }
    const vmCard = cardOf(top, SIM_JOB_IDS.vmFileserver) as FakeMessage;
    expect(messageText(vmCard)).toContain('VM backup job');
    expect(messageText(cardOf(top, SIM_JOB_IDS.erpReplica))).toContain('Replication failed');

    // Three more jobs fail in a later poll: they join the same thread, and the first of them pages once.
    const more = newJobs(3, 'Remote Site');
    failAll(more);
    await monitor.pollOnce();
    expect(topLevel()).toHaveLength(1);
    expect(replies(top)).toHaveLength(53);
    expect(messageText(top)).toContain('53 jobs failed');
    expect(replies(top).filter((m) => m.text.includes(PING))).toHaveLength(1);

    // A storm job fails again: a follow-up in the storm thread, its card's tally grows.
    kit.failure(SIM_JOB_IDS.linuxWeb, 'Still offline');
    await monitor.pollOnce();
    expect(topLevel()).toHaveLength(1);
    expect(replies(top).at(-1)?.text).toContain('Failed again');
    expect(messageText(cardOf(top, SIM_JOB_IDS.linuxWeb))).toContain('failed 2 times');

    // One of them succeeds: resolved in the thread, its card loses its buttons, the summary counts it.
    const webCard = cardOf(top, SIM_JOB_IDS.linuxWeb) as FakeMessage;
    kit.success(SIM_JOB_IDS.linuxWeb, MINUTE);
    await monitor.pollOnce();
    expect(topLevel()).toHaveLength(1);
    expect(messageText(replies(top).at(-1))).toMatch(/Linux Web Servers\* succeeded/);
    expect(messageText(webCard)).toContain('Resolved');
    expect(findButton(webCard, ACTION_IDS.jobRetry)).toBeUndefined();
    expect(messageText(top)).toContain('53 jobs failed');
    expect(messageText(top)).toContain('1 resolved so far');

    // The state keeps the storm and threads every open incident under the summary.
    await kit.stopMonitor(monitor, store);
    const saved = readMonitorState(store.read('monitor'));
    expect(Object.keys(saved?.storms ?? {})).toEqual([top.ts]);
    expect(Object.values(saved?.incidents ?? {}).every((i) => i.threadTs === top.ts)).toBe(true);
    expect(Object.keys(saved?.incidents ?? {})).toHaveLength(52);
  });

  it('continues after a restart: nothing re-announced, later failures join, and "all resolved" at the end', async () => {
    const first = kit.startMonitor();
    const ids = jobs(STORM_THRESHOLD + 1);
    failAll(ids);
    await first.monitor.pollOnce();
    expect(topLevel()).toHaveLength(1);
    const top = topLevel()[0] as FakeMessage;
    expect(replies(top)).toHaveLength(STORM_THRESHOLD + 1);
    await kit.stopMonitor(first.monitor, first.store);

    const second = kit.startMonitor();
    await second.monitor.pollOnce();
    expect(postCalls()).toBe(STORM_THRESHOLD + 2);

    const [late] = newJobs(1, 'Late Site') as [string];
    kit.failure(late, 'Repository offline, later');
    await second.monitor.pollOnce();
    expect(topLevel()).toHaveLength(1);
    expect(replies(top)).toHaveLength(STORM_THRESHOLD + 2);
    expect(messageText(top)).toContain(`${STORM_THRESHOLD + 2} jobs failed`);

    for (const id of [...ids, late]) kit.success(id, MINUTE);
    await second.monitor.pollOnce();
    expect(topLevel()).toHaveLength(1);
    expect(replies(top).filter((m) => m.text.includes('Incident resolved'))).toHaveLength(
      STORM_THRESHOLD + 2,
    );
    expect(messageText(top)).toContain('all resolved');

    // The storm is over: the next failure is an incident of its own again.
    kit.failure(SIM_JOB_IDS.serverBackup, 'A new problem');
    await second.monitor.pollOnce();
    expect(topLevel()).toHaveLength(2);
    expect(messageText(topLevel()[1])).toContain('A new problem');
  });

  it('keeps one top-level post per job up to the threshold', async () => {
    const { monitor } = kit.startMonitor();
    const ids = jobs(STORM_THRESHOLD);
    failAll(ids);
    await monitor.pollOnce();
    expect(topLevel()).toHaveLength(STORM_THRESHOLD);
    for (const post of topLevel()) expect(replies(post)).toHaveLength(0);
  });

  it('does not count jobs that already have an open incident', async () => {
    const { monitor } = kit.startMonitor();
    const ids = jobs(STORM_THRESHOLD + 1);
    kit.failure(ids[0] as string, 'Failed earlier');
    await monitor.pollOnce();
    expect(topLevel()).toHaveLength(1);

    failAll(ids);
    await monitor.pollOnce();
    // The open incident gets its follow-up; the other five are still at the threshold, so no storm.
    expect(topLevel()).toHaveLength(STORM_THRESHOLD + 1);
    expect(replies(topLevel()[0] as FakeMessage)).toHaveLength(1);
  });
});

describe('a failure storm when Slack refuses posts', () => {
  it('posts nothing while the summary is refused, then everything once', async () => {
    const { monitor } = kit.startMonitor();
    const ids = jobs(8);
    failAll(ids);
    kit.slack.failNext('chat.postMessage', { error: 'internal_error' });
    await monitor.pollOnce();
    expect(kit.slack.messages).toHaveLength(0);

    await monitor.pollOnce();
    expect(topLevel()).toHaveLength(1);
    expect(replies(topLevel()[0] as FakeMessage)).toHaveLength(8);
    await monitor.pollOnce();
    expect(kit.slack.messages).toHaveLength(9);
  });

  it('tries a refused card again on the next poll, in the same thread, without doubling the others', async () => {
    const { monitor } = kit.startMonitor();
    const ids = jobs(8);
    failAll(ids);
    // The summary and two cards go through, the third card is refused.
    const calls = postCalls();
    kit.slack.onEvent((event) => {
      if (event.kind === 'post' && kit.slack.messages.length === 3) {
        kit.slack.failNext('chat.postMessage', { error: 'internal_error' });
      }
    });
    await monitor.pollOnce();
    expect(postCalls() - calls).toBe(9);
    const top = topLevel()[0] as FakeMessage;
    expect(replies(top)).toHaveLength(7);
    expect(messageText(top)).toContain('8 jobs failed');

    await monitor.pollOnce();
    await monitor.pollOnce();
    expect(topLevel()).toHaveLength(1);
    expect(replies(top)).toHaveLength(8);
    for (const [i, id] of ids.entries()) expect(cardOf(top, id), `card ${i}`).toBeDefined();
    // The refused job was already listed in the summary: its late card does not page again.
    expect(replies(top).filter((m) => m.text.includes(PING))).toHaveLength(0);
  });

  it('waits out a 429 in the middle of a storm and posts every card once', async () => {
    const { monitor } = kit.startMonitor();
    const ids = jobs(STORM_THRESHOLD + 2);
    failAll(ids);
    kit.slack.onEvent((event) => {
      if (event.kind === 'post' && kit.slack.messages.length === 2) {
        kit.slack.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 1 });
      }
    });
    await monitor.pollOnce();
    expect(topLevel()).toHaveLength(1);
    expect(replies(topLevel()[0] as FakeMessage)).toHaveLength(STORM_THRESHOLD + 2);
  });
});
