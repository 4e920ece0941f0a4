import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { ACTION_IDS } from '../../src/slack/action-ids.js';
import { HOME_ACTION_IDS } from '../../src/slack/home/home-action-ids.js';
import { appHomeOpenedBody, viewActionBody } from '../../src/slack-standin/signed-request.js';
import type { ButtonRef } from '../../src/slack-standin/slack-user.js';
import { CHANNELS, type Harness, startHarness, USERS } from '../support/harness.js';
import { buttonOf, ephemeralAfter, findButton, messageText, newTopLevel } from './e2e-helpers.js';

let h: Harness;
beforeAll(async () => {
  // operator2 may approve too: their own requests must never show Approve on their Home tab.
  h = await startHarness({
    env: {
      VEEAM_APPROVERS: `${USERS.approver},${USERS.approver2},${USERS.operator2}`,
      VEEAM_INCIDENT_CHANNEL: CHANNELS.incident,
      // The test polls the monitor itself.
      VEEAM_MONITOR_INTERVAL_SECONDS: '3600',
    },
  });
});
afterAll(() => h?.close());

function home(user: string) {
  return h.slack.homeView(user);
}

function homeText(user: string): string {
  return messageText({ blocks: home(user)?.blocks });
}

/** Opens the Home tab as Slack does (a signed event_callback) and waits for a view published after it. */
async function openHome(user: string) {
  const before = h.slack.homePublishes(user);
  const res = await h.sendSigned(appHomeOpenedBody({ userId: user }), 'application/json');
  expect(res.status).toBe(200);
  await h.waitFor(() => h.slack.homePublishes(user) > before, { what: `a Home view for ${user}` });
  return home(user);
}

function clickHome(button: ButtonRef, user: string) {
  const view = home(user);
  if (view === undefined) throw new Error(`no Home view for ${user}`);
  return h.sendSigned(
    viewActionBody({ userId: user, action: button, view }),
    'application/x-www-form-urlencoded',
  );
}

describe('the App Home tab', () => {
  it('is published on app_home_opened: failed jobs first with the reason from their task sessions', async () => {
    const now = Date.now();
    h.sim.addSession({
      jobId: SIM_JOB_IDS.linuxDb,
      state: 'Stopped',
      result: 'Failed',
      failureMessage: 'Error: Agent failed to process method {Backup.Disk}: The network path was not found.',
      creationTime: now - 10 * 60_000,
      endTime: now - 60_000,
    });
    const view = await openHome(USERS.viewer);
    expect(view?.type).toBe('home');
    const text = homeText(USERS.viewer);
    expect(text).toContain('Linux DB Servers');
    expect(text).toContain('The network path was not found.');
    // Failed first: its row comes before any healthy job's.
    expect(text.indexOf('Linux DB Servers')).toBeLessThan(text.indexOf('Server Backup'));
    // A viewer who may not operate is shown no job buttons and no approvals.
    expect(findButton(view, ACTION_IDS.jobStart)).toBeUndefined();
    expect(findButton(view, ACTION_IDS.approve)).toBeUndefined();
  });

  it("shows an approver another user's pending request; its Approve runs the action and closes the request", async () => {
    const since = h.slack.topLevel(CHANNELS.ops).length;
    await ephemeralAfter(
      h,
      () => h.command('disable "Linux Web Servers"', { user: USERS.operator2 }),
      'needs an approval',
    );
    const request = await newTopLevel(h, CHANNELS.ops, since, (t) => t.includes('asks to'));
    const approvalId = buttonOf(request, ACTION_IDS.approve).value;

    // The requester (an approver too) never gets Approve on their own request.
    await openHome(USERS.operator2);
    expect(findButton(home(USERS.operator2), ACTION_IDS.approve, approvalId)).toBeUndefined();

    await openHome(USERS.approver);
    const approve = buttonOf(home(USERS.approver), ACTION_IDS.approve, approvalId);
    expect(homeText(USERS.approver)).toContain('Waiting for your decision (1)');
    const res = await clickHome(approve, USERS.approver);
    expect(res.status).toBe(200);

    await h.waitFor(
      () =>
        messageText(h.slack.messages.find((m) => m.ts === request.ts)).includes(
          `Approved by <@${USERS.approver}>`,
        ),
      { what: 'the request message updated as approved' },
    );
    await h.waitFor(
      () => h.sim.listJobs().find((j) => j.id === SIM_JOB_IDS.linuxWeb)?.scheduleEnabled === false,
      { what: 'EM to show the schedule disabled' },
    );
    // The decided request leaves the approver's Home tab on its own (refresh on change).
    await h.waitFor(() => findButton(home(USERS.approver), ACTION_IDS.approve, approvalId) === undefined, {
      what: 'the Home tab without the decided request',
    });
  });

  it('lists an action in flight with its thread link, and refreshes when its watch finishes', async () => {
    h.sim.setNextRunOutcome(SIM_JOB_IDS.serverBackupSql, { result: 'Success', durationMs: 3_000 });
    await openHome(USERS.operator);
    const since = h.slack.topLevel(CHANNELS.ops).length;
    await h.command('start "Server Backup SQL"', { user: USERS.operator });
    const post = await newTopLevel(h, CHANNELS.ops, since, (t) => t.includes('Server Backup SQL'));
    await h.waitFor(() => homeText(USERS.operator).includes('Actions in flight (1)'), {
      what: 'the action in flight on the Home tab',
    });
    const link = `https://fake.slack.local/archives/${CHANNELS.ops}/p${post.ts.replace('.', '')}`;
    expect(homeText(USERS.operator)).toContain(link);

    await h.waitFor(() => !homeText(USERS.operator).includes('Actions in flight'), {
      what: 'the Home tab refreshed after the watch finished',
      timeoutMs: 15_000,
    });
  }, 20_000);

  it('a job button on the Home tab acts like the job card: Start runs through the same path', async () => {
    await openHome(USERS.operator);
    const start = buttonOf(home(USERS.operator), ACTION_IDS.jobStart, SIM_JOB_IDS.workstations);
    const since = h.slack.topLevel(CHANNELS.ops).length;
    await clickHome(start, USERS.operator);
    const post = await newTopLevel(h, CHANNELS.ops, since, (t) => t.includes('Workstations Weekly'));
    expect(messageText(post)).toContain(`<@${USERS.operator}>`);
  });

  it("shows an open incident with its thread link; the job's Retry acts in the incident's thread", async () => {
    h.sim.addSession({
      jobId: SIM_JOB_IDS.hvExchange,
      state: 'Stopped',
      result: 'Failed',
      failureMessage: 'Error: The RPC server is unavailable.',
      creationTime: Date.now() - 5 * 60_000,
      endTime: Date.now(),
    });
    await h.bot.monitor?.pollOnce();
    const card = await h.waitFor(
      () => h.slack.topLevel(CHANNELS.incident).find((m) => messageText(m).includes('Exchange Backup')),
      { what: 'the incident card' },
    );
    await h.waitFor(() => homeText(USERS.operator).includes('Open incidents (1)'), {
      what: 'the incident on the Home tab (refreshed on its own)',
    });
    const link = `https://fake.slack.local/archives/${CHANNELS.incident}/p${card.ts.replace('.', '')}`;
    expect(homeText(USERS.operator)).toContain(link);

    const retry = buttonOf(home(USERS.operator), ACTION_IDS.jobRetry, SIM_JOB_IDS.hvExchange);
    h.sim.setNextRunOutcome(SIM_JOB_IDS.hvExchange, { result: 'Success' });
    await clickHome(retry, USERS.operator);
    await h.waitFor(
      () =>
        h.slack
          .thread(CHANNELS.incident, card.ts)
          .some((m) => messageText(m).includes(`<@${USERS.operator}>`) && /Retry/i.test(messageText(m))),
      { what: "the retry's post in the incident thread" },
    );
  });

  it('stays within 100 blocks with more than 100 jobs, and pages with More jobs', async () => {
    h.sim.addJobs({ count: 130, prefix: 'Fleet' });
    const view = await openHome(USERS.operator);
    expect(view?.blocks.length).toBeLessThanOrEqual(100);
    expect(h.slack.refusals).toHaveLength(0);
    const more = buttonOf(view, HOME_ACTION_IDS.jobsNext);
    const firstPage = homeText(USERS.operator);

    const before = h.slack.homePublishes(USERS.operator);
    await clickHome(more, USERS.operator);
    await h.waitFor(() => h.slack.homePublishes(USERS.operator) > before, { what: 'the next page' });
    const second = home(USERS.operator);
    expect(second?.blocks.length).toBeLessThanOrEqual(100);
    expect(homeText(USERS.operator)).not.toBe(firstPage);
    expect(homeText(USERS.operator)).toMatch(/showing \d+–\d+/);
    expect(findButton(second, HOME_ACTION_IDS.jobsPrev)).toBeDefined();
  });
});
