// Nothing is lost and nothing is said twice: restarts, Slack failures, the state file, and the cost of a round.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { waitFor } from '../support/wait-for.js';
import { idle, job, WatchKit } from './watch-kit.js';

const SERVER_BACKUP = job(SIM_JOB_IDS.serverBackup, 'Server Backup');
const AGENT_JOBS = [
  job(SIM_JOB_IDS.serverBackup, 'Server Backup'),
  job(SIM_JOB_IDS.serverBackupSql, 'Server Backup SQL'),
  job(SIM_JOB_IDS.linuxWeb, 'Linux Web Servers'),
  job(SIM_JOB_IDS.linuxDb, 'Linux DB Servers'),
  job(SIM_JOB_IDS.workstations, 'Workstations Weekly'),
];

let kit: WatchKit;
afterEach(async () => {
  await kit?.close();
});

describe('TaskWatcher durability', () => {
  it('a restart in the middle of a Task watch posts each result once', async () => {
    kit = await WatchKit.start({ sim: { taskDurationMs: 600, backupDurationMs: 600 } });
    const run = await kit.act('start', SERVER_BACKUP);
    await kit.restart();
    await idle(kit.watcher);
    const replies = run.replies();
    expect(replies).toHaveLength(2);
    expect(replies[0]?.text).toContain('triggered to start');
    expect(replies[1]?.text).toContain('*Success*');
    expect(kit.watcher.stats().resumed).toBe(1);
  });

  it('a restart while following the backup session posts the session result once', async () => {
    kit = await WatchKit.start({ sim: { taskDurationMs: 100, backupDurationMs: 1_500 } });
    const run = await kit.act('start', SERVER_BACKUP);
    await waitFor(() => run.replies().length === 1, { what: 'the Task reply' });
    await kit.restart();
    await idle(kit.watcher);
    const replies = run.replies();
    expect(replies).toHaveLength(2);
    expect(replies[1]?.text).toContain('*Success*');
    expect(run.parent().updates).toBe(2);
  });

  it('a restarted process with a new EM logon resolves the old Task from its target', async () => {
    kit = await WatchKit.start({ sim: { taskDurationMs: 600, backupDurationMs: 300 } });
    const run = await kit.act('start', SERVER_BACKUP);
    await kit.restart({ newLogon: true });
    await idle(kit.watcher);
    const replies = run.replies();
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain('*Success*');
    expect(replies[0]?.text).toContain('EM no longer knew task');
  });

  it('Slack 429 then success: exactly one post (WebClient honours Retry-After)', async () => {
    kit = await WatchKit.start();
    const run = await kit.act('toggle', SERVER_BACKUP);
    kit.fake.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 1 });
    await idle(kit.watcher);
    expect(run.replies()).toHaveLength(1);
    expect(
      kit.fake.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === run.spec.threadTs),
    ).toHaveLength(2);
  });

  it('Slack 5xx beyond the WebClient retries: the post is kept and sent once on a later round', async () => {
    kit = await WatchKit.start();
    const run = await kit.act('toggle', SERVER_BACKUP);
    // 5 WebClient retries + 1 = 6 attempts fail; the 7th and 8th attempts come from the watcher's own retry.
    kit.fake.failNext('chat.postMessage', { status: 500 }, 8);
    await idle(kit.watcher);
    expect(run.replies()).toHaveLength(1);
    expect(kit.watcher.stats().slack.failures).toBeGreaterThanOrEqual(1);
    expect(kit.warnings().some((l) => l.msg === 'Slack post failed; kept, will retry')).toBe(true);
  });

  it('shutdown saves the watches to the state file; a new watcher resumes them', async () => {
    kit = await WatchKit.start({ sim: { taskDurationMs: 60_000 } });
    const run = await kit.act('toggle', SERVER_BACKUP);
    await kit.watcher.stop();
    const saved = JSON.parse(readFileSync(kit.stateFile, 'utf8'));
    expect(saved.version).toBe(1);
    expect(saved.watches.watches).toHaveLength(1);
    expect(saved.watches.watches[0]).toMatchObject({
      phase: 'task',
      spec: { taskId: run.task.id, channel: 'COPS1' },
    });

    kit.buildWatcher();
    kit.watcher.start();
    expect(kit.watcher.watching()).toEqual([expect.objectContaining({ taskId: run.task.id, phase: 'task' })]);
  });

  it('many watches registered in a burst are all in the state file and all resumed after a restart', async () => {
    kit = await WatchKit.start({ sim: { taskDurationMs: 60_000 } });
    const runs = [];
    for (let i = 0; i < 40; i++) {
      runs.push(await kit.act('toggle', AGENT_JOBS[i % AGENT_JOBS.length] as (typeof AGENT_JOBS)[number]));
    }
    await kit.restart();
    const saved = JSON.parse(readFileSync(kit.stateFile, 'utf8'));
    expect(saved.watches.watches).toHaveLength(40);
    expect(kit.watcher.watching().map((w) => w.taskId)).toEqual(
      expect.arrayContaining(runs.map((r) => r.task.id)),
    );
    expect(kit.watcher.stats()).toMatchObject({ active: 40, resumed: 40 });
  });

  it('a corrupt state file is moved aside and the watcher starts empty and works', async () => {
    kit = await WatchKit.start();
    await kit.watcher.stop();
    writeFileSync(kit.stateFile, '{"version":1,"watches":{"watch');
    kit.buildWatcher();
    kit.watcher.start();
    const aside = readdirSync(dirname(kit.stateFile)).filter((f) => f.includes('.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(
      kit.logger.lines.some(
        (l) => l.msg === 'state file unreadable; moved aside, starting with no saved state',
      ),
    ).toBe(true);
    const run = await kit.act('toggle', SERVER_BACKUP);
    await idle(kit.watcher);
    expect(run.replies()).toHaveLength(1);
    await kit.watcher.stop();
    expect(existsSync(kit.stateFile)).toBe(true);
  });

  it('one GET /tasks per round however many watches, no per-Task GETs in the same logon session', async () => {
    kit = await WatchKit.start({ sim: { taskDurationMs: 500 } });
    const runs = [];
    for (let i = 0; i < 20; i++) {
      runs.push(await kit.act('toggle', AGENT_JOBS[i % AGENT_JOBS.length] as (typeof AGENT_JOBS)[number]));
    }
    await idle(kit.watcher);
    for (const run of runs) expect(run.replies()).toHaveLength(1);
    const stats = kit.watcher.stats();
    const byRoute = kit.sim.stats.byRoute;
    expect(byRoute['GET /tasks']).toBe(stats.em.listTasks);
    expect(stats.em.listTasks).toBeLessThanOrEqual(stats.rounds);
    expect(byRoute['GET /tasks/{id}'] ?? 0).toBe(0);
    expect(stats.em.getTask).toBe(0);
    expect(stats.em.peakInFlight).toBeLessThanOrEqual(4);
  });
});
