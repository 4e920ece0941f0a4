// Phase: `/veeam jobs` on 2,000 jobs of every kind while EM answers each request after 100 ms: the time from the
// command to its first page on the response_url, and whether that page fits Slack's limits.

import { BENCH_SIGNING_SECRET, startBenchBot } from '../bench-bot.js';
import type { TimedCommandResult } from '../peer-messages.js';
import { ALL_JOB_KINDS } from './busy-night-phase.js';
import { type PhaseContext, routeDelta } from './phase-context.js';

export interface JobsListSettings {
  jobs: number;
  emLatencyMs: number;
  text: string;
  /** Bound on the wait for the first page. */
  waitMs: number;
  targetFirstPageMs: number;
}

export interface JobsListResult extends TimedCommandResult {
  command: string;
  jobs: number;
  emLatencyMs: number;
  emRequests: number;
  emByRoute: Record<string, number>;
  /** The answer offers the rest of the list (a Next button or a select). */
  offersMore: boolean;
  target: string;
  met: boolean;
}

const SLACK_MAX_BLOCKS = 50;
const SLACK_MAX_SECTION_CHARS = 3_000;

export async function runJobsListPhase(ctx: PhaseContext, s: JobsListSettings): Promise<JobsListResult> {
  await ctx.link.ensureJobs(s.jobs, ALL_JOB_KINDS);
  await ctx.link.knobs({ latencyMs: s.emLatencyMs, rateLimitFraction: 0 });
  const target = await startBenchBot(ctx.urls, ctx.logger);
  try {
    // Logged on first: the phase times the listing, not the logon.
    await target.em.logon();
    const before = await ctx.link.stats();
    const answer = await ctx.link.timeCommand({
      eventsUrl: target.eventsUrl,
      signingSecret: BENCH_SIGNING_SECRET,
      text: s.text,
      user: 'UBENCH1',
      channel: 'CBENCHJOBS',
      waitMs: s.waitMs,
    });
    const emByRoute = routeDelta(before, await ctx.link.stats());
    const offersMore = answer.buttonLabels.some((l) => /next|more/i.test(l));
    return {
      command: `/veeam ${s.text}`,
      jobs: s.jobs,
      emLatencyMs: s.emLatencyMs,
      ...answer,
      emRequests: Object.values(emByRoute).reduce((a, b) => a + b, 0),
      emByRoute,
      offersMore,
      target: `first page within ${s.targetFirstPageMs} ms, at most ${SLACK_MAX_BLOCKS} blocks and ${SLACK_MAX_SECTION_CHARS} characters a block, refused by nobody, offering the rest`,
      met:
        answer.firstAnswerMs !== null &&
        answer.firstAnswerMs <= s.targetFirstPageMs &&
        answer.blocks <= SLACK_MAX_BLOCKS &&
        answer.longestBlockChars <= SLACK_MAX_SECTION_CHARS &&
        answer.refusals === 0 &&
        offersMore,
    };
  } finally {
    await target.close();
    await ctx.link.knobs({ latencyMs: 0 });
  }
}
