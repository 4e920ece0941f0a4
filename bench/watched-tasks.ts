// Creates EM Tasks through the bot's own EmClient (so they belong to its logon session) and hands each to the
// bot's watcher with a thread of its own, a bounded number of requests at a time.

import { performance } from 'node:perf_hooks';
import type { Job } from '../src/em/types.js';
import { SIM_JOB_IDS } from '../src/sim/seed-ids.js';
import type { BenchBot } from './bench-bot.js';

/** The seeded agent jobs: toggles spread over them (a toggle is one Task and one threaded reply, no follow-up). */
const AGENT_JOBS = [
  { jobId: SIM_JOB_IDS.serverBackup, jobName: 'Server Backup' },
  { jobId: SIM_JOB_IDS.serverBackupSql, jobName: 'Server Backup SQL' },
  { jobId: SIM_JOB_IDS.linuxWeb, jobName: 'Linux Web Servers' },
  { jobId: SIM_JOB_IDS.linuxDb, jobName: 'Linux DB Servers' },
  { jobId: SIM_JOB_IDS.workstations, jobName: 'Workstations Weekly' },
] as const;

export interface WatchedTask {
  taskId: string;
  channel: string;
  threadTs: string;
}

export interface WatchedTasksOptions {
  count: number;
  channels: number;
  /** Requests in flight at once while creating. */
  concurrency: number;
  /** Makes thread timestamps unique across phases (Slack-shaped "seconds.micro"). */
  threadSeconds: number;
}

export interface WatchedTasks {
  tasks: WatchedTask[];
  /** Time spent inside watcher.watch() calls, all together (the EM POSTs excluded). */
  watchCallsMs: number;
}

export async function createWatchedTasks(
  target: BenchBot,
  options: WatchedTasksOptions,
): Promise<WatchedTasks> {
  const out: WatchedTask[] = new Array(options.count);
  // Each job entity once: its ToggleScheduleEnabled link is where every toggle goes (em.runJobAction).
  const entities = new Map<string, Job>();
  for (const job of AGENT_JOBS) entities.set(job.jobId, await target.em.getJob(job.jobId, 'agent'));
  let watchCallsMs = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= options.count) return;
      const job = AGENT_JOBS[i % AGENT_JOBS.length] as (typeof AGENT_JOBS)[number];
      const channel = `CBENCH${String(i % options.channels).padStart(3, '0')}`;
      // A made-up parent thread per Task: the fake Slack accepts any thread_ts.
      const threadTs = `${options.threadSeconds + Math.floor(i / 1_000_000)}.${String(i % 1_000_000).padStart(6, '0')}`;
      const requestedAt = Date.now();
      const task = await target.em.runJobAction(entities.get(job.jobId) as Job, 'toggleScheduleEnabled');
      const before = performance.now();
      target.bot.watcher.watch({
        taskId: task.id,
        action: 'toggle',
        target: { kind: 'job', jobId: job.jobId, jobName: job.jobName },
        channel,
        threadTs,
        requestedBy: 'UBENCH1',
        requestedAt,
      });
      watchCallsMs += performance.now() - before;
      out[i] = { taskId: task.id, channel, threadTs };
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.count) }, worker));
  return { tasks: out, watchCallsMs };
}

export function threadKey(channel: string, threadTs: string): string {
  return `${channel}/${threadTs}`;
}
