// A storm card's buttons, end to end (the real bot over signed HTTP): the Task a click starts, its result and the
// job's resolution all land in the storm summary's thread, never as new top-level posts.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORM_THRESHOLD } from '../../src/notify/failure-storm.js';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { ACTION_IDS } from '../../src/slack/action-ids.js';
import type { FakeMessage } from '../../src/slack-standin/fake-slack-api.js';
import { CHANNELS, findButton, type Harness, messageText, startHarness, USERS } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    env: { VEEAM_INCIDENT_CHANNEL: CHANNELS.incident, VEEAM_MONITOR_INTERVAL_SECONDS: '3600' },
  });
});
afterAll(() => h?.close());

function poll(): Promise<void> {
  const monitor = h.bot.monitor;
  if (monitor === undefined)
    throw new Error('the bot has no incident monitor: VEEAM_INCIDENT_CHANNEL unset?');
  return monitor.pollOnce();
}

describe('buttons on a storm card', () => {
  it('thread the Retry, its result and the resolution under the storm summary', async () => {
    const ids = Object.values(SIM_JOB_IDS);
    expect(ids.length).toBeGreaterThan(STORM_THRESHOLD);
    const end = Date.now();
    for (const [i, jobId] of ids.entries()) {
      h.sim.addSession({
        jobId,
        state: 'Stopped',
        result: 'Failed',
        failureMessage: 'Repository offline',
        creationTime: end - 60_000,
        endTime: end + i,
      });
    }
    await poll();
    expect(h.slack.topLevel(CHANNELS.incident)).toHaveLength(1);
    const top = h.slack.topLevel(CHANNELS.incident)[0] as FakeMessage;
    const card = h.slack
      .thread(CHANNELS.incident, top.ts)
      .find((m) => findButton(m, ACTION_IDS.jobRetry)?.value === SIM_JOB_IDS.serverBackup) as FakeMessage;
    expect(card).toBeDefined();

    h.sim.setNextRunOutcome(SIM_JOB_IDS.serverBackup, { result: 'Success' });
    const before = h.slack.thread(CHANNELS.incident, top.ts).length;
    const button = findButton(card, ACTION_IDS.jobRetry);
    if (button === undefined) throw new Error('no Retry button');
    await h.click(
      { actionId: ACTION_IDS.jobRetry, value: button.value ?? '' },
      { user: USERS.operator, message: card },
    );
    await h.waitFor(
      () =>
        h.slack
          .thread(CHANNELS.incident, top.ts)
          .slice(before)
          .find((m) => /EM task task-\d+/.test(m.text)),
      { what: 'the Retry parent message in the storm thread' },
    );
    await h.waitFor(() => h.slack.thread(CHANNELS.incident, top.ts).length >= before + 2, {
      what: "the watcher's reply about the Retry Task",
    });
    await h.waitFor(
      () =>
        h.sim
          .listSessions()
          .some(
            (s) =>
              s.jobId === SIM_JOB_IDS.serverBackup &&
              s.jobType === 'AgentBackup' &&
              s.result === 'Success' &&
              s.endTime !== undefined &&
              s.endTime > end,
          ),
      { what: 'the retried run to succeed' },
    );
    await poll();
    await h.waitFor(
      () =>
        h.slack
          .thread(CHANNELS.incident, top.ts)
          .some((m) => m.text.includes('Server Backup') && m.text.includes('Incident resolved')),
      { what: 'the resolution in the storm thread' },
    );
    // Everything of this storm, the bot's own Retry messages and the watcher's replies included, is in one thread.
    const incidentChannel = h.slack.messages.filter((m) => m.channel === CHANNELS.incident);
    expect(incidentChannel.every((m) => m.ts === top.ts || m.threadTs === top.ts)).toBe(true);
    expect(messageText(top)).toContain('1 resolved so far');
    expect(h.slack.topLevel(CHANNELS.incident)).toHaveLength(1);
  });
});
