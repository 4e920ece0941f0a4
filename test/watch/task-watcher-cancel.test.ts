// Cancel reaches only a Task the watcher follows and EM shows unfinished; the running parent is saved before Slack.

import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { watchKey } from '../../src/watch/watch-record.js';
import { waitFor } from '../support/wait-for.js';
import { idle, job, WatchKit } from './watch-kit.js';

const SERVER_BACKUP = job(SIM_JOB_IDS.serverBackup, 'Server Backup');
const LINUX_WEB = job(SIM_JOB_IDS.linuxWeb, 'Linux Web Servers');

let kit: WatchKit;
afterEach(async () => {
  await kit?.close();
});

function deletes(): number {
  return kit.sim.stats.byRoute['DELETE /tasks/{id}'] ?? 0;
}

describe('TaskWatcher cancel', () => {
  it('refuses to cancel a Task that already finished, and keeps following the backup it started', async () => {
    // A slow list beat: the Task is Finished in EM before the watcher has looked (or just after; both refuse).
    kit = await WatchKit.start({
      sim: { taskDurationMs: 100, backupDurationMs: 300 },
      watch: { pollIntervalMs: 1_000 },
    });
    const run = await kit.act('start', SERVER_BACKUP);
    await waitFor(async () => (await kit.em.getTask(run.task.id)).state === 'Finished', {
      what: 'the Task to finish in EM',
    });
    await expect(kit.watcher.cancel(run.task.id, 'UOPER2')).rejects.toMatchObject({
      name: 'TaskCancelRefused',
      reason: 'finished',
      message: expect.stringContaining('already finished'),
    });
    expect(kit.watcher.stats().em.cancelTask).toBe(0);
    expect(kit.watcher.watching()[0]?.phase).not.toBe('task');
    await idle(kit.watcher, 15_000);
    const replies = run.replies();
    expect(replies).toHaveLength(2);
    expect(replies[0]?.text).toContain('triggered to start');
    expect(replies[1]?.text).toContain('*Success*');
    expect(replies.map((r) => r.text).join('\n')).not.toContain('cancelled');
    // The one DELETE EM saw removed the Finished Task once its result was saved: nothing was cancelled.
    await waitFor(() => kit.watcher.stats().tasksDeleted === 1, { what: 'the finished Task deleted' });
    expect(deletes()).toBe(1);
  });

  it('refuses a Task it is not watching without asking EM anything', async () => {
    kit = await WatchKit.start({ sim: { taskDurationMs: 60_000 } });
    const task = await kit.em.runJobAction(await kit.em.getJob(SIM_JOB_IDS.serverBackup), 'start');
    const reads = kit.sim.stats.byRoute['GET /tasks/{id}'] ?? 0;
    await expect(kit.watcher.cancel(task.id, 'UOPER2')).rejects.toMatchObject({
      name: 'TaskCancelRefused',
      reason: 'not-watched',
      message: `I am not watching EM task ${task.id}; nothing was cancelled.`,
    });
    expect(await kit.watcher.checkCancel(task.id)).toMatchObject({ reason: 'not-watched' });
    expect(deletes()).toBe(0);
    expect(kit.sim.stats.byRoute['GET /tasks/{id}'] ?? 0).toBe(reads);
    expect((await kit.em.getTask(task.id)).state).toBe('Running');
  });

  it("refuses a card whose watch no longer owns the task ID, and accepts the owner's card", async () => {
    kit = await WatchKit.start({ sim: { taskDurationMs: 60_000 } });
    const a = await kit.act('toggle', SERVER_BACKUP);
    const b = await kit.act('toggle', LINUX_WEB);
    expect(await kit.watcher.checkCancel(a.task.id, { watchKey: `${a.task.id}@1` })).toMatchObject({
      reason: 'not-watched',
    });
    expect(await kit.watcher.checkCancel(a.task.id, { watchKey: watchKey(b.spec) })).toMatchObject({
      reason: 'gone',
    });
    expect(await kit.watcher.checkCancel(a.task.id, { watchKey: watchKey(a.spec) })).toBeUndefined();
    expect(deletes()).toBe(0);
  });

  it('cancels a running watched Task: one DELETE, and the watch ends with its final state', async () => {
    kit = await WatchKit.start({ sim: { taskDurationMs: 5_000 } });
    const run = await kit.act('toggle', LINUX_WEB);
    expect(await kit.watcher.checkCancel(run.task.id, { watchKey: watchKey(run.spec) })).toBeUndefined();
    await kit.watcher.cancel(run.task.id, 'UOPER2');
    expect(deletes()).toBe(1);
    await idle(kit.watcher);
    expect(run.replies()[0]?.text).toContain('<@UOPER2> cancelled EM task');
  });
});

describe('the running parent', () => {
  it('is saved with the watch before Slack answers; after a restart the parent and result are posted once', async () => {
    kit = await WatchKit.start({ sim: { taskDurationMs: 100, backupDurationMs: 300 } });
    // More failures than the WebClient retries (5 + 1 attempts): the update is still unsent at the restart.
    kit.fake.failNext('chat.update', { status: 500 }, 8);
    const run = await kit.act('start', SERVER_BACKUP, {}, { watcherPostsRunning: true });
    await waitFor(() => kit.fake.callsTo('chat.update').length > 0, { what: 'the first chat.update' });
    const saved = JSON.parse(readFileSync(kit.stateFile, 'utf8'));
    const outbox = saved.watches.watches[0].outbox as { kind: string; post: { type: string } }[];
    expect(outbox[0]).toMatchObject({ kind: 'parent', post: { type: 'running' } });
    await kit.restart();
    await idle(kit.watcher, 15_000);
    const replies = run.replies();
    expect(replies).toHaveLength(2);
    expect(replies[0]?.text).toContain('triggered to start');
    expect(replies[1]?.text).toContain('*Success*');
    await waitFor(() => run.parent().text.includes('backup *Success*'), {
      what: 'the parent to show the result',
    });
    expect(run.parent().text).not.toContain('running (EM task');
  });

  it('shows the running state with its Cancel button when Slack is well', async () => {
    kit = await WatchKit.start({ sim: { taskDurationMs: 60_000 } });
    const run = await kit.act('toggle', LINUX_WEB, {}, { watcherPostsRunning: true });
    await waitFor(() => run.parent().text.includes(`running (EM task ${run.task.id}`), {
      what: 'the running parent',
    });
    expect(JSON.stringify(run.parent().blocks)).toContain(`task:${watchKey(run.spec)}`);
  });
});
