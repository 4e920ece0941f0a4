import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { ACTION_IDS } from '../../src/slack/action-ids.js';
import type { FakeMessage } from '../../src/slack-standin/fake-slack-api.js';
import { CHANNELS, GROUPS, type Harness, startHarness, USERS } from '../support/harness.js';
import {
  auditLines,
  buttonOf,
  deletes,
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
  h = await startHarness();
});
afterAll(() => h?.close());

function scheduleEnabled(jobId: string): boolean | undefined {
  return h.sim.listJobs().find((j) => j.id === jobId)?.scheduleEnabled;
}

/** The bot's parent message for an action, once EM accepted it (it carries the task ID). */
/** The action's parent message as it was while the Task ran (a fast Task replaces it with the result at once). */
async function runningParent(since: number, jobName: string): Promise<FakeMessage> {
  const parent = await newTopLevel(
    h,
    CHANNELS.ops,
    since,
    (t) => t.includes(jobName) && /EM task task-\d+/.test(t),
  );
  return runningVersion(h, parent);
}

describe('direct writes', () => {
  it('starts a job: posts a parent, updates it with the task and Cancel, and the watcher replies in its thread', async () => {
    const since = h.slack.topLevel(CHANNELS.ops).length;
    const starts = posts(h, 'agents/jobs');
    const ack = await h.command('start Server Backup');
    expect(ack.status).toBe(200);
    const parent = await runningParent(since, 'Server Backup');
    const taskId = /EM task (task-\d+)/.exec(parent.text)?.[1];
    expect(findButton(parent, ACTION_IDS.taskCancel)?.value).toBe(taskId);
    expect(posts(h, 'agents/jobs')).toBe(starts + 1);
    await h.waitFor(() => h.slack.thread(CHANNELS.ops, parent.ts).length > 0, {
      what: 'a reply from the watcher',
    });
    expect(auditLines(h)).toContainEqual(
      expect.objectContaining({
        user: USERS.operator,
        channel: CHANNELS.ops,
        action: 'start',
        target: SIM_JOB_IDS.serverBackup,
        taskId,
        outcome: 'accepted',
      }),
    );
  });

  it('lets members of an operator user group write', async () => {
    const since = h.slack.topLevel(CHANNELS.ops).length;
    await h.command('retry Linux Web', { user: USERS.groupMember });
    const parent = await runningParent(since, 'Linux Web Servers');
    expect(parent.text).toContain(`<@${USERS.groupMember}>`);
    expect(
      h.slack.calls.some((c) => c.method === 'usergroups.users.list' && c.args.usergroup === GROUPS.oncall),
    ).toBe(true);
  });

  it('refuses writes to non-operators, by command and by button, without touching EM', async () => {
    const writes = emWrites(h);
    await ephemeralAfter(
      h,
      () => h.command('start Server Backup', { user: USERS.viewer }),
      'VEEAM_OPERATORS',
    );
    await ephemeralAfter(
      h,
      () =>
        h.click({ actionId: ACTION_IDS.jobStart, value: SIM_JOB_IDS.serverBackup }, { user: USERS.viewer }),
      'VEEAM_OPERATORS',
    );
    expect(emWrites(h)).toBe(writes);
  });

  it('runs Start from a card button for the clicking operator', async () => {
    const since = h.slack.topLevel(CHANNELS.ops).length;
    await h.click({ actionId: ACTION_IDS.jobStart, value: SIM_JOB_IDS.linuxWeb }, { user: USERS.operator2 });
    const parent = await runningParent(since, 'Linux Web Servers');
    expect(parent.text).toContain(`requested by <@${USERS.operator2}>`);
  });

  it('threads the work under a channel message whose button was clicked', async () => {
    // The root is this test's own channel message: the running parent of another start.
    const since = h.slack.topLevel(CHANNELS.ops).length;
    await h.command(`start ${SIM_JOB_IDS.linuxDb}`);
    const root = await runningParent(since, 'Linux DB Servers');
    const before = h.slack.thread(CHANNELS.ops, root.ts).length;
    await h.click({ actionId: ACTION_IDS.jobStart, value: SIM_JOB_IDS.serverBackupSql }, { message: root });
    const threaded = await h.waitFor(
      () =>
        h.slack
          .thread(CHANNELS.ops, root.ts)
          .slice(before)
          .find((m) => m.text.includes('Server Backup SQL') && /EM task task-\d+/.test(m.text)),
      { what: "the Server Backup SQL parent in the clicked message's thread" },
    );
    expect(threaded.threadTs).toBe(root.ts);
    expect(
      h.slack
        .topLevel(CHANNELS.ops)
        .slice(since)
        .some((m) => m.text.includes('Server Backup SQL')),
    ).toBe(false);
  });

  it('enables a disabled schedule once when two enable commands race, and says the other was not needed', async () => {
    expect(scheduleEnabled(SIM_JOB_IDS.linuxDb)).toBe(false);
    const toggles = posts(h, 'agents/jobs');
    const since = h.slack.topLevel(CHANNELS.ops).length;
    const ephemerals = h.slack.ephemerals.length;
    await Promise.all([
      h.command('enable Linux DB Servers'),
      h.command('enable Linux DB Servers', { user: USERS.operator2 }),
    ]);
    // The loser learns it either from its pre-check (ephemeral) or inside the per-job lock (its parent message).
    await h.waitFor(
      () =>
        h.slack
          .topLevel(CHANNELS.ops)
          .slice(since)
          .some((m) => m.text.includes('already enabled')) ||
        h.slack.ephemerals.slice(ephemerals).some((e) => e.text.includes('already enabled')),
      { what: 'the second enable to say nothing was needed' },
    );
    await h.waitFor(() => scheduleEnabled(SIM_JOB_IDS.linuxDb) === true, { what: 'EM to show it enabled' });
    expect(posts(h, 'agents/jobs')).toBe(toggles + 1);
  });

  it('says an enabled schedule is already enabled, and asks EM for no change', async () => {
    expect(scheduleEnabled(SIM_JOB_IDS.serverBackup)).toBe(true);
    const toggles = posts(h, 'agents/jobs');
    const told = await ephemeralAfter(h, () => h.command('enable Server Backup'), 'already enabled');
    expect(told.text).toContain('nothing to do');
    expect(posts(h, 'agents/jobs')).toBe(toggles);
  });

  it('flips the schedule with the raw toggle', async () => {
    const was = scheduleEnabled(SIM_JOB_IDS.workstations);
    const since = h.slack.topLevel(CHANNELS.ops).length;
    await h.command(`toggle ${SIM_JOB_IDS.workstations}`);
    // A toggle is an enable or a disable, and disable needs an approval by default.
    const request = await newTopLevel(h, CHANNELS.ops, since, (t) => t.includes('asks to Toggle schedule'));
    await h.click(buttonOf(request, ACTION_IDS.approve), { user: USERS.approver, message: request });
    await runningParent(since, 'Workstations Weekly');
    const flipped = await h.waitFor(() => scheduleEnabled(SIM_JOB_IDS.workstations) === !was, {
      what: 'EM to show the schedule flipped',
    });
    expect(flipped).toBe(true);
  });
});

describe('Cancel', () => {
  /** A start whose Task runs for 5 s, so its Cancel button is still live when clicked. */
  async function slowStart(jobName: string) {
    h.sim.knobs.taskDurationMs = 5_000;
    try {
      const since = h.slack.topLevel(CHANNELS.ops).length;
      await h.command(`start ${jobName}`);
      const parent = await runningParent(since, jobName);
      return { parent, cancel: buttonOf(parent, ACTION_IDS.taskCancel) };
    } finally {
      h.sim.knobs.taskDurationMs = 100;
    }
  }

  it('cancels a running task for an operator', async () => {
    const { parent, cancel } = await slowStart('Server Backup SQL');
    const deleted = deletes(h, 'tasks');
    await h.click(cancel, { user: USERS.operator2, message: parent });
    await h.waitFor(() => deletes(h, 'tasks') > deleted, { what: 'DELETE /tasks/{id}' });
    expect(deletes(h, 'tasks')).toBe(deleted + 1);
  });

  it('refuses Cancel to a viewer, and deletes nothing', async () => {
    const { parent, cancel } = await slowStart('Linux DB Servers');
    const deleted = deletes(h, 'tasks');
    await ephemeralAfter(
      h,
      () => h.click(cancel, { user: USERS.viewer, message: parent }),
      'VEEAM_OPERATORS',
    );
    expect(deletes(h, 'tasks')).toBe(deleted);
  });
});

describe('Cancel refused', () => {
  it('answers privately when the task already finished, and deletes nothing', async () => {
    const since = h.slack.topLevel(CHANNELS.ops).length;
    await h.command('start Linux Web');
    const parent = await runningParent(since, 'Linux Web');
    const cancel = buttonOf(parent, ACTION_IDS.taskCancel);
    await h.waitFor(() => h.slack.thread(CHANNELS.ops, parent.ts).length > 0, { what: 'the Task reply' });
    const deleted = deletes(h, 'tasks');
    // Still following the backup ("already finished") or done with it ("not watching"): nothing is cancelled.
    await ephemeralAfter(
      h,
      () => h.click(cancel, { user: USERS.operator2, message: parent }),
      /already finished|I am not watching/,
    );
    expect(deletes(h, 'tasks')).toBe(deleted);
    expect(auditLines(h)).toContainEqual(
      expect.objectContaining({ user: USERS.operator2, action: 'task-cancel', outcome: 'refused' }),
    );
  });

  it('answers privately for a task the bot is not watching, and sends no DELETE', async () => {
    const task = await h.em.runJobAction(await h.em.getJob(SIM_JOB_IDS.workstations, 'agent'), 'start');
    const deleted = deletes(h, 'tasks');
    await ephemeralAfter(
      h,
      () => h.click({ actionId: ACTION_IDS.taskCancel, value: task.id }, { user: USERS.operator }),
      `I am not watching EM task ${task.id}; nothing was cancelled.`,
    );
    expect(deletes(h, 'tasks')).toBe(deleted);
  });
});

describe('EM failures reach the user', () => {
  it("shows EM's own message when EM refuses the action", async () => {
    h.sim.knobs.forceStatus = {
      status: 500,
      count: 1,
      path: /action=start/,
      message: 'Job is locked by another operation',
    };
    const since = h.slack.topLevel(CHANNELS.ops).length;
    await h.command('start Server Backup');
    const parent = await newTopLevel(h, CHANNELS.ops, since, (t) => t.includes('failed'));
    expect(messageText(parent)).toContain('Enterprise Manager said: Job is locked by another operation');
    // The audit line is written after the parent shows the failure: wait for it rather than race it.
    const failed = await h.waitFor(
      () => auditLines(h).find((l) => l.action === 'start' && l.outcome === 'failed'),
      { what: 'the failed audit line' },
    );
    expect(failed).toMatchObject({ action: 'start', outcome: 'failed' });
  });

  it('says EM took the logon but refused the request when a call is still 401 after logging on again', async () => {
    h.sim.knobs.forceStatus = { status: 401, count: 2, path: /action=start/ };
    const since = h.slack.topLevel(CHANNELS.ops).length;
    await h.command('start Server Backup');
    const parent = await newTopLevel(h, CHANNELS.ops, since, (t) => t.includes('failed'));
    expect(messageText(parent)).toContain("accepted the bot's logon but refused the request");
  });

  it('tells the user when EM cannot be reached, and posts no action message', async () => {
    h.sim.knobs.dropConnections = 20;
    try {
      const since = h.slack.topLevel(CHANNELS.ops).length;
      await ephemeralAfter(
        h,
        () => h.command(`start ${SIM_JOB_IDS.workstations}`),
        'Enterprise Manager is unreachable',
      );
      expect(h.slack.topLevel(CHANNELS.ops)).toHaveLength(since);
    } finally {
      h.sim.knobs.dropConnections = 0;
    }
  });

  it('answers privately when EM fails a read', async () => {
    // One 503 is retried by the client; three in a row reach the user.
    h.sim.knobs.forceStatus = { status: 503, count: 3, path: /type=AgentBackupJob/ };
    const e = await ephemeralAfter(h, () => h.command('jobs', { user: USERS.viewer }), 'That did not work');
    expect(e.text).toContain('/veeam help');
  });
});
