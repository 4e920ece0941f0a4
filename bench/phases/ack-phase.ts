// Phase 3: signed `/veeam jobs` commands while EM takes 1 s per answer: how long until the bot's HTTP answer
// (the ack), timed on Slack's side in the peers process. One by one first (the ack alone), then 200 at once on
// fresh connections (cold), then 200 at once again on the kept-alive connections (warm).

import { BENCH_SIGNING_SECRET, type BenchBot, startBenchBot } from '../bench-bot.js';
import { type LatencySummary, summarize } from '../percentiles.js';
import { type PhaseContext, sleep } from './phase-context.js';

export interface AckSettings {
  commands: number;
  sequential: number;
  emLatencyMs: number;
  text: string;
  /** How long to wait for a batch's real answers (response_url) before the next batch. */
  answerWaitMs: number;
}

interface AckBurst {
  ackLatencyMs: LatencySummary;
  httpStatuses: Record<string, number>;
  /** Commands answered through response_url (after EM's answer) within answerWaitMs. */
  answeredViaResponseUrl: number;
}

interface AckResultSummary {
  command: string;
  emLatencyMs: number;
  /** One command at a time: the ack's own cost, with EM at emLatencyMs. */
  sequential: AckBurst;
  /** `commands` at once on new connections. */
  coldBurst: AckBurst;
  /** `commands` at once again, on the connections the cold burst left open. */
  warmBurst: AckBurst;
}

export async function runAckPhase(ctx: PhaseContext, s: AckSettings): Promise<AckResultSummary> {
  await ctx.link.knobs({ latencyMs: s.emLatencyMs, rateLimitFraction: 0 });
  const target = await startBenchBot(ctx.urls, ctx.logger);
  try {
    const sequential = await batch(ctx, target, s, 0, s.sequential);
    const coldBurst = await batch(ctx, target, s, s.commands, 0);
    const warmBurst = await batch(ctx, target, s, s.commands, 0);
    return { command: `/veeam ${s.text}`, emLatencyMs: s.emLatencyMs, sequential, coldBurst, warmBurst };
  } finally {
    await target.close();
    await ctx.link.knobs({ latencyMs: 0 });
  }
}

async function batch(
  ctx: PhaseContext,
  target: BenchBot,
  s: AckSettings,
  count: number,
  sequential: number,
): Promise<AckBurst> {
  const answeredBefore = await ctx.link.responseUrlCount();
  const result = await ctx.link.ack({
    eventsUrl: target.eventsUrl,
    signingSecret: BENCH_SIGNING_SECRET,
    count,
    sequential,
    text: s.text,
    user: 'UBENCH1',
    channel: 'CBENCH000',
  });
  const expected = count + sequential;
  const deadline = Date.now() + s.answerWaitMs;
  let answered = (await ctx.link.responseUrlCount()) - answeredBefore;
  while (answered < expected && Date.now() < deadline) {
    await sleep(100);
    answered = (await ctx.link.responseUrlCount()) - answeredBefore;
  }
  return {
    ackLatencyMs: summarize(result.latenciesMs),
    httpStatuses: result.statuses,
    answeredViaResponseUrl: answered,
  };
}
