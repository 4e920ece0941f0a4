// Phase: history. One pending watch in a fresh logon session, then the same watch after 10,000 more Tasks have
// finished in that session (each watched to its result, as months of use leave it): the bot CPU per minute it
// costs, and what GET /tasks returns. Real EM keeps every Task of a logon session (em-api.md fact 14) unless the
// bot deletes the finished ones, so without that every poll parses the whole history.

import { performance } from 'node:perf_hooks';
import { type BenchBot, startBenchBot } from '../bench-bot.js';
import { round1 } from '../percentiles.js';
import { createWatchedTasks } from '../watched-tasks.js';
import { cpuSeconds, type PhaseContext, routeDelta, sleep } from './phase-context.js';

export interface HistorySettings {
  finishedTasks: number;
  /** How long each history Task runs in the simulator. */
  taskMs: number;
  createConcurrency: number;
  /** CPU measurement window, fresh and after the history. */
  windowMs: number;
  settleMs: number;
  /** Bound on the whole history (create, finish, every result posted). */
  maxHistoryMs: number;
  /** CPU below this (s/min) counts as this: a ratio of two near-zero numbers is noise. */
  cpuFloorSecPerMin: number;
  maxCpuRatio: number;
}

export interface HistoryWindow {
  cpuSecondsPerMin: number;
  emRequestsPerSec: number;
  emByRoute: Record<string, number>;
  watcherRounds: number;
  lastRoundMs: number;
  /** Tasks GET /tasks returned right after the window. */
  tasksListed: number;
}

export interface HistoryResult {
  fresh: HistoryWindow;
  afterHistory: HistoryWindow;
  historyTasks: number;
  /** Results the history's watches posted to Slack within maxHistoryMs (one thread reply per toggle). */
  historyResultsPosted: number;
  historySec: number;
  /** DELETE /tasks/{id} the bot sent during the phase (finished Tasks it removed). */
  tasksDeleted: number;
  /** Tasks still unfinished when GET /tasks was read: the one pending watch. */
  tasksPending: number;
  cpuRatio: number;
  target: string;
  met: boolean;
}

const PENDING_TASK_MS = 10 * 60_000;

export async function runHistoryPhase(ctx: PhaseContext, s: HistorySettings): Promise<HistoryResult> {
  await ctx.link.knobs({ taskDurationMs: PENDING_TASK_MS, taskDurationJitterMs: 0, latencyMs: 0 });
  const target = await startBenchBot(ctx.urls, ctx.logger);
  const phaseStart = await ctx.link.stats();
  try {
    await target.em.logon();
    await createWatchedTasks(target, { count: 1, channels: 1, concurrency: 1, threadSeconds: 1_720_000_000 });
    await sleep(s.settleMs);
    const fresh = await measure(ctx, target, s.windowMs);
    ctx.progress(
      `history: fresh session: ${fresh.cpuSecondsPerMin} CPU s/min, GET /tasks lists ${fresh.tasksListed}`,
    );

    await ctx.link.knobs({ taskDurationMs: s.taskMs });
    const began = performance.now();
    const postsBefore = (await ctx.link.stats()).slackPosts;
    await createWatchedTasks(target, {
      count: s.finishedTasks,
      channels: 50,
      concurrency: s.createConcurrency,
      threadSeconds: 1_720_100_000,
    });
    await untilOnlyThePendingWatch(target, began + s.maxHistoryMs);
    const posted = (await ctx.link.stats()).slackPosts - postsBefore;
    const historySec = round1((performance.now() - began) / 1000);
    ctx.progress(`history: ${s.finishedTasks} Tasks created and finished in ${historySec} s`);
    await ctx.link.knobs({ taskDurationMs: PENDING_TASK_MS });
    await sleep(s.settleMs);
    const afterHistory = await measure(ctx, target, s.windowMs);
    const tasks = await target.em.listTasks();
    const tasksPending = tasks.filter((t) => t.state !== 'Finished').length;
    const end = await ctx.link.stats();
    const tasksDeleted = routeDelta(phaseStart, end)['DELETE /tasks/{id}'] ?? 0;

    const floor = (v: number) => Math.max(s.cpuFloorSecPerMin, v);
    const cpuRatio =
      Math.round((floor(afterHistory.cpuSecondsPerMin) / floor(fresh.cpuSecondsPerMin)) * 100) / 100;
    return {
      fresh,
      afterHistory,
      historyTasks: s.finishedTasks,
      historyResultsPosted: posted,
      historySec,
      tasksDeleted,
      tasksPending,
      cpuRatio,
      target: `one pending watch after ${s.finishedTasks} finished Tasks costs ≤ ${s.maxCpuRatio}× the bot CPU/min of a fresh session (floor ${s.cpuFloorSecPerMin} s/min), and GET /tasks lists only unfinished Tasks`,
      met:
        cpuRatio <= s.maxCpuRatio && posted >= s.finishedTasks && afterHistory.tasksListed === tasksPending,
    };
  } finally {
    await target.close();
    await ctx.link.knobs({ taskDurationMs: 1_000 });
  }
}

async function measure(ctx: PhaseContext, target: BenchBot, windowMs: number): Promise<HistoryWindow> {
  const before = await ctx.link.stats();
  const roundsBefore = target.bot.watcher.stats().rounds;
  const cpu = process.cpuUsage();
  const start = performance.now();
  await sleep(windowMs);
  const cpuSec = cpuSeconds(cpu);
  const windowSec = (performance.now() - start) / 1000;
  const after = await ctx.link.stats();
  const ws = target.bot.watcher.stats();
  const emByRoute = routeDelta(before, after);
  const emRequests = Object.values(emByRoute).reduce((a, b) => a + b, 0);
  return {
    cpuSecondsPerMin: Math.round((cpuSec / windowSec) * 60 * 1000) / 1000,
    emRequestsPerSec: Math.round((emRequests / windowSec) * 1000) / 1000,
    emByRoute,
    watcherRounds: ws.rounds - roundsBefore,
    lastRoundMs: ws.lastRoundMs,
    tasksListed: (await target.em.listTasks()).length,
  };
}

/** Waits (bounded) until only the pending watch is left and every result is posted. */
async function untilOnlyThePendingWatch(target: BenchBot, deadline: number): Promise<void> {
  for (;;) {
    const ws = target.bot.watcher.stats();
    if ((ws.active <= 1 && ws.pendingPosts === 0) || performance.now() > deadline) return;
    await sleep(250);
  }
}
