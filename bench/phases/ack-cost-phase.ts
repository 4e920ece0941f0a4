// Ack cost against its floor: the same burst of signed `/veeam jobs` commands, EM answering after 1 s, sent to our
// bot, to a bare Bolt app (same receiver setup, a listener that only acks) and to a raw node:http server that
// checks the signature and answers 200, all three in this process. Bursts alternate between the three so that
// whatever else the machine does falls on each alike; our bot's answers (response_url: EM's answers for 200
// commands, through its 32 connections to EM at 1 s each) are awaited after each of its bursts, so its follow-up
// work lands in no burst but its own.

import { type AckTarget, startBareBolt, startRawServer } from '../ack-floors.js';
import { BENCH_SIGNING_SECRET, startBenchBot } from '../bench-bot.js';
import { type LatencySummary, summarize } from '../percentiles.js';
import { type PhaseContext, sleep } from './phase-context.js';

export interface AckCostSettings {
  commands: number;
  /** Warm bursts per target after the cold one; their latencies are pooled (more samples for a steady p99). */
  warmBursts: number;
  emLatencyMs: number;
  text: string;
  answerWaitMs: number;
  /** Our p99 may be at most this many times bare Bolt's. */
  targetRatio: number;
}

type TargetName = 'ours' | 'bareBolt' | 'raw';
/** Burst order in each round: ours last, so the wait for its answers ends the round. */
const TARGETS: readonly TargetName[] = ['raw', 'bareBolt', 'ours'];

interface TargetResult {
  /** One burst on fresh connections. */
  cold: LatencySummary;
  /** `warmBursts` bursts on kept-alive connections, pooled. */
  warm: LatencySummary;
  httpStatuses: Record<string, number>;
}

interface Ratio {
  p50: number | null;
  p99: number | null;
}

export interface AckCostResult {
  command: string;
  emLatencyMs: number;
  commands: number;
  ours: TargetResult;
  bareBolt: TargetResult;
  raw: TargetResult;
  /** ours ÷ peer, per burst kind. */
  ratios: { oursToBareBolt: { cold: Ratio; warm: Ratio }; oursToRaw: { cold: Ratio; warm: Ratio } };
}

export async function runAckCostPhase(ctx: PhaseContext, s: AckCostSettings): Promise<AckCostResult> {
  await ctx.link.knobs({ latencyMs: s.emLatencyMs, rateLimitFraction: 0 });
  const targets = await startTargets(ctx);
  try {
    const cold = { ours: [], bareBolt: [], raw: [] } as Record<TargetName, number[]>;
    const warm = { ours: [], bareBolt: [], raw: [] } as Record<TargetName, number[]>;
    const statuses: Record<TargetName, Record<string, number>> = { ours: {}, bareBolt: {}, raw: {} };
    for (const round of [-1, ...Array.from({ length: s.warmBursts }, (_, i) => i)]) {
      for (const name of TARGETS) {
        const burst = await sendBurst(ctx, s, targets[name], name === 'ours');
        if (round < 0) cold[name] = burst.latenciesMs;
        else warm[name].push(...burst.latenciesMs);
        for (const [status, n] of Object.entries(burst.statuses)) {
          statuses[name][status] = (statuses[name][status] ?? 0) + n;
        }
      }
    }
    const result = (name: TargetName): TargetResult => ({
      cold: summarize(cold[name]),
      warm: summarize(warm[name]),
      httpStatuses: statuses[name],
    });
    const ours = result('ours');
    const bareBolt = result('bareBolt');
    const raw = result('raw');
    return {
      command: `/veeam ${s.text}`,
      emLatencyMs: s.emLatencyMs,
      commands: s.commands,
      ours,
      bareBolt,
      raw,
      ratios: { oursToBareBolt: ratios(ours, bareBolt), oursToRaw: ratios(ours, raw) },
    };
  } finally {
    for (const target of Object.values(targets)) await target.close();
    await ctx.link.knobs({ latencyMs: 0 });
  }
}

async function startTargets(ctx: PhaseContext): Promise<Record<TargetName, AckTarget>> {
  const ours = await startBenchBot(ctx.urls, ctx.logger);
  return {
    ours,
    bareBolt: await startBareBolt(BENCH_SIGNING_SECRET, ctx.urls.slackApiUrl),
    raw: await startRawServer(BENCH_SIGNING_SECRET),
  };
}

/** One burst of `commands` at once; for our bot, then waits for its answers through response_url. */
async function sendBurst(
  ctx: PhaseContext,
  s: AckCostSettings,
  target: AckTarget,
  awaitAnswers: boolean,
): Promise<{ latenciesMs: number[]; statuses: Record<string, number> }> {
  const answeredBefore = await ctx.link.responseUrlCount();
  const result = await ctx.link.ack({
    eventsUrl: target.eventsUrl,
    signingSecret: BENCH_SIGNING_SECRET,
    count: s.commands,
    sequential: 0,
    text: s.text,
    user: 'UBENCH1',
    channel: 'CBENCH000',
  });
  const deadline = Date.now() + s.answerWaitMs;
  while (awaitAnswers && Date.now() < deadline) {
    if ((await ctx.link.responseUrlCount()) - answeredBefore >= s.commands) break;
    await sleep(100);
  }
  return result;
}

function ratios(ours: TargetResult, peer: TargetResult): { cold: Ratio; warm: Ratio } {
  const of = (a: LatencySummary, b: LatencySummary): Ratio => ({
    p50: divide(a.p50, b.p50),
    p99: divide(a.p99, b.p99),
  });
  return { cold: of(ours.cold, peer.cold), warm: of(ours.warm, peer.warm) };
}

function divide(a: number | null, b: number | null): number | null {
  return a === null || b === null || b <= 0 ? null : Math.round((a / b) * 100) / 100;
}
