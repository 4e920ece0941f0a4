// Phase 4: Slack answers 429 (Retry-After: 1) to a fifth of chat.postMessage calls while Tasks finish:
// every Task must get exactly one reply in its thread, none lost, none twice.

import { performance } from 'node:perf_hooks';
import { type BenchBot, startBenchBot } from '../bench-bot.js';
import type { PeerEvents } from '../peer-messages.js';
import { type LatencySummary, round1, summarize } from '../percentiles.js';
import { createWatchedTasks, threadKey } from '../watched-tasks.js';
import { type PhaseContext, sleep } from './phase-context.js';

export interface RateLimitSettings {
  tasks: number;
  rateLimitFraction: number;
  minTaskMs: number;
  spreadMs: number;
  /** Give up waiting for the last replies after this long. */
  maxWaitMs: number;
  /** After the watcher has nothing left to send: how long to keep looking for duplicates. */
  quietMs: number;
}

interface RateLimitResult {
  tasks: number;
  rateLimitFraction: number;
  answered429: number;
  repliesLost: number;
  repliesDuplicated: number;
  watcherSlackFailures: number;
  notifyLatencyMs: LatencySummary;
  phaseSec: number;
}

export async function runRateLimitPhase(ctx: PhaseContext, s: RateLimitSettings): Promise<RateLimitResult> {
  await ctx.link.knobs({
    taskDurationMs: s.minTaskMs,
    taskDurationJitterMs: s.spreadMs,
    latencyMs: 0,
    rateLimitFraction: s.rateLimitFraction,
  });
  const target = await startBenchBot(ctx.urls, ctx.logger);
  try {
    await target.em.logon();
    await ctx.link.takeEvents();
    const before = await ctx.link.stats();
    const startedAt = performance.now();
    const { tasks } = await createWatchedTasks(target, {
      count: s.tasks,
      channels: 50,
      concurrency: 32,
      threadSeconds: 1_720_000_000,
    });
    await untilWatcherIdle(target, s);
    await sleep(s.quietMs);
    const events = await ctx.link.takeEvents();
    const after = await ctx.link.stats();
    const ws = target.bot.watcher.stats();
    const phaseSec = (performance.now() - startedAt) / 1000;

    const { lost, duplicated, latencies } = countReplies(tasks, events);
    const postCalls =
      (after.slackCalls['chat.postMessage'] ?? 0) - (before.slackCalls['chat.postMessage'] ?? 0);
    const okPosts = after.slackPosts - before.slackPosts;
    return {
      tasks: s.tasks,
      rateLimitFraction: s.rateLimitFraction,
      answered429: postCalls - okPosts,
      repliesLost: lost,
      repliesDuplicated: duplicated,
      watcherSlackFailures: ws.slack.failures,
      notifyLatencyMs: summarize(latencies),
      phaseSec: round1(phaseSec),
    };
  } finally {
    await target.close();
    await ctx.link.knobs({ rateLimitFraction: 0 });
  }
}

/** Waits (bounded by maxWaitMs) until every Task finished and the watcher has nothing left to poll or post. */
async function untilWatcherIdle(target: BenchBot, s: RateLimitSettings): Promise<void> {
  const deadline = Date.now() + s.maxWaitMs;
  for (;;) {
    const ws = target.bot.watcher.stats();
    const allDone = ws.active === 0 && ws.pendingPosts === 0 && ws.finished >= s.tasks;
    if (allDone || Date.now() > deadline) return;
    await sleep(250);
  }
}

/** Replies per Task thread: Tasks with none, replies beyond the first, and Finished → first reply latencies. */
function countReplies(
  tasks: readonly { taskId: string; channel: string; threadTs: string }[],
  events: PeerEvents,
): { lost: number; duplicated: number; latencies: number[] } {
  const finishedAt = new Map(events.finished);
  const posts = new Map<string, number[]>();
  for (const [channel, threadTs, at] of events.posts) {
    const key = threadKey(channel, threadTs);
    posts.set(key, [...(posts.get(key) ?? []), at]);
  }
  let lost = 0;
  let duplicated = 0;
  const latencies: number[] = [];
  for (const t of tasks) {
    const got = posts.get(threadKey(t.channel, t.threadTs)) ?? [];
    if (got.length === 0) lost += 1;
    duplicated += Math.max(0, got.length - 1);
    const done = finishedAt.get(t.taskId);
    if (got.length > 0 && done !== undefined) latencies.push((got[0] as number) - done);
  }
  return { lost, duplicated, latencies };
}
