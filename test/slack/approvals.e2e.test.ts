import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { ACTION_IDS } from '../../src/slack/action-ids.js';
import type { FakeMessage } from '../../src/slack-standin/fake-slack-api.js';
import { CHANNELS, type Harness, startHarness, USERS } from '../support/harness.js';
import {
  auditLines,
  buttonOf,
  emWrites,
  ephemeralAfter,
  findButton,
  messageText,
  newTopLevel,
  posts,
  runningVersion,
} from './e2e-helpers.js';

let h: Harness;
beforeAll(async () => {
  // operator2 is also an approver here, to show that nobody approves their own request.
  h = await startHarness({
    env: { VEEAM_APPROVERS: `${USERS.approver},${USERS.approver2},${USERS.operator2}` },
  });
});
afterAll(() => h?.close());

/** Asks for an action needing approval and returns the request message once posted. */
async function requestApproval(text: string, user: string = USERS.operator): Promise<FakeMessage> {
  const since = h.slack.topLevel(CHANNELS.ops).length;
  await ephemeralAfter(h, () => h.command(text, { user }), 'needs an approval');
  return newTopLevel(h, CHANNELS.ops, since, (t) => t.includes('asks to'));
}

function current(message: FakeMessage): FakeMessage {
  return h.slack.messages.find((m) => m.channel === message.channel && m.ts === message.ts) ?? message;
}

/** chat.update calls on this message (the watcher updates other messages meanwhile). */
function updatesOf(message: FakeMessage): number {
  return h.slack
    .callsTo('chat.update')
    .filter((c) => c.args.channel === message.channel && c.args.ts === message.ts).length;
}

/** The request message as it was while the approved action ran (its EM task and Cancel button). */
function runningRequest(request: FakeMessage): Promise<FakeMessage> {
  return runningVersion(h, request);
}

describe('approvals', () => {
  it('asks in the channel instead of stopping at once, and runs the stop once an approver approves', async () => {
    const stops = posts(h, 'agents/jobs');
    const request = await requestApproval('stop Server Backup');
    expect(request.text).toContain(`<@${USERS.operator}> asks to Stop *Server Backup*`);
    const approve = buttonOf(request, ACTION_IDS.approve);
    expect(findButton(request, ACTION_IDS.deny)?.value).toBe(approve.value);
    expect(posts(h, 'agents/jobs')).toBe(stops);

    await h.click(approve, { user: USERS.approver, message: request });
    const running = await runningRequest(request);
    expect(messageText(running)).toContain(`Approved by <@${USERS.approver}>`);
    expect(findButton(running, ACTION_IDS.approve)).toBeUndefined();
    expect(findButton(running, ACTION_IDS.taskCancel)).toBeDefined();
    expect(posts(h, 'agents/jobs')).toBe(stops + 1);
    expect(auditLines(h)).toContainEqual(
      expect.objectContaining({
        action: 'stop',
        user: USERS.operator,
        approver: USERS.approver,
        outcome: 'approved',
      }),
    );
    // The accepted line follows the running message: wait for it rather than race it.
    const accepted = await h.waitFor(
      () => auditLines(h).find((l) => l.outcome === 'accepted' && l.approver === USERS.approver),
      { what: 'the accepted audit line' },
    );
    expect(accepted).toMatchObject({ action: 'stop', approver: USERS.approver });
  });

  it('never runs an approved request again on a later click, by the same or another approver', async () => {
    const request = await requestApproval('stop Server Backup');
    const approve = buttonOf(request, ACTION_IDS.approve);
    await h.click(approve, { user: USERS.approver, message: request });
    await runningRequest(request);
    const stops = posts(h, 'agents/jobs');
    await ephemeralAfter(
      h,
      () => h.click(approve, { user: USERS.approver2, message: request }),
      'already decided',
    );
    await ephemeralAfter(
      h,
      () => h.click(approve, { user: USERS.approver, message: request }),
      'already decided',
    );
    expect(posts(h, 'agents/jobs')).toBe(stops);
  });

  it('runs the action once when two approvers click at the same moment', async () => {
    const request = await requestApproval('stop Linux Web Servers');
    const approve = buttonOf(request, ACTION_IDS.approve);
    const stops = posts(h, 'agents/jobs');
    const before = h.slack.ephemerals.length;
    await Promise.all([
      h.click(approve, { user: USERS.approver, message: request }),
      h.click(approve, { user: USERS.approver2, message: request }),
      h.click(approve, { user: USERS.approver2, message: request }),
    ]);
    await runningRequest(request);
    await h.waitFor(
      () => h.slack.ephemerals.slice(before).filter((e) => e.text.includes('already decided')).length === 2,
      {
        what: 'the two losing clicks to be told',
      },
    );
    expect(posts(h, 'agents/jobs')).toBe(stops + 1);
  });

  it('refuses self-approval and keeps the request open', async () => {
    const request = await requestApproval('stop Server Backup SQL', USERS.operator2);
    const approve = buttonOf(request, ACTION_IDS.approve);
    const writes = emWrites(h);
    await ephemeralAfter(
      h,
      () => h.click(approve, { user: USERS.operator2, message: request }),
      'You asked for this yourself',
    );
    expect(findButton(current(request), ACTION_IDS.approve)).toBeDefined();
    expect(emWrites(h)).toBe(writes);
    // The audit line follows the answer to the user: wait for it rather than race it.
    const refused = await h.waitFor(
      () =>
        auditLines(h).find((l) => l.outcome === 'self-approval-refused' && l.approver === USERS.operator2),
      { what: 'the self-approval refusal in the audit log' },
    );
    expect(refused).toMatchObject({ action: 'stop', user: USERS.operator2 });
  });

  it('refuses approvals from people who are not approvers, even operators', async () => {
    const request = await requestApproval('stop Workstations Weekly');
    const approve = buttonOf(request, ACTION_IDS.approve);
    const writes = emWrites(h);
    await ephemeralAfter(
      h,
      () => h.click(approve, { user: USERS.viewer, message: request }),
      'VEEAM_APPROVERS',
    );
    await ephemeralAfter(
      h,
      () => h.click(buttonOf(request, ACTION_IDS.deny), { user: USERS.operator, message: request }),
      'VEEAM_APPROVERS',
    );
    expect(emWrites(h)).toBe(writes);
    await h.waitFor(
      () =>
        auditLines(h).filter(
          (l) => l.outcome === 'refused' && l.action === 'stop' && l.user === USERS.operator,
        ).length === 2 || undefined,
      { what: 'both refused clicks audited' },
    );
    expect(auditLines(h)).toContainEqual(
      expect.objectContaining({ outcome: 'refused', approver: USERS.viewer }),
    );
  });

  it('denies: the message says who and when, loses its buttons, and nothing is sent to EM', async () => {
    const request = await requestApproval('disable Server Backup');
    // Kept from before the decision: a late click on a stale copy of the message must still change nothing.
    const approve = buttonOf(request, ACTION_IDS.approve);
    const writes = emWrites(h);
    await h.click(buttonOf(request, ACTION_IDS.deny), { user: USERS.approver2, message: request });
    const denied = await h.waitFor(
      () => (current(request).text.includes('Denied by') ? current(request) : undefined),
      { what: 'the request to say it was denied' },
    );
    expect(denied.text).toContain(`<@${USERS.approver2}>`);
    expect(findButton(denied, ACTION_IDS.approve)).toBeUndefined();
    expect(findButton(denied, ACTION_IDS.deny)).toBeUndefined();
    await ephemeralAfter(h, () => h.click(approve, { user: USERS.approver, message: request }), 'Denied by');
    expect(emWrites(h)).toBe(writes);
    expect(auditLines(h)).toContainEqual(
      expect.objectContaining({ action: 'disable', approver: USERS.approver2, outcome: 'denied' }),
    );
  });

  it('disables a schedule after approval, toggling exactly once', async () => {
    const request = await requestApproval(`disable ${SIM_JOB_IDS.linuxWeb}`);
    const toggles = posts(h, 'agents/jobs');
    await h.click(buttonOf(request, ACTION_IDS.approve), { user: USERS.approver, message: request });
    const disabled = await h.waitFor(
      () => h.sim.listJobs().find((j) => j.id === SIM_JOB_IDS.linuxWeb)?.scheduleEnabled === false,
      { what: 'EM to show the schedule disabled' },
    );
    expect(disabled).toBe(true);
    expect(posts(h, 'agents/jobs')).toBe(toggles + 1);
  });

  it('says at once when a disable is not needed, without asking for approval', async () => {
    const since = h.slack.topLevel(CHANNELS.ops).length;
    await ephemeralAfter(h, () => h.command('disable Linux DB Servers'), 'already disabled');
    expect(h.slack.topLevel(CHANNELS.ops).length).toBe(since);
  });

  it('stops a backup session after approval', async () => {
    const session = h.sim.addSession({
      jobId: SIM_JOB_IDS.vmFileserver,
      state: 'Working',
      jobType: 'Backup',
    });
    const request = await requestApproval(`session stop ${session.id}`);
    expect(request.text).toContain('Stop session');
    const stops = posts(h, 'backupSessions');
    await h.click(buttonOf(request, ACTION_IDS.approve), { user: USERS.approver, message: request });
    await h.waitFor(() => posts(h, 'backupSessions') > stops, { what: 'POST /backupSessions/{id}' });
    expect(posts(h, 'backupSessions')).toBe(stops + 1);
  });

  it('says when no backup session has the ID to stop, and asks nobody to approve', async () => {
    const since = h.slack.topLevel(CHANNELS.ops).length;
    await ephemeralAfter(
      h,
      () => h.command('session stop 00000000-0000-4000-8000-000000000000'),
      'No backup or replication session has ID',
    );
    expect(h.slack.topLevel(CHANNELS.ops).length).toBe(since);
  });

  it('posts the request in the thread when the origin was in a thread', async () => {
    // The thread root is this test's own channel message: the running parent of a start.
    const since = h.slack.topLevel(CHANNELS.ops).length;
    await h.command('start Linux DB Servers');
    const root = await newTopLevel(h, CHANNELS.ops, since, (t) => /EM task task-\d+/.test(t));
    await h.click({ actionId: ACTION_IDS.jobStop, value: SIM_JOB_IDS.serverBackup }, { message: root });
    const request = await h.waitFor(
      () => h.slack.thread(CHANNELS.ops, root.ts).find((m) => m.text.includes('asks to Stop')),
      { what: 'the approval request in the thread' },
    );
    const approve = buttonOf(request, ACTION_IDS.approve);
    await h.click(approve, { user: USERS.approver, message: request });
    const running = await runningRequest(request);
    expect(running.threadTs).toBe(root.ts);
  });

  it('answers a click on an unknown request privately, and changes no message', async () => {
    const request = await requestApproval('stop Server Backup');
    const updates = updatesOf(request);
    const writes = emWrites(h);
    // The clicked message is the bot's request; an unknown ID on it must not make the bot overwrite it.
    await ephemeralAfter(
      h,
      () =>
        h.click(
          {
            actionId: ACTION_IDS.approve,
            value: 'apr-0000000000000000',
            blockId: 'approval:apr-0000000000000000',
          },
          { user: USERS.approver, message: request },
        ),
      'no longer known',
    );
    expect(updatesOf(request)).toBe(updates);
    expect(current(request).updates).toBe(request.updates);
    expect(findButton(current(request), ACTION_IDS.approve)).toBeDefined();
    expect(emWrites(h)).toBe(writes);
  });

  const elsewhere: Array<
    [string, (request: FakeMessage, other: FakeMessage) => Parameters<Harness['click']>]
  > = [
    [
      'on another request message',
      (request, other) => [buttonOf(request, ACTION_IDS.approve), { user: USERS.approver, message: other }],
    ],
    [
      'in another channel',
      (request) => [
        buttonOf(request, ACTION_IDS.approve),
        { user: USERS.approver, message: request, channel: CHANNELS.incident },
      ],
    ],
    [
      'in another block of its message',
      (request) => [
        { ...buttonOf(request, ACTION_IDS.approve), blockId: 'job:other' },
        { user: USERS.approver, message: request },
      ],
    ],
  ];
  it.each(elsewhere)(
    'refuses an approval clicked %s, and decides and changes nothing',
    async (_label, click) => {
      const request = await requestApproval('stop Server Backup');
      const other = await requestApproval('stop Linux Web Servers');
      const updates = updatesOf(request) + updatesOf(other);
      const stops = posts(h, 'agents/jobs');
      const audits = auditLines(h).length;

      await ephemeralAfter(
        h,
        () => h.click(...click(request, other)),
        'does not belong to the approval request',
      );

      expect(updatesOf(request) + updatesOf(other)).toBe(updates);
      expect(posts(h, 'agents/jobs')).toBe(stops);
      expect(auditLines(h).slice(audits)).toContainEqual(
        expect.objectContaining({
          action: 'stop',
          approver: USERS.approver,
          outcome: 'refused',
          detail: expect.stringMatching(/^clicked (in|on) another/),
        }),
      );
      // Still pending: its own button, on its own message, decides it.
      await h.click(buttonOf(request, ACTION_IDS.approve), { user: USERS.approver, message: request });
      expect(messageText(await runningRequest(request))).toContain(`Approved by <@${USERS.approver}>`);
      await h.click(buttonOf(other, ACTION_IDS.deny), { user: USERS.approver, message: other });
      await h.waitFor(() => (current(other).text.includes('Denied by') ? true : undefined), {
        what: 'the other request to be denied',
      });
    },
  );
});
