// The watcher when EM misbehaves: errors, forgotten Tasks, slow Tasks, cancels.

import { afterEach, describe, expect, it } from 'vitest';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { waitFor } from '../support/wait-for.js';
import { CHANNEL, idle, job, OPERATOR, WatchKit } from './watch-kit.js';

const SERVER_BACKUP = job(SIM_JOB_IDS.serverBackup, 'Server Backup');
const LINUX_WEB = job(SIM_JOB_IDS.linuxWeb, 'Linux Web Servers');

let kit: WatchKit;
afterEach(async () => {
  await kit?.close();
});

describe('TaskWatcher under EM trouble', () => {
  it('retries with backoff through EM 500s and still posts one correct reply', async () => {
    kit = await WatchKit.start();
    const run = await kit.act('disable', SERVER_BACKUP, { wantedScheduleEnabled: false });
    kit.sim.knobs.forceStatus = { status: 500, count: 4, message: 'Internal server error (simulated)' };
    await idle(kit.watcher);
    expect(run.replies()).toHaveLength(1);
    expect(run.replies()[0]?.text).toContain('reads back as *disabled*');
    expect(run.replies()[0]?.text).not.toContain('Internal server error');
    expect(kit.watcher.stats().em.errors).toBeGreaterThanOrEqual(1);
    expect(kit.warnings().some((l) => l.msg === 'EM poll failed; will retry with backoff')).toBe(true);
  });

  it("resolves a start from the job's newest session when a new logon no longer knows the Task", async () => {
    kit = await WatchKit.start({ sim: { taskDurationMs: 400, backupDurationMs: 300 } });
    const run = await kit.act('start', SERVER_BACKUP);
    kit.sim.expireAllLogonSessions();
    await idle(kit.watcher);
    const replies = run.replies();
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain('✅ Start *Server Backup*: backup session');
    expect(replies[0]?.text).toContain('*Success*');
    expect(replies[0]?.text).toContain('EM no longer knew task');
    expect(replies[0]?.text).toContain("the job's newest backup session");
    expect(kit.watcher.stats().resolvedFromTarget).toBe(1);
  });

  it("resolves a toggle from the job's schedule when EM forgot its Tasks", async () => {
    kit = await WatchKit.start({ sim: { taskDurationMs: 400 } });
    const run = await kit.act('disable', LINUX_WEB, { wantedScheduleEnabled: false });
    kit.sim.forgetAllTasks();
    await idle(kit.watcher);
    const reply = run.replies()[0]?.text ?? '';
    expect(run.replies()).toHaveLength(1);
    expect(reply).toContain('reads back as *disabled*');
    expect(reply).toContain('EM no longer knew task');
  });

  it('says the result is unknown (and how to look) when neither the Task nor its target is known', async () => {
    kit = await WatchKit.start();
    const spec = {
      taskId: 'task-999',
      action: 'session-stop' as const,
      target: {
        kind: 'session' as const,
        sessionId: '00000000-0000-4000-8000-000000000001',
        jobName: 'Server Backup',
      },
      channel: CHANNEL,
      threadTs: '1700000000.000001',
      requestedBy: OPERATOR,
      requestedAt: Date.now(),
    };
    kit.watcher.watch(spec);
    await idle(kit.watcher);
    const replies = kit.fake.thread(CHANNEL, spec.threadTs);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain('❔');
    expect(replies[0]?.text).toContain('result unknown');
    expect(replies[0]?.text).toContain('`/veeam job Server Backup` or `/veeam task task-999`');
  });

  it('tells the thread it stopped watching after the timeout', async () => {
    kit = await WatchKit.start({ sim: { taskDurationMs: 60_000 }, watch: { timeoutMinutes: 0.01 } });
    const run = await kit.act('start', SERVER_BACKUP);
    await idle(kit.watcher);
    const replies = run.replies();
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain('⏱️ Start *Server Backup*: stopped watching');
    expect(replies[0]?.text).toContain('`/veeam task ');
    await waitFor(() => run.parent().text.includes('no longer watched'), {
      what: `the parent to show ${'no longer watched'}`,
    });
    expect(kit.watcher.stats().timeouts).toBe(1);
  });

  it('cancel: DELETE /tasks/{id}, says who cancelled, then reports the final state', async () => {
    kit = await WatchKit.start({ sim: { taskDurationMs: 5_000 } });
    const run = await kit.act('start', SERVER_BACKUP);
    await kit.watcher.cancel(run.task.id, 'UOPER2');
    await idle(kit.watcher);
    // One DELETE cancels the running Task; once its final state is saved, a second removes the Finished Task.
    await waitFor(() => kit.watcher.stats().tasksDeleted === 1, { what: 'the finished Task deleted' });
    expect(kit.watcher.stats().em.cancelTask).toBe(1);
    expect(kit.sim.stats.byRoute['DELETE /tasks/{id}']).toBe(2);
    const replies = run.replies();
    expect(replies).toHaveLength(2);
    expect(replies[0]?.text).toContain('<@UOPER2> cancelled EM task');
    expect(replies[1]?.text).toContain('❌ Start *Server Backup*: failed');
    expect(replies[1]?.text).toContain('EM: "Task was cancelled"');
    expect(replies[1]?.text).toContain('Cancelled by <@UOPER2>');
    await waitFor(() => run.parent().text.includes('❌'), { what: `the parent to show ${'❌'}` });
  });

  it('cancel of a Task EM already forgot is refused; the start is still resolved from its job', async () => {
    kit = await WatchKit.start({ sim: { taskDurationMs: 1_000 } });
    const run = await kit.act('start', SERVER_BACKUP);
    kit.sim.forgetAllTasks();
    await expect(kit.watcher.cancel(run.task.id, 'UOPER2')).rejects.toMatchObject({
      name: 'TaskCancelRefused',
      reason: 'gone',
    });
    expect(kit.sim.stats.byRoute['DELETE /tasks/{id}'] ?? 0).toBe(0);
    await idle(kit.watcher, 15_000);
    const replies = run.replies();
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain('*Success*');
    expect(replies[0]?.text).not.toContain('cancelled');
  });

  it('keeps polling OperationFinished and never reports its placeholder', async () => {
    kit = await WatchKit.start({ sim: { taskDurationMs: 3_000 } });
    let finishedAt = 0;
    kit.sim.onTaskFinished((_id, atMs) => {
      finishedAt = atMs;
    });
    const postedAt: number[] = [];
    kit.fake.onEvent((event) => {
      if (event.kind === 'post' && event.message.threadTs !== undefined) postedAt.push(Date.now());
    });
    const run = await kit.act('toggle', LINUX_WEB);
    // Half-way the Task is OperationFinished (Result Message "OperationFinished"); the watcher polls it and waits.
    await waitFor(async () => (await kit.em.getTask(run.task.id)).state === 'OperationFinished', {
      what: 'the Task to be OperationFinished',
    });
    const polls = kit.watcher.stats().em.listTasks;
    await waitFor(() => kit.watcher.stats().em.listTasks > polls, { what: 'a poll while OperationFinished' });
    await idle(kit.watcher);
    expect(run.replies()).toHaveLength(1);
    expect(run.replies()[0]?.text).toContain('EM: "Ok"');
    expect(run.replies()[0]?.text).not.toContain('OperationFinished');
    expect(postedAt[0]).toBeGreaterThanOrEqual(finishedAt);
  });
});
