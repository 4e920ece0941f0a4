import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { ACTION_IDS, PREVIEW_IDS } from '../../src/slack/action-ids.js';
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
} from './e2e-helpers.js';

let h: Harness;
beforeAll(async () => {
  // Previews on for every write, as by default.
  h = await startHarness({ env: { VEEAM_CONFIRM_ACTIONS: undefined } });
});
afterAll(() => h?.close());

async function previewOf(text: string, user: string = USERS.operator) {
  return ephemeralAfter(h, () => h.command(text, { user }), 'Preview:');
}

describe('preview before confirm', () => {
  it('shows what a start will do, to which job and its state now, and sends nothing before Confirm', async () => {
    const writes = emWrites(h);
    const preview = await previewOf('start Server Backup');
    const text = messageText(preview);
    expect(text).toContain('Start *Server Backup* (Agent backup, Windows)');
    expect(text).toContain('schedule on');
    expect(text).toContain('not running');
    expect(text).toContain('next run');
    expect(text).toContain('sent to Enterprise Manager at once');
    expect(findButton(preview, PREVIEW_IDS.cancel)).toBeDefined();
    expect(emWrites(h)).toBe(writes);

    const since = h.slack.topLevel(CHANNELS.ops).length;
    await h.click(buttonOf(preview, PREVIEW_IDS.confirm));
    await newTopLevel(h, CHANNELS.ops, since, (t) => t.includes('Server Backup'));
    await h.waitFor(() => posts(h, 'agents/jobs') > 0, { what: 'the start to reach EM' });
    expect(emWrites(h)).toBe(writes + 1);
  });

  it('changes nothing on Cancel, and the cancelled preview cannot be confirmed later', async () => {
    const writes = emWrites(h);
    const preview = await previewOf('start Linux Web Servers');
    await ephemeralAfter(h, () => h.click(buttonOf(preview, PREVIEW_IDS.cancel)), 'Cancelled');
    await ephemeralAfter(h, () => h.click(buttonOf(preview, PREVIEW_IDS.confirm)), 'no longer known');
    expect(emWrites(h)).toBe(writes);
  });

  it('does not act when the job started since the preview: it says so and shows a fresh preview', async () => {
    h.sim.knobs.backupDurationMs = 60_000;
    try {
      const preview = await previewOf('start Server Backup SQL');
      expect(messageText(preview)).toContain('not running');
      const job = await h.em.getJob(SIM_JOB_IDS.serverBackupSql);
      await h.em.runJobAction(job, 'start');
      await h.waitFor(
        () =>
          h.sim.listSessions().find((s) => s.jobId === SIM_JOB_IDS.serverBackupSql && s.state !== 'Stopped'),
        { what: 'the job to run' },
      );
      const writes = emWrites(h);
      const again = await ephemeralAfter(
        h,
        () => h.click(buttonOf(preview, PREVIEW_IDS.confirm)),
        'Since the preview, it started running',
      );
      expect(messageText(again)).toContain('running now');
      expect(auditLines(h)).toContainEqual(
        expect.objectContaining({ action: 'start', outcome: 'changed-since-preview', detail: 'started' }),
      );
      expect(findButton(again, PREVIEW_IDS.confirm)?.value).not.toBe(
        buttonOf(preview, PREVIEW_IDS.confirm).value,
      );
      expect(emWrites(h)).toBe(writes);
    } finally {
      h.sim.knobs.backupDurationMs = 300;
    }
  });

  it('does not act when the schedule was switched since the preview', async () => {
    const preview = await previewOf('disable Linux Web Servers');
    expect(messageText(preview)).toContain(`<@${USERS.approver}> or <@${USERS.approver2}> must approve`);
    const job = await h.em.getJob(SIM_JOB_IDS.linuxWeb);
    await h.em.runJobAction(job, 'toggleScheduleEnabled');
    await h.waitFor(() => h.sim.listJobs().find((j) => j.id === SIM_JOB_IDS.linuxWeb && !j.scheduleEnabled), {
      what: 'the schedule to be off',
    });
    const writes = emWrites(h);
    const again = await ephemeralAfter(
      h,
      () => h.click(buttonOf(preview, PREVIEW_IDS.confirm)),
      'its schedule was switched off',
    );
    expect(messageText(again)).toContain('schedule off');
    expect(emWrites(h)).toBe(writes);
    // Put it back for the other tests.
    await h.em.runJobAction(await h.em.getJob(SIM_JOB_IDS.linuxWeb), 'toggleScheduleEnabled');
    await h.waitFor(() => h.sim.listJobs().find((j) => j.id === SIM_JOB_IDS.linuxWeb && j.scheduleEnabled), {
      what: 'the schedule to be on again',
    });
  });

  it('goes on to the approval on Confirm, and a later preview of the job mentions the pending request', async () => {
    const writes = emWrites(h);
    const preview = await previewOf('disable Server Backup');
    expect(messageText(preview)).toContain('must approve before anything is sent');
    await ephemeralAfter(h, () => h.click(buttonOf(preview, PREVIEW_IDS.confirm)), 'needs an approval');
    const second = await previewOf('disable Server Backup', USERS.operator2);
    expect(messageText(second)).toContain(`Disable schedule asked for by <@${USERS.operator}>`);
    expect(messageText(second)).toContain('waiting for an approver');
    expect(emWrites(h)).toBe(writes);
  });

  it('lets only its asker confirm a preview, and reads no forged value', async () => {
    const writes = emWrites(h);
    const preview = await previewOf('start Workstations Weekly');
    const confirm = buttonOf(preview, PREVIEW_IDS.confirm);
    await ephemeralAfter(
      h,
      () => h.click(confirm, { user: USERS.viewer }),
      `Only <@${USERS.operator}> can confirm`,
    );
    await ephemeralAfter(
      h,
      () => h.click(confirm, { user: USERS.operator2 }),
      `Only <@${USERS.operator}> can confirm`,
    );
    await ephemeralAfter(
      h,
      () => h.click({ ...confirm, value: 'pvw-0123456789abcdef' }, { user: USERS.viewer }),
      'no longer known',
    );
    await ephemeralAfter(
      h,
      () => h.click({ ...confirm, value: `start:${SIM_JOB_IDS.serverBackup}` }),
      'not one I can read',
    );
    expect(emWrites(h)).toBe(writes);
    await ephemeralAfter(h, () => h.click(buttonOf(preview, PREVIEW_IDS.cancel)), 'Cancelled');
  });

  it('previews a session stop with the session running now and its progress', async () => {
    const session = h.sim.addSession({
      jobId: SIM_JOB_IDS.vmFileserver,
      state: 'Working',
      jobType: 'Backup',
    });
    const writes = emWrites(h);
    const preview = await previewOf(`session stop ${session.id}`);
    expect(messageText(preview)).toMatch(
      /Stop session session \*Fileserver Backup@.*\* \(a backup session of the job Fileserver Backup\)/,
    );
    expect(messageText(preview)).toMatch(/running since .*, \d+ % done/);
    h.sim.finishSession(session.id, { result: 'Success' });
    await ephemeralAfter(
      h,
      () => h.click(buttonOf(preview, PREVIEW_IDS.confirm)),
      'Since the preview, the session ended',
    );
    expect(emWrites(h)).toBe(writes);
  });

  it('tells a later preview of the job what was just sent to it', async () => {
    h.sim.knobs.backupDurationMs = 60_000;
    try {
      const first = await previewOf('start Exchange Backup');
      await h.click(buttonOf(first, PREVIEW_IDS.confirm));
      await h.waitFor(
        () => h.sim.listSessions().find((s) => s.jobId === SIM_JOB_IDS.hvExchange && s.state !== 'Stopped'),
        { what: 'the job to run' },
      );
      const stop = await previewOf('stop Exchange Backup', USERS.operator2);
      expect(messageText(stop)).toMatch(/running now \(since .*, \d+ % done\)/);
      expect(messageText(stop)).toMatch(
        new RegExp(`Start sent by <@${USERS.operator}> \\d+ min ago \\(EM task task-\\d+\\)`),
      );
      await ephemeralAfter(
        h,
        () => h.click(buttonOf(stop, PREVIEW_IDS.cancel), { user: USERS.operator2 }),
        'Cancelled',
      );
    } finally {
      h.sim.knobs.backupDurationMs = 300;
    }
  });

  it('previews a job card button too', async () => {
    const writes = emWrites(h);
    const preview = await ephemeralAfter(
      h,
      () => h.click({ actionId: ACTION_IDS.jobStart, value: SIM_JOB_IDS.linuxWeb }),
      'Preview:',
    );
    expect(messageText(preview)).toContain('Start *Linux Web Servers* (Agent backup, Linux)');
    expect(emWrites(h)).toBe(writes);
  });
});

describe('pick lists and "did you mean" continue the action', () => {
  it('leads from a pick after `/veeam start serv` to the start preview, not to the job card', async () => {
    const pick = await ephemeralAfter(h, () => h.command('start serv'), 'pick one to start');
    const sql = buttonOf(pick, ACTION_IDS.pickJob, `start:${SIM_JOB_IDS.serverBackupSql}`);
    const preview = await ephemeralAfter(h, () => h.click(sql), 'Preview:');
    expect(messageText(preview)).toContain('Start *Server Backup SQL*');
    expect(messageText(preview)).not.toContain('Last sessions');
  });

  it('leads from "Server Backup" picked after `/veeam stop serv` to the stop\'s preview of the running job', async () => {
    h.sim.knobs.backupDurationMs = 60_000;
    try {
      await h.em.runJobAction(await h.em.getJob(SIM_JOB_IDS.serverBackup), 'start');
      await h.waitFor(
        () => h.sim.listSessions().find((s) => s.jobId === SIM_JOB_IDS.serverBackup && s.state !== 'Stopped'),
        { what: 'the job to run' },
      );
      const writes = emWrites(h);
      const pick = await ephemeralAfter(h, () => h.command('stop serv'), 'pick one to stop');
      const server = buttonOf(pick, ACTION_IDS.pickJob, `stop:${SIM_JOB_IDS.serverBackup}`);
      const preview = await ephemeralAfter(h, () => h.click(server), 'Preview:');
      expect(messageText(preview)).toContain('Stop *Server Backup* (Agent backup, Windows)');
      expect(messageText(preview)).toMatch(/running now \(since .*, \d+ % done\)/);
      expect(emWrites(h)).toBe(writes);
      await ephemeralAfter(h, () => h.click(buttonOf(preview, PREVIEW_IDS.cancel)), 'Cancelled');
      await h.em.runJobAction(await h.em.getJob(SIM_JOB_IDS.serverBackup), 'stop');
    } finally {
      h.sim.knobs.backupDurationMs = 300;
    }
  });

  it('offers "did you mean" names as buttons that continue the action', async () => {
    const none = await ephemeralAfter(h, () => h.command('disable Servr Backup'), 'Did you mean');
    const suggestion = buttonOf(none, ACTION_IDS.pickJob, `disable:${SIM_JOB_IDS.serverBackup}`);
    const preview = await ephemeralAfter(h, () => h.click(suggestion), 'Preview:');
    expect(messageText(preview)).toContain('Disable schedule *Server Backup*');
  });

  it('checks the rights of whoever clicks a pick', async () => {
    const writes = emWrites(h);
    await ephemeralAfter(
      h,
      () =>
        h.click(
          { actionId: `${ACTION_IDS.pickJob}:0`, value: `start:${SIM_JOB_IDS.serverBackup}` },
          { user: USERS.viewer },
        ),
      'Only operators',
    );
    expect(emWrites(h)).toBe(writes);
  });

  it('still shows the card for a pick after `/veeam job`', async () => {
    const pick = await ephemeralAfter(h, () => h.command('job serv', { user: USERS.viewer }), 'pick one');
    const card = await ephemeralAfter(
      h,
      () => h.click(buttonOf(pick, ACTION_IDS.pickJob, SIM_JOB_IDS.serverBackup), { user: USERS.viewer }),
      'Last sessions',
    );
    expect(findButton(card, ACTION_IDS.jobStart)).toBeDefined();
  });
});

describe('help that fits the asker', () => {
  it('shows a non-operator only the reads, and how rights are granted', async () => {
    const help = await ephemeralAfter(
      h,
      () => h.command('help', { user: USERS.viewer }),
      'what you can do here',
    );
    expect(help.text).toContain('/veeam jobs');
    expect(help.text).not.toContain('/veeam start');
    expect(help.text).not.toContain('*Approvals*');
    expect(help.text).toContain('add you to `VEEAM_OPERATORS` or to one of the user groups');
    expect(help.blocks ?? []).toEqual([]);
  });

  it('shows an operator the writes, which need an approver and which a preview', async () => {
    const help = await ephemeralAfter(
      h,
      () => h.command('', { user: USERS.groupMember }),
      'what you can do here',
    );
    expect(help.text).toContain(
      '/veeam start <job>` — start a job now (a backup copy job is synced) _(preview first)_',
    );
    expect(help.text).toMatch(/\/veeam stop <job>` — .*_\(preview first, needs an approver\)_/);
    expect(help.text).not.toContain('VEEAM_OPERATORS');
    expect(help.text).not.toContain('*Approvals*');
  });

  it('tells an approver how approvals work', async () => {
    const help = await ephemeralAfter(
      h,
      () => h.command('help', { user: USERS.approver }),
      'what you can do here',
    );
    expect(help.text).toContain('*Approvals* (you are an approver)');
    expect(help.text).toContain('`stop`, `disable`, `toggle`, `session-stop`');
    expect(help.text).not.toContain('/veeam start');
  });

  it('says where commands are taken when asked elsewhere', async () => {
    const help = await ephemeralAfter(
      h,
      () => h.command('help', { user: USERS.operator, channel: CHANNELS.other }),
      'takes commands only in',
    );
    expect(help.text).toContain(`<#${CHANNELS.ops}>`);
    expect(help.text).not.toContain('/veeam start');
  });
});
