// Phase 1: 1,000 concurrent Tasks over 50 channels finishing at random times within a minute. EM polling
// requests per round, notify latency (simulator's Finished → reply in the fake Slack), the bot's peak RSS.

import { performance } from 'node:perf_hooks';
import { startBenchBot } from '../bench-bot.js';
import { type LatencySummary, round1, summarize } from '../percentiles.js';
import { RssSampler } from '../rss-sampler.js';
import { createWatchedTasks, threadKey } from '../watched-tasks.js';
import { cpuSeconds, type PhaseContext, routeDelta, sleep } from './phase-context.js';

export interface WatchesSettings {
  tasks: number;
  channels: number;
  /** Each Task lasts minTaskMs + random() × spreadMs. */
  minTaskMs: number;
  spreadMs: number;
  createConcurrency: number;
  /** After the last Task's latest possible end, wait at most this long for the last replies. */
  settleMs: number;
}

interface WatchesResult {
  tasks: number;
  channels: number;
  pollIntervalMs: number;
  createSec: number;
  /** Wall time inside the watcher.watch() calls alone. */
  watchCallsSec: number;
  phaseSec: number;
  replies: number;
  missingReplies: number;
  extraReplies: number;
  notifyLatencyMs: LatencySummary;
  /** Where the latency goes: waiting for the next GET /tasks, then from that GET to the reply (timestamps ±2 ms). */
  notifyLatencyParts: {
    untilNextTaskListMs: LatencySummary;
    taskListToReplyMs: LatencySummary;
    taskListIntervalMs: LatencySummary;
    /** GET /tasks gaps longer than 1.1 × the poll interval: when (seconds into the phase) and how long. */
    longTaskListGaps: { atSec: number; gapMs: number }[];
  };
  em: {
    /** Rounds the watcher ran (every timer wake-up, including rounds that only post or read a job back). */
    watcherRounds: number;
    listTasks: number;
    getTaskById: number;
    /** (GET /tasks + GET /tasks/{id}) per round that polled Tasks (= one GET /tasks). Target 1. */
    taskPollRequestsPerPollingRound: number | null;
    /** (GET /tasks + GET /tasks/{id}) / every watcher round. */
    taskPollRequestsPerRound: number | null;
    /** The toggles' read-back (GET /agents/jobs/{id}, shared per job per round). */
    jobReadBacks: number;
    /** Every EM request while watching (the creating POSTs and the logon excluded). */
    otherRequests: Record<string, number>;
    peakInFlight: number;
  };
  peakRssMiB: number;
  cpuSec: number;
}

export async function runWatchesPhase(ctx: PhaseContext, s: WatchesSettings): Promise<WatchesResult> {
  await ctx.link.knobs({
    taskDurationMs: s.minTaskMs,
    taskDurationJitterMs: s.spreadMs,
    latencyMs: 0,
    rateLimitFraction: 0,
  });
  const target = await startBenchBot(ctx.urls, ctx.logger);
  await target.em.logon();
  await ctx.link.takeEvents();
  const rss = new RssSampler(100);
  const before = await ctx.link.stats();
  const cpuStart = process.cpuUsage();
  const startedAt = performance.now();
  const startedEpoch = Date.now();

  await ctx.link.trackTaskLists(true);
  const { tasks, watchCallsMs } = await createWatchedTasks(target, {
    count: s.tasks,
    channels: s.channels,
    concurrency: s.createConcurrency,
    threadSeconds: 1_700_000_000,
  });
  const createSec = (performance.now() - startedAt) / 1000;
  ctx.progress(
    `watches: ${s.tasks} Tasks created and watched in ${createSec.toFixed(1)} s; waiting for replies`,
  );

  const deadline = Date.now() + s.minTaskMs + s.spreadMs + s.settleMs;
  while (Date.now() < deadline && (await ctx.link.countPosts()) < s.tasks) await sleep(250);
  // A moment more, so a late duplicate would be seen.
  await sleep(300);

  await ctx.link.trackTaskLists(false);
  const events = await ctx.link.takeEvents();
  const after = await ctx.link.stats();
  const ws = target.bot.watcher.stats();
  const cpuSec = cpuSeconds(cpuStart);
  const phaseSec = (performance.now() - startedAt) / 1000;
  const peakRssMiB = rss.stop();
  await target.close();

  const finishedAt = new Map(events.finished);
  const postsByThread = new Map<string, number[]>();
  for (const [channel, threadTs, at] of events.posts) {
    const key = threadKey(channel, threadTs);
    const list = postsByThread.get(key);
    if (list) list.push(at);
    else postsByThread.set(key, [at]);
  }
  const lists = events.taskLists; // ascending
  const latencies: number[] = [];
  const untilList: number[] = [];
  const listToPost: number[] = [];
  let missing = 0;
  let extra = 0;
  for (const t of tasks) {
    const posts = postsByThread.get(threadKey(t.channel, t.threadTs)) ?? [];
    const done = finishedAt.get(t.taskId);
    extra += Math.max(0, posts.length - 1);
    if (posts.length === 0 || done === undefined) {
      missing += 1;
      continue;
    }
    const postedAt = posts[0] as number;
    latencies.push(postedAt - done);
    // The first GET /tasks after the Task finished is the one that showed it Finished.
    const seenAt = firstAtOrAfter(lists, done);
    if (seenAt !== undefined && seenAt <= postedAt) {
      untilList.push(seenAt - done);
      listToPost.push(postedAt - seenAt);
    }
  }

  const pollIntervalMs = target.config.watch.pollIntervalMs;
  const gaps = lists.slice(1).map((at, i) => ({
    atSec: round1((at - startedEpoch) / 1000),
    gapMs: at - (lists[i] as number),
  }));
  const routes = routeDelta(before, after);
  const listTasks = routes['GET /tasks'] ?? 0;
  const getTaskById = routes['GET /tasks/{id}'] ?? 0;
  const otherRequests: Record<string, number> = {};
  for (const [route, count] of Object.entries(routes)) {
    if (route.startsWith('POST ') || route === 'GET /tasks' || route === 'GET /tasks/{id}') continue;
    otherRequests[route] = count;
  }
  return {
    tasks: s.tasks,
    channels: s.channels,
    pollIntervalMs,
    createSec: round1(createSec),
    watchCallsSec: Math.round(watchCallsMs) / 1000,
    phaseSec: round1(phaseSec),
    replies: events.posts.length,
    missingReplies: missing,
    extraReplies: extra,
    notifyLatencyMs: summarize(latencies),
    notifyLatencyParts: {
      untilNextTaskListMs: summarize(untilList),
      taskListToReplyMs: summarize(listToPost),
      taskListIntervalMs: summarize(gaps.map((g) => g.gapMs)),
      longTaskListGaps: gaps.filter((g) => g.gapMs > pollIntervalMs * 1.1),
    },
    em: {
      watcherRounds: ws.rounds,
      listTasks,
      getTaskById,
      taskPollRequestsPerPollingRound: listTasks === 0 ? null : round2((listTasks + getTaskById) / listTasks),
      taskPollRequestsPerRound: ws.rounds === 0 ? null : round2((listTasks + getTaskById) / ws.rounds),
      jobReadBacks: routes['GET /agents/jobs/{id}'] ?? 0,
      otherRequests,
      peakInFlight: ws.em.peakInFlight,
    },
    peakRssMiB,
    cpuSec: round1(cpuSec),
  };
}

function firstAtOrAfter(sorted: readonly number[], at: number): number | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < at) lo = mid + 1;
    else hi = mid;
  }
  return sorted[lo];
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
