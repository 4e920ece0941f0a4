// Incident and long-running buttons clicked end to end (the real bot over signed HTTP, the EM simulator): the bare
// GUIDs the monitor's messages carry reach EM through today's handlers. (Clicks on the cards of VM, replica, backup
// copy and file share jobs go through the handlers' em.getJob(id); every-kind.test.ts resolves those values over
// HTTP.)

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { ACTION_IDS } from '../../src/slack/action-ids.js';
import type { FakeMessage } from '../../src/slack-standin/fake-slack-api.js';
import { CHANNELS, findButton, type Harness, messageText, startHarness, USERS } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    env: {
      VEEAM_INCIDENT_CHANNEL: CHANNELS.incident,
      VEEAM_MONITOR_INTERVAL_SECONDS: '3600',
      VEEAM_LONG_RUNNING_MINUTES: '30',
      // Stopping a session needs no approval here: the click itself is under test.
      VEEAM_APPROVAL_ACTIONS: 'disable',
    },
  });
});
afterAll(() => h?.close());

function poll(): Promise<void> {
  const monitor = h.bot.monitor;
  if (monitor === undefined)
    throw new Error('the bot has no incident monitor: VEEAM_INCIDENT_CHANNEL unset?');
  return monitor.pollOnce();
}

function postFor(jobName: string): FakeMessage | undefined {
  return h.slack.topLevel(CHANNELS.incident).find((m) => m.text.includes(jobName));
}

describe('incident buttons, clicked', () => {
  it("Job details on a card answers the clicking user with the job's card", async () => {
    const end = Date.now();
    h.sim.addSession({
      jobId: SIM_JOB_IDS.linuxWeb,
      state: 'Stopped',
      result: 'Failed',
      failureMessage: 'The network path was not found.',
      creationTime: end - 60_000,
      endTime: end,
    });
    await poll();
    const card = postFor('Linux Web Servers') as FakeMessage;
    expect(messageText(card)).toContain('The network path was not found.');
    const button = findButton(card, ACTION_IDS.jobDetails);
    expect(button?.value).toBe(SIM_JOB_IDS.linuxWeb);

    const before = h.slack.ephemerals.length;
    await h.click(
      { actionId: ACTION_IDS.jobDetails, value: button?.value ?? '' },
      { user: USERS.operator, channel: CHANNELS.incident, message: card },
    );
    const answer = await h.waitFor(
      () => h.slack.ephemerals.slice(before).find((e) => JSON.stringify(e).includes('Linux Web Servers')),
      { what: "the job's card for the clicking user" },
    );
    expect(answer.user).toBe(USERS.operator);
  });

  it('Stop session on a long-running VM run stops that session in EM, and the post loses its button', async () => {
    const run = h.sim.addSession({
      jobId: SIM_JOB_IDS.vmFileserver,
      state: 'Working',
      creationTime: Date.now() - 45 * 60_000,
    });
    await poll();
    const post = postFor('Fileserver Backup') as FakeMessage;
    expect(messageText(post)).toContain('still running');
    const button = findButton(post, ACTION_IDS.sessionStop);
    expect(button?.value).toBe(run.id);

    await h.click(
      { actionId: ACTION_IDS.sessionStop, value: button?.value ?? '' },
      { user: USERS.operator, channel: CHANNELS.incident, message: post },
    );
    await h.waitFor(() => h.sim.listSessions().find((s) => s.id === run.id && s.state === 'Stopped'), {
      what: 'the session to stop in EM',
      timeoutMs: 10_000,
    });
    await poll();
    await h.waitFor(() => findButton(post, ACTION_IDS.sessionStop) === undefined, {
      what: 'the long-running post to lose its Stop button',
    });
    expect(messageText(post)).toContain('has ended');
  });
});
