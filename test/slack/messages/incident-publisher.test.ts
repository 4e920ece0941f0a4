// The incident publisher when Slack refuses: the real monitor, EM simulator and WebClient against the fake Slack
// Web API told to refuse (failNext). A refused layout is sent as text; a post Slack never takes does not hold the
// monitor back.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIM_JOB_IDS } from '../../../src/sim/seed-ids.js';
import type { FakeMessage } from '../../../src/slack-standin/fake-slack-api.js';
import { messageText } from '../../../src/slack-standin/slack-user.js';
import { CHANNEL, type NotifyKit, startNotifyKit } from '../../notify/notify-kit.js';

let kit: NotifyKit;

beforeEach(async () => {
  kit = await startNotifyKit();
});

afterEach(() => kit.close());

function posts(): FakeMessage[] {
  return kit.slack.topLevel(CHANNEL);
}

function logged(msg: string): Record<string, unknown>[] {
  return kit.logger.lines.filter((line) => String(line.msg).startsWith(msg));
}

describe('when Slack refuses the blocks (invalid_blocks)', () => {
  it('posts the incident as text alone, logs why, and the success still resolves it', async () => {
    const { monitor } = kit.startMonitor({ incidentMention: 'SONCALL1' });
    kit.slack.failNext('chat.postMessage', { error: 'invalid_blocks' });
    kit.failure(SIM_JOB_IDS.linuxWeb, 'R&D share <offline>');
    await monitor.pollOnce();

    expect(posts()).toHaveLength(1);
    const top = posts()[0] as FakeMessage;
    expect(top.blocks).toBeUndefined();
    expect(top.text).toContain('Backup failed: Linux Web Servers');
    expect(top.text).toContain('<!subteam^SONCALL1>');
    expect(top.text).toContain('R&amp;D share &lt;offline&gt;');
    expect(logged('Slack refused the blocks of an incident message')).toEqual([
      expect.objectContaining({ level: 'error', kind: 'incident-opened', slackError: 'invalid_blocks' }),
    ]);

    kit.success(SIM_JOB_IDS.linuxWeb);
    await monitor.pollOnce();
    expect(messageText(kit.slack.thread(CHANNEL, top.ts)[0])).toContain('succeeded');
    expect(messageText(top)).toContain('Resolved');
  });

  it('updates the card as text alone (its buttons go) when Slack refuses the new blocks', async () => {
    const { monitor } = kit.startMonitor();
    kit.failure(SIM_JOB_IDS.linuxWeb, 'first');
    await monitor.pollOnce();
    kit.slack.failNext('chat.update', { error: 'invalid_blocks' });
    kit.failure(SIM_JOB_IDS.linuxWeb, 'second');
    await monitor.pollOnce();

    const top = posts()[0] as FakeMessage;
    expect(top.text).toContain('failed 2 times');
    expect(top.blocks).toEqual([]);
    expect(kit.slack.callsTo('chat.update').map((c) => c.args.blocks)).toEqual([
      expect.arrayContaining([expect.objectContaining({ type: 'actions' })]),
      [],
    ]);
  });
});

describe('when Slack will never take the post', () => {
  it('logs it, drops that run and goes on: later runs are posted and the query window moves on', async () => {
    const { monitor, store } = kit.startMonitor();
    kit.slack.failNext('chat.postMessage', { error: 'channel_not_found' });
    const dropped = kit.failure(SIM_JOB_IDS.linuxWeb, 'never shown');
    await monitor.pollOnce();
    expect(logged('Slack will never take this incident message')).toEqual([
      expect.objectContaining({ level: 'error', kind: 'incident-opened', slackError: 'channel_not_found' }),
    ]);

    kit.failure(SIM_JOB_IDS.serverBackup, 'shown');
    await monitor.pollOnce();
    expect(posts().map((m) => messageText(m))).toEqual([expect.stringContaining('shown')]);
    expect(kit.slack.callsTo('chat.postMessage')).toHaveLength(2);
    const saved = store.read('monitor') as { lastPollMs: number; seen: Record<string, number> };
    expect(saved.seen[dropped.id]).toBeDefined();
    expect(saved.lastPollMs).toBeGreaterThanOrEqual(dropped.endTime as number);
  });

  it('posts a card per job when the storm summary can never be posted, instead of holding them all back', async () => {
    const { monitor } = kit.startMonitor();
    const ids = Array.from({ length: 7 }, (_, i) => kit.sim.addAgentJob({ name: `Branch ${i}` }).id);
    const t = Date.now();
    for (const [i, id] of ids.entries()) kit.failure(id, `Repository offline (job ${i})`, t + i);
    kit.slack.failNext('chat.postMessage', { error: 'msg_too_long' });
    await monitor.pollOnce();
    expect(logged('Slack will never take this incident message')).toEqual([
      expect.objectContaining({ kind: 'storm-opened', slackError: 'msg_too_long' }),
    ]);
    expect(posts()).toHaveLength(7);
  });

  it('still tries again on the next poll after a refusal a retry can fix', async () => {
    const { monitor } = kit.startMonitor();
    kit.slack.failNext('chat.postMessage', { error: 'internal_error' });
    kit.failure(SIM_JOB_IDS.linuxWeb, 'second time lucky');
    await monitor.pollOnce();
    expect(posts()).toHaveLength(0);
    await monitor.pollOnce();
    expect(posts().map((m) => messageText(m))).toEqual([expect.stringContaining('second time lucky')]);
  });
});
