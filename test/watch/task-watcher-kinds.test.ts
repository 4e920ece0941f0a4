// The watcher on every job kind, over HTTP against the simulator: VM backup, replication (ReplicaJobSession),
// backup copy (sync), why a run failed (task sessions), and the logon session's Task list kept small.

import { afterEach, describe, expect, it } from 'vitest';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { waitFor } from '../support/wait-for.js';
import { idle, job, WatchKit } from './watch-kit.js';

const FILESERVER = job(SIM_JOB_IDS.vmFileserver, 'Fileserver Backup', 'vm-backup');
const ERP_REPLICA = job(SIM_JOB_IDS.erpReplica, 'ERP Replica', 'replica');
const OFFSITE_COPY = job(SIM_JOB_IDS.offsiteCopy, 'Offsite Copy', 'backup-copy');

let kit: WatchKit;
afterEach(async () => {
  await kit?.close();
});

describe('TaskWatcher on every job kind', () => {
  it("follows a VM backup job's start to the end of its backup session, in the thread", async () => {
    kit = await WatchKit.start();
    const run = await kit.act('start', FILESERVER);
    await idle(kit.watcher);
    const replies = run.replies();
    expect(replies).toHaveLength(2);
    expect(replies[0]?.text).toContain('EM: "Job "Fileserver Backup" triggered to start."');
    expect(replies[0]?.text).toContain('following the backup session now');
    expect(replies[1]?.text).toMatch(
      /✅ Start \*Fileserver Backup\*: backup session \*Fileserver Backup@.*\* ended: \*Success\*/,
    );
    await waitFor(() => run.parent().text.includes('backup *Success*'), { what: 'the parent outcome' });
    // Read through the calls for every kind, only the calls for every job kind.
    expect(kit.sim.stats.byRoute['GET /jobs/{id}']).toBeGreaterThanOrEqual(1);
    expect(kit.sim.stats.byRoute['GET /agents/jobs/{id}'] ?? 0).toBe(0);
  });

  it("follows a replica job's start to the end of its ReplicaJobSession", async () => {
    kit = await WatchKit.start();
    const run = await kit.act('start', ERP_REPLICA);
    await idle(kit.watcher);
    const replies = run.replies();
    expect(replies).toHaveLength(2);
    expect(replies[0]?.text).toContain('following the replication session now');
    expect(replies[1]?.text).toMatch(
      /✅ Start \*ERP Replica\*: replication session \*ERP Replica@.*\* ended: \*Success\*/,
    );
    const session = kit.sim.listSessions().at(-1);
    expect(session).toMatchObject({ jobId: SIM_JOB_IDS.erpReplica, jobType: 'Replica', state: 'Stopped' });
    await waitFor(() => run.parent().text.includes('replication *Success*'), { what: 'the parent outcome' });
  });

  it("follows a backup copy job's sync to the end of its session", async () => {
    kit = await WatchKit.start();
    const run = await kit.act('start', OFFSITE_COPY);
    await idle(kit.watcher);
    const replies = run.replies();
    expect(replies).toHaveLength(2);
    expect(replies[0]?.text).toContain('EM: "Job "Offsite Copy" triggered to sync."');
    expect(replies[0]?.text).toContain('following the backup copy session now');
    expect(replies[1]?.text).toMatch(/backup copy session \*Offsite Copy@.*\* ended: \*Success\*/);
  });

  it('a failed run lists the objects that failed and their reasons from the task sessions, five then "and N more"', async () => {
    kit = await WatchKit.start();
    const vms = ['vm-01', 'vm-02', 'vm-03', 'vm-04', 'vm-05', 'vm-06', 'vm-07', 'vm-ok'];
    const added = kit.sim.addJob({ name: 'Big <VM> Backup', jobType: 'Backup', machines: vms });
    const reason = `Error: Failed to create snapshot <&> ${'x'.repeat(600)}`;
    kit.sim.setNextRunOutcome(added.id, { result: 'Failed', message: reason, objectsAffected: 7 });
    const run = await kit.act('start', job(added.id, added.name, 'vm-backup'));
    await idle(kit.watcher);
    const last = run.replies().at(-1);
    const text = last?.text ?? '';
    expect(text).toContain('❌ Start *Big &lt;VM&gt; Backup*');
    expect(text).not.toContain('EM: "');
    for (const vm of vms.slice(0, 5))
      expect(text).toContain(`• *${vm}*: Error: Failed to create snapshot &lt;&amp;&gt; xxx`);
    expect(text).not.toContain('vm-06');
    expect(text).not.toContain('vm-ok');
    expect(text).toContain('and 2 more');
    // Long reasons are shortened after escaping; the details are a section of their own, within Slack's limit.
    expect(text).not.toContain('x'.repeat(500));
    const details = ((last?.blocks ?? []) as { type: string; text?: { text: string } }[])[1];
    expect(details?.type).toBe('section');
    expect(details?.text?.text.length).toBeLessThanOrEqual(3000);
    await waitFor(() => run.parent().text.includes('7 objects with problems'), {
      what: 'the parent outcome',
    });
  });

  it('says the reasons could not be read when the task sessions do not answer, and still replies', async () => {
    kit = await WatchKit.start();
    kit.sim.setNextRunOutcome(SIM_JOB_IDS.vmFileserver, { result: 'Failed', message: 'Disk full' });
    kit.sim.knobs.forceStatus = { status: 500, count: 3, path: /taskSessions/ };
    const run = await kit.act('start', FILESERVER);
    await idle(kit.watcher);
    const last = run.replies().at(-1);
    expect(last?.text).toContain('*Failed*');
    expect(last?.text).toContain('could not be read from EM');
    expect(kit.watcher.stats().em.listTaskSessions).toBe(3);
  });
});

describe('the logon session keeps few Tasks', () => {
  it('deletes a Task once its result is saved, and not while the watch waits on it', async () => {
    kit = await WatchKit.start({ sim: { taskDurationMs: 1_500, backupDurationMs: 30_000 } });
    const run = await kit.act('start', FILESERVER);
    // While the watch waits, rounds pass and the Task stays: listed, unfinished, never deleted.
    const polls = kit.watcher.stats().em.listTasks;
    await waitFor(() => kit.watcher.stats().em.listTasks >= polls + 3, { what: 'three Task polls' });
    const listed = (await kit.em.listTasks()).find((t) => t.id === run.task.id);
    expect(listed?.state).not.toBe('Finished');
    expect(kit.watcher.stats().em.deleteTask).toBe(0);

    // Finished and recorded (the reply that carries it went out after the save): then it goes.
    await waitFor(() => run.replies().length === 1, { what: 'the Task reply' });
    await waitFor(() => kit.watcher.stats().tasksDeleted === 1, { what: 'the Task deleted' });
    expect((await kit.em.listTasks()).map((t) => t.id)).not.toContain(run.task.id);
    expect(kit.watcher.watching()[0]?.phase).not.toBe('task');
    const saved = kit.savedWatches()[0];
    expect(saved?.task).toMatchObject({ success: true, state: 'Finished' });
  });

  it('keeps a Finished Task while its result cannot be saved, and deletes it once it is', async () => {
    kit = await WatchKit.start({ sim: { taskDurationMs: 300, backupDurationMs: 30_000 } });
    kit.breakStateFile();
    const run = await kit.act('start', FILESERVER);
    // The watch moves on (its reply is still posted), but the state file does not hold the result yet.
    await waitFor(() => run.replies().length === 1, { what: 'the Task reply' });
    const rounds = kit.watcher.stats().rounds;
    await waitFor(() => kit.watcher.stats().rounds >= rounds + 3, { what: 'more rounds' });
    expect((await kit.em.listTasks()).find((t) => t.id === run.task.id)?.state).toBe('Finished');
    expect(kit.watcher.stats().em.deleteTask).toBe(0);

    kit.repairStateFile();
    await waitFor(() => kit.watcher.stats().tasksDeleted === 1, { what: 'the Task deleted' });
    expect((await kit.em.listTasks()).map((t) => t.id)).not.toContain(run.task.id);
    expect(kit.savedWatches()[0]?.task).toMatchObject({ state: 'Finished' });
  });

  it('a restart deletes the Finished Tasks nobody waits on', async () => {
    kit = await WatchKit.start();
    // Two Tasks the watcher never heard of (sent, then the process died before watch()).
    const target = await kit.em.getJob(SIM_JOB_IDS.linuxDb, 'agent');
    const orphans = [
      await kit.em.runJobAction(target, 'toggleScheduleEnabled'),
      await kit.em.runJobAction(target, 'toggleScheduleEnabled'),
    ];
    await waitFor(async () => (await kit.em.listTasks()).filter((t) => t.state === 'Finished').length === 2, {
      what: 'both Tasks Finished',
    });
    await kit.restart();
    await waitFor(() => kit.watcher.stats().tasksDeleted === 2, { what: 'the orphans deleted' });
    const left = (await kit.em.listTasks()).map((t) => t.id);
    for (const t of orphans) expect(left).not.toContain(t.id);
  });

  it('a restarted watch still waiting on its Finished Task records it before the Task goes', async () => {
    kit = await WatchKit.start({ sim: { taskDurationMs: 300, backupDurationMs: 300 } });
    const run = await kit.act('start', FILESERVER);
    await kit.watcher.stop();
    await waitFor(
      async () => (await kit.em.listTasks()).find((t) => t.id === run.task.id)?.state === 'Finished',
      { what: 'the Task Finished while the watcher was down' },
    );
    await kit.restart();
    await idle(kit.watcher);
    const replies = run.replies();
    expect(replies).toHaveLength(2);
    expect(replies[0]?.text).toContain('triggered to start');
    expect(replies[1]?.text).toContain('*Success*');
    await waitFor(() => kit.watcher.stats().tasksDeleted === 1, { what: 'the Task deleted' });
    expect((await kit.em.listTasks()).map((t) => t.id)).not.toContain(run.task.id);
  });

  it('on later rounds, sweeps Finished Tasks nobody waits on once lists have shown them for the grace period', async () => {
    kit = await WatchKit.start({ sim: { taskDurationMs: 300 }, tuning: { sweepGraceMs: 200 } });
    const target = await kit.em.getJob(SIM_JOB_IDS.linuxDb, 'agent');
    const quick = await kit.em.runJobAction(target, 'toggleScheduleEnabled');
    // A watch on a long Task keeps GET /tasks going; the unwatched Task finishes meanwhile and is swept.
    kit.sim.knobs.taskDurationMs = 30_000;
    const run = await kit.act('start', FILESERVER);
    await waitFor(() => kit.watcher.stats().tasksDeleted >= 1, { what: 'the unwatched Task swept' });
    const left = await kit.em.listTasks();
    expect(left.map((t) => t.id)).not.toContain(quick.id);
    expect(left.find((t) => t.id === run.task.id)).toBeDefined();
  });
});
