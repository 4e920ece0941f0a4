// Veeam retries a failed scheduled run by itself (the job's RetryOptions): the incident card reads "attempt n of m",
// is updated as attempts pass, and pages on-call as VEEAM_MENTION_ON says. Real simulator retries over HTTP.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import type { SimOutcome } from '../../src/sim/types.js';
import type { FakeMessage } from '../../src/slack-standin/fake-slack-api.js';
import { messageText } from '../../src/slack-standin/slack-user.js';
import { waitFor } from '../support/wait-for.js';
import { CHANNEL, MINUTE, type NotifyKit, startNotifyKit } from './notify-kit.js';

const JOB = SIM_JOB_IDS.vmFileserver;
const PING = '<!subteam^SONCALL1>';
const FAILED: SimOutcome = { result: 'Failed', message: 'Error: Failed to create VM snapshot.' };

let kit: NotifyKit;

beforeEach(async () => {
  kit = await startNotifyKit({ monitor: { incidentMention: 'SONCALL1' } });
  // Two retries, compressed from RetryTimeout's 10 minutes to a moment.
  kit.sim.setRetryOptions(JOB, { specified: true, times: 2, timeoutMinutes: 10 });
  kit.sim.knobs.retryDelayMs = 30;
});

afterEach(() => kit.close());

/** Waits until `count` runs of the job (since the test started it) ended, then polls once. */
async function pollWhenEnded(monitor: { pollOnce(): Promise<void> }, since: number, count: number) {
  await waitFor(
    () =>
      kit.sim
        .listSessions()
        .filter((s) => s.jobId === JOB && s.creationTime >= since && s.state === 'Stopped').length >= count,
    { what: `${count} ended runs` },
  );
  await monitor.pollOnce();
}

function card(): FakeMessage {
  const [top] = kit.slack.topLevel(CHANNEL);
  if (top === undefined) throw new Error('no incident card');
  return top;
}

function thread(): string[] {
  return kit.slack.thread(CHANNEL, card().ts).map((m) => messageText(m));
}

/** The card as each chat.postMessage / chat.update left it, in order. */
function cardVersions(): string[] {
  const ts = card().ts;
  const first = kit.slack.callsTo('chat.postMessage').find((c) => c.args.thread_ts === undefined);
  const updates = kit.slack.callsTo('chat.update').filter((c) => c.args.ts === ts);
  return [first, ...updates].map((c) => String(c?.args.text ?? ''));
}

describe("Veeam's own retries", () => {
  it('reads attempt 1 of 3 and 2 of 3 without the mention, and pages on the final failure', async () => {
    const { monitor } = kit.startMonitor();
    kit.sim.setRunOutcomes(JOB, [FAILED, FAILED, FAILED]);
    // Time enough between the runs' ends for a poll after each.
    kit.sim.knobs.retryDelayMs = 700;
    const since = Date.now();
    kit.sim.runScheduled(JOB);

    await pollWhenEnded(monitor, since, 1);
    expect(messageText(card())).toContain('(attempt 1 of 3)');
    expect(messageText(card())).toContain('Veeam retries the job by itself');
    expect(card().text).not.toContain(PING);

    await pollWhenEnded(monitor, since, 2);
    expect(kit.slack.topLevel(CHANNEL)).toHaveLength(1);
    expect(thread()).toEqual([expect.stringContaining('Attempt 2 of 3 failed')]);
    expect(thread()[0]).not.toContain(PING);
    expect(card().text).toContain('(attempt 2 of 3)');
    expect(card().text).not.toContain(PING);

    await pollWhenEnded(monitor, since, 3);
    expect(kit.slack.topLevel(CHANNEL)).toHaveLength(1);
    expect(thread()).toHaveLength(2);
    expect(thread()[1]).toContain('Attempt 3 of 3 failed');
    expect(thread()[1]).toContain(PING);
    expect(card().text).toContain('(attempt 3 of 3)');
    expect(card().text).toContain(PING);
    expect(messageText(card())).toContain("Veeam's automatic retries are used up");
    // Every version of the card before the last attempt left on-call alone.
    expect(cardVersions().filter((text) => text.includes(PING))).toHaveLength(1);
  });

  it('with VEEAM_MENTION_ON=every, mentions on each failed attempt', async () => {
    const { monitor } = kit.startMonitor({ mentionOn: 'every' });
    kit.sim.setRunOutcomes(JOB, [FAILED, FAILED, FAILED]);
    const since = Date.now();
    kit.sim.runScheduled(JOB);
    await pollWhenEnded(monitor, since, 1);
    expect(card().text).toContain('(attempt 1 of 3)');
    expect(card().text).toContain(PING);
    await pollWhenEnded(monitor, since, 3);
    const replies = kit.slack.thread(CHANNEL, card().ts);
    expect(replies.map((m) => messageText(m))).toEqual([
      expect.stringContaining('Attempt 2 of 3 failed'),
      expect.stringContaining('Attempt 3 of 3 failed'),
    ]);
    for (const reply of replies) expect(reply.text).toContain(PING);
  });

  it('a retry that succeeds updates the same card to "recovered on attempt 2 of 3" and pages no one', async () => {
    const { monitor } = kit.startMonitor();
    kit.sim.setRunOutcomes(JOB, [FAILED, { result: 'Success' }]);
    const since = Date.now();
    kit.sim.runScheduled(JOB);
    await pollWhenEnded(monitor, since, 1);
    await pollWhenEnded(monitor, since, 2);
    expect(kit.slack.topLevel(CHANNEL)).toHaveLength(1);
    expect(thread()).toEqual([expect.stringContaining('recovered on attempt 2 of 3')]);
    expect(thread()[0]).toContain('Incident resolved');
    expect(card().text).toContain('recovered on attempt 2 of 3');
    expect(cardVersions().some((text) => text.includes(PING))).toBe(false);
  });

  it('a job without retries reads and pages as before (no attempt count)', async () => {
    kit.sim.setRetryOptions(JOB, { specified: false });
    const { monitor } = kit.startMonitor();
    kit.sim.setRunOutcomes(JOB, [FAILED]);
    const since = Date.now();
    kit.sim.runScheduled(JOB);
    await pollWhenEnded(monitor, since, 1);
    expect(card().text).toContain(PING);
    expect(messageText(card())).not.toContain('attempt');
  });

  it('pages once no retry followed in time (a run started by hand is never retried)', async () => {
    const clock = new ManualClock(Date.now());
    const { monitor } = kit.startMonitor({}, clock);
    kit.failure(JOB, 'Error: Failed to create VM snapshot.', Date.now() + 1);
    clock.set(Date.now() + 1_000);
    await monitor.pollOnce();
    expect(card().text).toContain('(attempt 1 of 3)');
    expect(card().text).not.toContain(PING);

    // RetryTimeout (10 minutes) and the grace (two polls: the kit polls hourly) pass; no retry ran.
    clock.advance(2 * 60 * MINUTE + 11 * MINUTE);
    await monitor.pollOnce();
    expect(thread()).toEqual([
      expect.stringContaining('No retry of *Fileserver Backup* followed attempt 1 of 3'),
    ]);
    expect(kit.slack.thread(CHANNEL, card().ts)[0]?.text).toContain(PING);
    expect(card().text).toContain(PING);
    expect(messageText(card())).toContain('it was the last attempt');

    // Said once.
    clock.advance(60 * MINUTE);
    await monitor.pollOnce();
    expect(thread()).toHaveLength(1);
  });

  it('a retry that ends with a warning was the retry: no "no retry followed" page later', async () => {
    const clock = new ManualClock(Date.now());
    const { monitor } = kit.startMonitor({}, clock);
    kit.sim.setRunOutcomes(JOB, [FAILED, { result: 'Warning' }]);
    const since = Date.now();
    kit.sim.runScheduled(JOB);
    await waitFor(
      () => kit.sim.listSessions().some((s) => s.jobId === JOB && s.creationTime >= since && s.endTime),
      {
        what: 'the failed run',
      },
    );
    clock.set(Date.now());
    await monitor.pollOnce();
    expect(card().text).toContain('(attempt 1 of 3)');
    await waitFor(() => kit.sim.listSessions().some((s) => s.jobId === JOB && s.isRetry && s.endTime), {
      what: 'the retry',
    });
    clock.set(Date.now());
    await monitor.pollOnce();
    clock.advance(3 * 60 * MINUTE);
    await monitor.pollOnce();
    expect(thread()).toEqual([]);
    expect(card().text).not.toContain(PING);
    expect(kit.logger.lines.some((l) => l.msg === 'incident poll done')).toBe(true);
  });
});
