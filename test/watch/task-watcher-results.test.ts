// The watcher end to end: real simulator + EmClient over HTTP, real WebClient against the fake Slack Web API.

import { afterEach, describe, expect, it } from 'vitest';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { waitFor } from '../support/wait-for.js';
import { idle, job, textOf, WatchKit } from './watch-kit.js';

const SERVER_BACKUP = job(SIM_JOB_IDS.serverBackup, 'Server Backup');
const LINUX_DB = job(SIM_JOB_IDS.linuxDb, 'Linux DB Servers');

let kit: WatchKit;
afterEach(async () => {
  await kit?.close();
});

describe('TaskWatcher results', () => {
  it('follows a start to the end of its backup session, in the right thread, and updates the parent', async () => {
    kit = await WatchKit.start();
    const run = await kit.act('start', SERVER_BACKUP, { approvedBy: 'UAPPR1' });
    await idle(kit.watcher);

    const replies = run.replies();
    expect(replies).toHaveLength(2);
    expect(replies[0]?.text).toContain('✅ Start *Server Backup*: EM delivered the command');
    expect(replies[0]?.text).toContain('EM: "Job "Server Backup" triggered to start."');
    expect(replies[1]?.text).toMatch(
      /✅ Start \*Server Backup\*: backup session \*Server Backup@.*\* ended: \*Success\*/,
    );
    for (const reply of replies) {
      expect(reply.text).toContain('Requested by <@UOPER1>, approved by <@UAPPR1>');
      expect(reply.text).not.toContain('OperationFinished');
    }
    // Nothing landed anywhere else.
    expect(
      kit.fake.messages.filter((m) => m.threadTs !== undefined && m.threadTs !== run.spec.threadTs),
    ).toEqual([]);

    const parent = await waitFor(() => run.parent().updates >= 2 && run.parent(), {
      what: 'the final parent update',
    });
    expect(parent.updates).toBe(2);
    expect(parent.text).toContain('✅ Start *Server Backup*: backup *Success*');
    expect(textOf(parent)).not.toContain('task_cancel');
    expect(parent.blocks?.some((b: { type: string }) => b.type === 'actions')).toBe(false);
  });

  it('reports a Failed backup with the object that failed and the Reason EM gives on its task session', async () => {
    kit = await WatchKit.start();
    kit.sim.setNextRunOutcome(SIM_JOB_IDS.serverBackup, {
      result: 'Failed',
      message: 'Cannot access volume C:',
    });
    const run = await kit.act('start', SERVER_BACKUP);
    await idle(kit.watcher);
    const last = run.replies().at(-1);
    expect(last?.text).toContain('❌ Start *Server Backup*');
    expect(last?.text).toContain('*Failed*');
    // Real EM leaves FailureMessage null: the reason comes from the task sessions, object by object.
    expect(kit.sim.listSessions().at(-1)?.failureMessage).toBe('Cannot access volume C:');
    expect(last?.text).toContain('• *srv-app01.tech.local*: Cannot access volume C:');
    expect(last?.text).not.toContain('srv-app02.tech.local');
    expect(last?.blocks?.[1]).toMatchObject({ type: 'section' });
    expect(kit.watcher.stats().em.listTaskSessions).toBe(1);
    await waitFor(() => run.parent().text.includes('❌'), { what: `the parent to show ${'❌'}` });
    expect(run.parent().text).toContain('1 object with problems; see the thread.');
  });

  it('follows the session a retry started (after a failed run)', async () => {
    kit = await WatchKit.start();
    kit.sim.setNextRunOutcome(SIM_JOB_IDS.serverBackup, { result: 'Failed', message: 'First run broke' });
    await kit.act('start', SERVER_BACKUP);
    await idle(kit.watcher);

    kit.sim.setNextRunOutcome(SIM_JOB_IDS.serverBackup, {
      result: 'Warning',
      message: 'Some files were skipped',
    });
    const retry = await kit.act('retry', SERVER_BACKUP);
    await idle(kit.watcher);
    const replies = retry.replies();
    expect(replies).toHaveLength(2);
    expect(replies[0]?.text).toContain('triggered to retry');
    expect(replies[1]?.text).toContain('⚠️ Retry *Server Backup*');
    expect(replies[1]?.text).toContain('*Warning*');
    expect(replies[1]?.text).toContain('• *srv-app01.tech.local* (warning): Some files were skipped');
  });

  it("reports a failed Task with EM's message verbatim and does not follow any session", async () => {
    kit = await WatchKit.start();
    const run = await kit.act('stop', SERVER_BACKUP);
    await idle(kit.watcher);
    const replies = run.replies();
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain('❌ Stop *Server Backup*: failed');
    expect(replies[0]?.text).toContain('EM: "Job "Server Backup" is not running."');
    await waitFor(() => run.parent().text.includes('❌ Stop *Server Backup*: failed.'), {
      what: `the parent to show ${'❌ Stop *Server Backup*: failed.'}`,
    });
  });

  it('confirms a job stop by the running session ending', async () => {
    kit = await WatchKit.start({ sim: { backupDurationMs: 30_000 } });
    await kit.act('start', SERVER_BACKUP);
    await waitFor(
      () => kit.sim.listSessions().some((s) => s.jobId === SIM_JOB_IDS.serverBackup && s.state === 'Working'),
      { what: 'a running session' },
    );
    const stop = await kit.act('stop', SERVER_BACKUP, { approvedBy: 'UAPPR1' });
    const replies = await waitFor(() => stop.replies().length >= 2 && stop.replies(), {
      what: 'the stop confirmation',
    });
    expect(replies[0]?.text).toContain('triggered to stop');
    expect(replies[1]?.text).toMatch(
      /✅ Stop \*Server Backup\*: confirmed: session \*Server Backup@.*\* is Stopped/,
    );
    expect(replies[1]?.text).toContain('its result: Failed');
    await waitFor(() => stop.parent().text.includes('session stopped'), {
      what: `the parent to show ${'session stopped'}`,
    });
  });

  it('confirms a session stop', async () => {
    kit = await WatchKit.start({ sim: { backupDurationMs: 30_000 } });
    await kit.act('start', SERVER_BACKUP);
    const session = await waitFor(
      () =>
        kit.sim
          .listSessions()
          .find(
            (s) =>
              s.jobId === SIM_JOB_IDS.serverBackup && s.state === 'Working' && s.jobType === 'AgentBackup',
          ),
      { what: 'a running session' },
    );
    const run = await kit.act('session-stop', {
      kind: 'session',
      sessionId: session.id,
      sessionName: 'Server Backup (running)',
      jobId: SIM_JOB_IDS.serverBackup,
      jobName: 'Server Backup',
    });
    const replies = await waitFor(() => run.replies().length >= 2 && run.replies(), {
      what: 'the session-stop confirmation',
    });
    expect(replies[0]?.text).toContain('triggered to stop');
    expect(replies[1]?.text).toContain('✅ Stop session');
    expect(replies[1]?.text).toContain('is Stopped');
  });

  it('reads the schedule back after enable/disable/toggle and says when it is not the wanted state', async () => {
    kit = await WatchKit.start();
    const disable = await kit.act('disable', SERVER_BACKUP, { wantedScheduleEnabled: false });
    const toggle = await kit.act('toggle', LINUX_DB);
    await idle(kit.watcher);
    expect(disable.replies()).toHaveLength(1);
    expect(disable.replies()[0]?.text).toContain('✅ Disable schedule *Server Backup*');
    expect(disable.replies()[0]?.text).toContain('EM: "Ok"');
    expect(disable.replies()[0]?.text).toContain('reads back as *disabled*');
    expect(toggle.replies()[0]?.text).toContain('reads back as *enabled*');
    await waitFor(() => toggle.parent().text.includes('schedule is now *enabled*'), {
      what: `the parent to show ${'schedule is now *enabled*'}`,
    });

    // Somebody flipped it in between: the toggle meant to enable leaves it disabled.
    const wrong = await kit.act('enable', LINUX_DB, { wantedScheduleEnabled: true });
    await idle(kit.watcher);
    expect(wrong.replies()[0]?.text).toContain('⚠️ Enable schedule *Linux DB Servers*');
    expect(wrong.replies()[0]?.text).toContain('*disabled*, NOT *enabled* as wanted');
  });
});
