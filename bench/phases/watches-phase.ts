// Phase 1: 1,000 concurrent Tasks over 50 channels finishing at random times within a minute. EM polling
// requests per round, notify latency (simulator's Finished → reply in the fake Slack), the bot's peak RSS.

import { performance } from 'node:perf_hooks';
import type { WatcherStats } from '../../src/watch/watcher-stats.js';
import { startBenchBot } from '../bench-bot.js';
import type { PeerEvents } from '../peer-messages.js';
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

/** What one run of the phase saw, before it is summarized. */
interface WatchesRun {
  tasks: readonly ThreadedTask[];
  watchCallsMs: number;
  createSec: number;
  phaseSec: number;
  cpuSec: number;
  peakRssMiB: number;
  startedEpoch: number;
  pollIntervalMs: number;
  events: PeerEvents;
  routes: Record<string, number>;
  watcher: WatcherStats;
}

/** A watched Task and the thread its reply belongs in. */
interface ThreadedTask {
  taskId: string;
  channel: string;
  threadTs: string;
}

/** Each Task's reply matched to its Finished time and to the GET /tasks that showed it Finished. */
interface ReplyTimes {
  latencies: number[];
  untilList: number[];
  listToPost: number[];
  missing: number;
  extra: number;
}

export async function runWatchesPhase(ctx: PhaseContext, s: WatchesSettings): Promise<WatchesResult> {
  const run = await watchTasks(ctx, s);
  const replies = matchReplies(run.tasks, run.events);
  const lists = run.events.taskLists; // ascending
  const gaps = lists.slice(1).map((at, i) => ({
    atSec: round1((at - run.startedEpoch) / 1000),
    gapMs: at - (lists[i] as number),
  }));
  return {
    tasks: s.tasks,
    channels: s.channels,
    pollIntervalMs: run.pollIntervalMs,
    createSec: round1(run.createSec),
    watchCallsSec: Math.round(run.watchCallsMs) / 1000,
    phaseSec: round1(run.phaseSec),
    replies: run.events.posts.length,
    missingReplies: replies.missing,
    extraReplies: replies.extra,
    notifyLatencyMs: summarize(replies.latencies),
    notifyLatencyParts: {
      untilNextTaskListMs: summarize(replies.untilList),
      taskListToReplyMs: summarize(replies.listToPost),
      taskListIntervalMs: summarize(gaps.map((g) => g.gapMs)),
      longTaskListGaps: gaps.filter((g) => g.gapMs > run.pollIntervalMs * 1.1),
    },
    em: emRequests(run.routes, run.watcher),
    peakRssMiB: run.peakRssMiB,
    cpuSec: round1(run.cpuSec),
  };
}

/** Starts a bot, creates and watches the Tasks, waits for their replies, and collects what the peers saw. */
async function watchTasks(ctx: PhaseContext, s: WatchesSettings): Promise<WatchesRun> {
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
  const watcher = target.bot.watcher.stats();
  const cpuSec = cpuSeconds(cpuStart);
  const phaseSec = (performance.now() - startedAt) / 1000;
  const peakRssMiB = rss.stop();
  await target.close();
  const pollIntervalMs = target.config.watch.pollIntervalMs;
  const routes = routeDelta(before, after);
  return {
    tasks,
    watchCallsMs,
    createSec,
    phaseSec,
    cpuSec,
    peakRssMiB,
    startedEpoch,
    pollIntervalMs,
    events,
    routes,
    watcher,
  };
}

/** Matches each Task to its replies: latency from Finished to the first reply, and how many went missing or twice. */
function matchReplies(tasks: readonly ThreadedTask[], events: PeerEvents): ReplyTimes {
  const finishedAt = new Map(events.finished);
  const postsByThread = new Map<string, number[]>();
  for (const [channel, threadTs, at] of events.posts) {
    const key = threadKey(channel, threadTs);
    const list = postsByThread.get(key);
    if (list) list.push(at);
    else postsByThread.set(key, [at]);
  }
  const lists = events.taskLists; // ascending
  const out: ReplyTimes = { latencies: [], untilList: [], listToPost: [], missing: 0, extra: 0 };
  for (const t of tasks) {
    const posts = postsByThread.get(threadKey(t.channel, t.threadTs)) ?? [];
    const done = finishedAt.get(t.taskId);
    out.extra += Math.max(0, posts.length - 1);
    if (posts.length === 0 || done === undefined) {
      out.missing += 1;
      continue;
    }
    const postedAt = posts[0] as number;
    out.latencies.push(postedAt - done);
    // The first GET /tasks after the Task finished is the one that showed it Finished.
    const seenAt = firstAtOrAfter(lists, done);
    if (seenAt !== undefined && seenAt <= postedAt) {
      out.untilList.push(seenAt - done);
      out.listToPost.push(postedAt - seenAt);
    }
  }
  return out;
}

/** EM requests while watching, split into Task polling, read-backs and the rest (creating POSTs excluded). */
function emRequests(routes: Record<string, number>, ws: WatcherStats): WatchesResult['em'] {
  const listTasks = routes['GET /tasks'] ?? 0;
  const getTaskById = routes['GET /tasks/{id}'] ?? 0;
  const otherRequests: Record<string, number> = {};
  for (const [route, count] of Object.entries(routes)) {
    if (route.startsWith('POST ') || route === 'GET /tasks' || route === 'GET /tasks/{id}') continue;
    otherRequests[route] = count;
  }
  return {
    watcherRounds: ws.rounds,
    listTasks,
    getTaskById,
    taskPollRequestsPerPollingRound: listTasks === 0 ? null : round2((listTasks + getTaskById) / listTasks),
    taskPollRequestsPerRound: ws.rounds === 0 ? null : round2((listTasks + getTaskById) / ws.rounds),
    jobReadBacks: routes['GET /agents/jobs/{id}'] ?? 0,
    otherRequests,
    peakInFlight: ws.em.peakInFlight,
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
