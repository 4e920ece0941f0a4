// Phase 2: growth. N watches whose Tasks do not finish during the window (10, 100, 1,000, 10,000): EM requests
// per second and the bot's CPU seconds per minute while it just keeps watching.

import { performance } from 'node:perf_hooks';
import { startBenchBot } from '../bench-bot.js';
import { round1 } from '../percentiles.js';
import { RssSampler } from '../rss-sampler.js';
import { createWatchedTasks } from '../watched-tasks.js';
import { cpuSeconds, type PhaseContext, routeDelta, sleep } from './phase-context.js';

export interface GrowthSettings {
  sizes: readonly number[];
  /** Measurement window per size; the Tasks last far longer. */
  windowMs: number;
  /** Between the last watch() and the window (the state file's first save of the new watches). */
  settleMs: number;
  createConcurrency: number;
}

interface GrowthStep {
  watches: number;
  createSec: number;
  windowSec: number;
  emRequests: number;
  emRequestsPerSec: number;
  emByRoute: Record<string, number>;
  cpuSecondsPerMin: number;
  /** CPU spent creating the Tasks and registering the watches (EM POSTs + watch()), for context. */
  setupCpuSec: number;
  /** Wall time inside the N watcher.watch() calls alone. */
  watchCallsSec: number;
  watcherRounds: number;
  lastRoundMs: number;
  peakRssMiB: number;
}

const TASK_LASTS_MS = 10 * 60_000;

export async function runGrowthPhase(ctx: PhaseContext, s: GrowthSettings): Promise<GrowthStep[]> {
  await ctx.link.knobs({
    taskDurationMs: TASK_LASTS_MS,
    taskDurationJitterMs: 0,
    latencyMs: 0,
    rateLimitFraction: 0,
  });
  const steps: GrowthStep[] = [];
  for (const [index, size] of s.sizes.entries()) {
    // A fresh bot and logon session per size: only this size's Tasks are in GET /tasks.
    const target = await startBenchBot(ctx.urls, ctx.logger);
    await target.em.logon();
    const rss = new RssSampler(100);
    const setupCpu = process.cpuUsage();
    const createdAt = performance.now();
    const { watchCallsMs } = await createWatchedTasks(target, {
      count: size,
      channels: 50,
      concurrency: s.createConcurrency,
      threadSeconds: 1_710_000_000 + index * 10_000,
    });
    const createSec = (performance.now() - createdAt) / 1000;
    const setupCpuSec = cpuSeconds(setupCpu);
    await sleep(s.settleMs);

    const before = await ctx.link.stats();
    const cpu = process.cpuUsage();
    const windowStart = performance.now();
    const roundsBefore = target.bot.watcher.stats().rounds;
    await sleep(s.windowMs);
    const windowSec = (performance.now() - windowStart) / 1000;
    const cpuSec = cpuSeconds(cpu);
    const after = await ctx.link.stats();
    const ws = target.bot.watcher.stats();
    const peakRssMiB = rss.stop();
    await target.close();

    const emByRoute = routeDelta(before, after);
    const emRequests = Object.values(emByRoute).reduce((a, b) => a + b, 0);
    steps.push({
      watches: size,
      createSec: round1(createSec),
      windowSec: round1(windowSec),
      emRequests,
      emRequestsPerSec: Math.round((emRequests / windowSec) * 1000) / 1000,
      emByRoute,
      cpuSecondsPerMin: Math.round((cpuSec / windowSec) * 60 * 1000) / 1000,
      setupCpuSec: round1(setupCpuSec),
      watchCallsSec: Math.round(watchCallsMs) / 1000,
      watcherRounds: ws.rounds - roundsBefore,
      lastRoundMs: ws.lastRoundMs,
      peakRssMiB,
    });
    ctx.progress(
      `growth: ${size} watches: ${steps.at(-1)?.emRequestsPerSec} EM req/s, ${steps.at(-1)?.cpuSecondsPerMin} CPU s/min (setup ${createSec.toFixed(1)} s)`,
    );
  }
  return steps;
}
