// The real bot (config from its environment, createBot, the fake Slack Web API, the EM simulator over HTTP):
// Veeam's own retries read "attempt n of m" and page per VEEAM_MENTION_ON, and the incident channel keeps Slack's
// pace of one post a second.

import { afterEach, describe, expect, it } from 'vitest';
import { STORM_THRESHOLD } from '../../src/notify/failure-storm.js';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import type { SimOutcome } from '../../src/sim/types.js';
import type { FakeMessage } from '../../src/slack-standin/fake-slack-api.js';
import { CHANNELS, type Harness, messageText, startHarness } from '../support/harness.js';

const PING = '<!subteam^SONCALL1>';
const FAILED: SimOutcome = { result: 'Failed', message: 'Error: Failed to create VM snapshot.' };
const JOB = SIM_JOB_IDS.vmFileserver;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(env: Record<string, string | undefined>): Promise<Harness> {
  h = await startHarness({
    env: {
      VEEAM_INCIDENT_CHANNEL: CHANNELS.incident,
      VEEAM_INCIDENT_MENTION: 'SONCALL1',
      VEEAM_MONITOR_INTERVAL_SECONDS: '3600',
      ...env,
    },
    // Veeam's RetryTimeout compressed to a moment.
    sim: { retryDelayMs: 30 },
  });
  return h;
}

function poll(harness: Harness): Promise<void> {
  const monitor = harness.bot.monitor;
  if (monitor === undefined) throw new Error('the bot has no incident monitor');
  return monitor.pollOnce();
}

/** Waits until `count` runs of the job started since `since` ended, then polls once. */
async function pollWhenEnded(harness: Harness, since: number, count: number): Promise<void> {
  await harness.waitFor(
    () =>
      harness.sim
        .listSessions()
        .filter((s) => s.jobId === JOB && s.creationTime >= since && s.state === 'Stopped').length >= count,
    { what: `${count} ended runs` },
  );
  await poll(harness);
}

function replies(harness: Harness, card: FakeMessage): FakeMessage[] {
  return harness.slack.thread(CHANNELS.incident, card.ts);
}

describe('a job Veeam retries twice, failing every time', () => {
  it('reads attempt 1 of 3, then 2 of 3 with no mention, then pages on the final failure', async () => {
    const harness = await start({});
    harness.sim.setRetryOptions(JOB, { specified: true, times: 2, timeoutMinutes: 10 });
    harness.sim.setRunOutcomes(JOB, [FAILED, FAILED, FAILED]);
    // Time enough between the runs' ends for a poll after each.
    harness.sim.knobs.retryDelayMs = 700;
    const since = Date.now();
    harness.sim.runScheduled(JOB);

    await pollWhenEnded(harness, since, 1);
    const [card] = harness.slack.topLevel(CHANNELS.incident);
    if (card === undefined) throw new Error('no incident card');
    expect(card.text).toContain('(attempt 1 of 3)');
    expect(card.text).not.toContain(PING);

    await pollWhenEnded(harness, since, 2);
    expect(messageText(replies(harness, card)[0])).toContain('Attempt 2 of 3 failed');
    expect(replies(harness, card)[0]?.text).not.toContain(PING);
    expect(card.text).toContain('(attempt 2 of 3)');
    expect(card.text).not.toContain(PING);

    await pollWhenEnded(harness, since, 3);
    expect(harness.slack.topLevel(CHANNELS.incident)).toHaveLength(1);
    expect(messageText(replies(harness, card)[1])).toContain('Attempt 3 of 3 failed');
    expect(replies(harness, card)[1]?.text).toContain(PING);
    expect(card.text).toContain('(attempt 3 of 3)');
    expect(card.text).toContain(PING);
  });

  it('with VEEAM_MENTION_ON=every, each failed attempt mentions on-call', async () => {
    const harness = await start({ VEEAM_MENTION_ON: 'every' });
    harness.sim.setRetryOptions(JOB, { specified: true, times: 2, timeoutMinutes: 10 });
    harness.sim.setRunOutcomes(JOB, [FAILED, FAILED, FAILED]);
    const since = Date.now();
    harness.sim.runScheduled(JOB);
    await pollWhenEnded(harness, since, 1);
    await pollWhenEnded(harness, since, 3);
    const [card] = harness.slack.topLevel(CHANNELS.incident);
    if (card === undefined) throw new Error('no incident card');
    const thread = replies(harness, card);
    expect(thread.map((m) => messageText(m))).toEqual([
      expect.stringContaining('Attempt 2 of 3 failed'),
      expect.stringContaining('Attempt 3 of 3 failed'),
    ]);
    for (const reply of thread) expect(reply.text).toContain(PING);
    const firstPost = harness.slack
      .callsTo('chat.postMessage')
      .find((c) => c.args.channel === CHANNELS.incident);
    expect(String(firstPost?.args.text)).toContain('(attempt 1 of 3)');
    expect(String(firstPost?.args.text)).toContain(PING);
  });
});

describe("Slack's per-channel pace", () => {
  it('a storm of posts to the incident channel arrives one a second, none lost, no 429', async () => {
    // The bot's default pace (the harness shortens it for every other test).
    const harness = await start({ VEEAM_SLACK_POST_INTERVAL_MS: undefined });
    harness.slack.postsPerSecondPerChannel = 1;
    // Just enough jobs for a storm: a summary and its cards, 7 posts to one channel at once.
    const ids = Object.values(SIM_JOB_IDS).slice(0, STORM_THRESHOLD + 1);
    expect(ids).toHaveLength(STORM_THRESHOLD + 1);
    const end = Date.now();
    for (const [i, jobId] of ids.entries()) {
      harness.sim.setRetryOptions(jobId, { specified: false });
      harness.sim.addSession({
        jobId,
        state: 'Stopped',
        result: 'Failed',
        failureMessage: 'Repository offline',
        creationTime: end - 60_000,
        endTime: end + i,
      });
    }
    await poll(harness);
    const posted = harness.slack.messages.filter((m) => m.channel === CHANNELS.incident);
    // The summary and one card per job in its thread.
    expect(posted).toHaveLength(ids.length + 1);
    const [summary, ...cards] = posted;
    expect(cards.every((m) => m.threadTs === summary?.ts)).toBe(true);
    for (const [i, message] of posted.slice(1).entries()) {
      expect((message.postedAtMs ?? 0) - (posted[i]?.postedAtMs ?? 0)).toBeGreaterThanOrEqual(990);
    }
    expect(harness.slack.rateLimited).toEqual({});
  }, 30_000);
});
