// Phase: a busy night. 5,000 sessions of 2,000 jobs of every kind end between two monitor polls (EM answers 100
// a page, em-api.md fact 11): how long the poll takes, how many EM requests and query pages it needs, and whether
// every failure is announced exactly once, as a card in the failure storm's thread.

import { performance } from 'node:perf_hooks';
import type { JobType } from '../../src/sim/inventory-model.js';
import type { SimJobView, SimSessionInit } from '../../src/sim/types.js';
import { startBenchBot } from '../bench-bot.js';
import type { ChannelMessage } from '../peer-messages.js';
import { type PhaseContext, routeDelta, sleep } from './phase-context.js';

/** Every job kind EM serves, round-robin over the added jobs. */
export const ALL_JOB_KINDS: JobType[] = [
  'AgentBackup',
  'Backup',
  'Replica',
  'BackupCopy',
  'ImmediateBackupCopy',
  'NasBackup',
];

export interface BusyNightSettings {
  jobs: number;
  sessions: number;
  /**
   * Job j's last session of the night fails when j % failEvery === failOffset: distinct jobs of every kind, and no
   * later success resolves an incident within the same poll (so each failed job's name is in exactly one card).
   */
  failEvery: number;
  failOffset: number;
  /** End times spread over this span after the first poll. */
  spreadMs: number;
  /** How long to wait for the announcements to settle after the poll. */
  settleMs: number;
}

export interface BusyNightResult {
  jobs: number;
  sessions: number;
  failures: number;
  failuresByKind: Record<string, number>;
  pollSec: number;
  emRequests: number;
  emByRoute: Record<string, number>;
  /** GET /query requests in the poll: each is one page of at most 100 items. */
  queryPages: number;
  minQueryPages: number;
  topLevelPosts: number;
  threadReplies: number;
  announcedOnce: number;
  announcedMoreThanOnce: number;
  notAnnounced: number;
  notAnnouncedByKind: Record<string, number>;
  target: string;
  met: boolean;
}

const CHANNEL = 'CBENCHNIGHT';

export async function runBusyNightPhase(ctx: PhaseContext, s: BusyNightSettings): Promise<BusyNightResult> {
  await ctx.link.knobs({ latencyMs: 0, rateLimitFraction: 0 });
  const jobs = await ctx.link.ensureJobs(s.jobs, ALL_JOB_KINDS);
  const target = await startBenchBot(ctx.urls, ctx.logger, {
    VEEAM_INCIDENT_CHANNEL: CHANNEL,
    // The phase polls itself: the timer never interleaves.
    VEEAM_MONITOR_INTERVAL_SECONDS: '86400',
  });
  try {
    const monitor = target.bot.monitor;
    if (monitor === undefined) throw new Error('the bench bot has no incident monitor');
    // The monitor took its baseline when the bot started: the night's sessions all end after it.
    await sleep(200);
    const { sessions, failed } = night(jobs, s, Date.now() + 100);
    for (let i = 0; i < sessions.length; i += 500) await ctx.link.addSessions(sessions.slice(i, i + 500));
    await sleep(Math.max(0, (sessions.at(-1)?.endTime ?? 0) - Date.now() + 100));
    ctx.progress(
      `busy night: ${s.sessions} sessions of ${s.jobs} jobs ended (${failed.length} failed); polling`,
    );

    const before = await ctx.link.stats();
    const began = performance.now();
    await monitor.pollOnce();
    const pollSec = Math.round(performance.now() - began) / 1000;
    const after = await ctx.link.stats();
    const messages = await settled(ctx, s.settleMs);
    const emByRoute = routeDelta(before, after);
    return judge(s, failed, messages, { pollSec, emByRoute });
  } finally {
    await target.close();
  }
}

/** The night's sessions (job i % jobs, ends spread over spreadMs) and the jobs whose session fails. */
function night(jobs: SimJobView[], s: BusyNightSettings, from: number) {
  const sessions: SimSessionInit[] = [];
  const failed: SimJobView[] = [];
  for (let i = 0; i < s.sessions; i += 1) {
    const job = jobs[i % jobs.length] as SimJobView;
    const last = i + jobs.length >= s.sessions;
    const fails = last && (i % jobs.length) % s.failEvery === s.failOffset;
    if (fails) failed.push(job);
    const endTime = from + Math.floor((i * s.spreadMs) / s.sessions);
    sessions.push({
      jobId: job.id,
      state: 'Stopped',
      result: fails ? 'Failed' : 'Success',
      failureMessage: fails
        ? `Error: night failure of ${job.name}: the repository is unavailable`
        : undefined,
      creationTime: endTime - 20 * 60_000,
      endTime,
    });
  }
  return { sessions, failed };
}

/** The incident channel once no post arrived for settleMs. */
async function settled(ctx: PhaseContext, settleMs: number): Promise<ChannelMessage[]> {
  let messages = await ctx.link.channelMessages(CHANNEL);
  for (;;) {
    await sleep(settleMs);
    const now = await ctx.link.channelMessages(CHANNEL);
    if (now.length === messages.length) return now;
    messages = now;
  }
}

function judge(
  s: BusyNightSettings,
  failed: SimJobView[],
  messages: ChannelMessage[],
  poll: { pollSec: number; emByRoute: Record<string, number> },
): BusyNightResult {
  const topLevel = messages.filter((m) => m.threadTs === undefined || m.threadTs === m.ts);
  const replies = messages.filter((m) => m.threadTs !== undefined && m.threadTs !== m.ts);
  const count = (kinds: SimJobView[]) => tally(kinds.map((j) => j.jobType));
  const times = failed.map((job) => replies.filter((m) => m.text.includes(job.name)).length);
  const missing = failed.filter((_, i) => times[i] === 0);
  const announcedOnce = times.filter((t) => t === 1).length;
  const announcedMoreThanOnce = times.filter((t) => t > 1).length;
  const queryPages = poll.emByRoute['GET /query'] ?? 0;
  const minQueryPages = Math.ceil(s.sessions / 100);
  const emRequests = Object.values(poll.emByRoute).reduce((a, b) => a + b, 0);
  return {
    jobs: s.jobs,
    sessions: s.sessions,
    failures: failed.length,
    failuresByKind: count(failed),
    pollSec: poll.pollSec,
    emRequests,
    emByRoute: poll.emByRoute,
    queryPages,
    minQueryPages,
    topLevelPosts: topLevel.length,
    threadReplies: replies.length,
    announcedOnce,
    announcedMoreThanOnce,
    notAnnounced: missing.length,
    notAnnouncedByKind: count(missing),
    target: `every one of ${s.sessions} sessions read (≥ ${minQueryPages} query pages of 100), every failure announced exactly once in one storm's thread`,
    met: queryPages >= minQueryPages && announcedOnce === failed.length && topLevel.length === 1,
  };
}

function tally(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
