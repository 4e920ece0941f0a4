// `npm run bench`: measures the bot (this process) against the EM simulator and the fake Slack Web API (a child
// process), and prints ONE JSON document on stdout. Progress and logs go to stderr. `--phase <name>` (repeatable)
// runs only the named phases: watches, growth, ack, ack-cost, rate-limited, history, busy-night, jobs-list,
// replicas.

import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { LogLevel } from '../src/config.js';
import { createLogger } from '../src/log/logger.js';
import { PeerLink } from './peer-link.js';
import { type AckCostSettings, runAckCostPhase } from './phases/ack-cost-phase.js';
import { type AckSettings, runAckPhase } from './phases/ack-phase.js';
import { type BusyNightSettings, runBusyNightPhase } from './phases/busy-night-phase.js';
import { type GrowthSettings, runGrowthPhase } from './phases/growth-phase.js';
import { type HistorySettings, runHistoryPhase } from './phases/history-phase.js';
import { type JobsListSettings, runJobsListPhase } from './phases/jobs-list-phase.js';
import type { PhaseContext } from './phases/phase-context.js';
import { type RateLimitSettings, runRateLimitPhase } from './phases/rate-limit-phase.js';
import { REPLICAS, runReplicasPhase } from './phases/replicas-phase.js';
import { runWatchesPhase, type WatchesSettings } from './phases/watches-phase.js';

// ---- Phase settings: every duration and bound is here. ----

const WATCHES: WatchesSettings = {
  tasks: 1_000,
  channels: 50,
  minTaskMs: 1_000,
  spreadMs: 59_000, // Tasks end at random times from 1 s to 60 s after they start.
  createConcurrency: 32,
  settleMs: 10_000,
};
const GROWTH: GrowthSettings = {
  sizes: [10, 100, 1_000, 10_000],
  windowMs: 8_000,
  settleMs: 500,
  createConcurrency: 32,
};
const ACK: AckSettings = {
  commands: 200,
  sequential: 10,
  emLatencyMs: 1_000,
  text: 'jobs',
  answerWaitMs: 10_000,
};
const ACK_COST: AckCostSettings = {
  commands: 200,
  warmBursts: 2,
  emLatencyMs: 1_000,
  text: 'jobs',
  answerWaitMs: 60_000,
  targetRatio: 1.5,
};
const RATE_LIMITED: RateLimitSettings = {
  tasks: 120,
  rateLimitFraction: 0.2,
  minTaskMs: 500,
  spreadMs: 2_500,
  maxWaitMs: 45_000,
  quietMs: 1_500,
};
const HISTORY: HistorySettings = {
  finishedTasks: 10_000,
  taskMs: 100,
  createConcurrency: 32,
  windowMs: 10_000,
  settleMs: 2_000,
  maxHistoryMs: 240_000,
  cpuFloorSecPerMin: 0.05,
  maxCpuRatio: 1.2,
};
const BUSY_NIGHT: BusyNightSettings = {
  jobs: 2_000,
  sessions: 5_000,
  failEvery: 7,
  failOffset: 3,
  spreadMs: 2_000,
  settleMs: 2_000,
};
const JOBS_LIST: JobsListSettings = {
  jobs: 2_000,
  emLatencyMs: 100,
  text: 'jobs',
  waitMs: 60_000,
  // The issue sets no figure: ours, well inside the 30 minutes a response_url stays valid.
  targetFirstPageMs: 5_000,
};
/** The simulator's defaults for this run: toggles need no backup sessions; keep any that start short. */
const SIM = { backupDurationMs: 2_000, taskDurationMs: 1_000 };

// ---- Targets from the issue ----
const TARGET_NOTIFY_P99_MS = 2_000;
const TARGET_PEAK_RSS_MIB = 200;
const TARGET_ACK_P99_MS = 50;
/** "Flat": the largest size costs at most this many times the smallest (CPU below the floor counts as the floor). */
const FLAT_RATIO = 2;
const CPU_FLOOR_SEC_PER_MIN = 0.1;
/** TASK_POLL_INTERVAL_MS's default, for the growth bound when the watches phase (which reads it) did not run. */
const DEFAULT_POLL_INTERVAL_MS = 1_500;

const PHASES = [
  'watches',
  'growth',
  'ack',
  'ack-cost',
  'rate-limited',
  'history',
  'busy-night',
  'jobs-list',
  'replicas',
] as const;
type PhaseName = (typeof PHASES)[number];

interface PhaseResults {
  watches?: Awaited<ReturnType<typeof runWatchesPhase>>;
  growth?: Awaited<ReturnType<typeof runGrowthPhase>>;
  ack?: Awaited<ReturnType<typeof runAckPhase>>;
  ackCost?: Awaited<ReturnType<typeof runAckCostPhase>>;
  rateLimited?: Awaited<ReturnType<typeof runRateLimitPhase>>;
  history?: Awaited<ReturnType<typeof runHistoryPhase>>;
  busyNight?: Awaited<ReturnType<typeof runBusyNightPhase>>;
  jobsList?: Awaited<ReturnType<typeof runJobsListPhase>>;
  replicas?: Awaited<ReturnType<typeof runReplicasPhase>>;
}

interface Target {
  target: unknown;
  value: unknown;
  met: boolean;
  [detail: string]: unknown;
}

/** `--phase a --phase b` or `--phase a,b`; none given: every phase. */
function selectedPhases(argv: string[]): PhaseName[] {
  const asked: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--phase') asked.push(...(argv[++i] ?? '').split(','));
    else if (arg.startsWith('--phase=')) asked.push(...arg.slice('--phase='.length).split(','));
  }
  const unknown = asked.filter((a) => !(PHASES as readonly string[]).includes(a));
  if (unknown.length > 0)
    throw new Error(`unknown phase ${unknown.join(', ')}; phases: ${PHASES.join(', ')}`);
  return asked.length === 0 ? [...PHASES] : PHASES.filter((p) => asked.includes(p));
}

async function runPhases(ctx: PhaseContext, phases: PhaseName[]): Promise<PhaseResults> {
  const r: PhaseResults = {};
  for (const [i, phase] of phases.entries()) {
    ctx.progress(`phase ${i + 1}/${phases.length}: ${phase}`);
    if (phase === 'watches') {
      r.watches = await runWatchesPhase(ctx, WATCHES);
      ctx.progress(`watches: p99 ${r.watches.notifyLatencyMs.p99} ms, peak RSS ${r.watches.peakRssMiB} MiB`);
    } else if (phase === 'growth') {
      r.growth = await runGrowthPhase(ctx, GROWTH);
    } else if (phase === 'ack') {
      r.ack = await runAckPhase(ctx, ACK);
      ctx.progress(
        `ack: p99 cold ${r.ack.coldBurst.ackLatencyMs.p99} ms, warm ${r.ack.warmBurst.ackLatencyMs.p99} ms`,
      );
    } else if (phase === 'ack-cost') {
      r.ackCost = await runAckCostPhase(ctx, ACK_COST);
      const { oursToBareBolt } = r.ackCost.ratios;
      ctx.progress(
        `ack cost: p99 ours/bare Bolt cold ${oursToBareBolt.cold.p99}, warm ${oursToBareBolt.warm.p99}`,
      );
    } else if (phase === 'rate-limited') {
      r.rateLimited = await runRateLimitPhase(ctx, RATE_LIMITED);
      ctx.progress(
        `rate limited: lost ${r.rateLimited.repliesLost}, duplicated ${r.rateLimited.repliesDuplicated}`,
      );
    } else if (phase === 'history') {
      r.history = await runHistoryPhase(ctx, HISTORY);
      ctx.progress(
        `history: CPU ratio ${r.history.cpuRatio}, GET /tasks lists ${r.history.afterHistory.tasksListed}`,
      );
    } else if (phase === 'busy-night') {
      r.busyNight = await runBusyNightPhase(ctx, BUSY_NIGHT);
      ctx.progress(
        `busy night: poll ${r.busyNight.pollSec} s, ${r.busyNight.announcedOnce}/${r.busyNight.failures} announced once`,
      );
    } else if (phase === 'replicas') {
      r.replicas = await runReplicasPhase(ctx, REPLICAS);
    } else {
      r.jobsList = await runJobsListPhase(ctx, JOBS_LIST);
      ctx.progress(`jobs list: first page after ${r.jobsList.firstAnswerMs} ms`);
    }
  }
  return r;
}

/** Targets of the watcher phases (from the issues before 11). */
function watcherTargets(r: PhaseResults): Record<string, Target> {
  const { watches, growth, ack, ackCost, rateLimited } = r;
  return {
    ...(watches ? watchesTargets(watches) : {}),
    ...(growth ? growthTargets(growth, watches?.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS) : {}),
    ...(ack ? ackTargets(ack) : {}),
    ...(ackCost ? ackCostTargets(ackCost) : {}),
    ...(rateLimited ? rateLimitTargets(rateLimited) : {}),
  };
}

/** 1,000 watches: one GET /tasks a round, notify latency, peak RSS. */
function watchesTargets(watches: NonNullable<PhaseResults['watches']>): Record<string, Target> {
  const p99 = watches.notifyLatencyMs.p99;
  return {
    watchesPollRequestsPerRound: {
      target:
        'one EM request (GET /tasks) per polling round, no per-Task GETs, while all Tasks are in the logon session',
      value: watches.em.taskPollRequestsPerPollingRound,
      getTaskById: watches.em.getTaskById,
      met: watches.em.getTaskById === 0 && watches.em.listTasks <= watches.em.watcherRounds,
    },
    notifyLatencyP99Ms: {
      target: `< ${TARGET_NOTIFY_P99_MS} ms at TASK_POLL_INTERVAL_MS=${watches.pollIntervalMs}`,
      value: p99,
      met: p99 !== null && p99 < TARGET_NOTIFY_P99_MS && watches.missingReplies === 0,
    },
    peakRssMiB: {
      target: `< ${TARGET_PEAK_RSS_MIB} MiB with 1,000 watches`,
      value: watches.peakRssMiB,
      met: watches.peakRssMiB < TARGET_PEAK_RSS_MIB,
    },
  };
}

/** EM requests and bot CPU flat in the number of watches. */
function growthTargets(
  growth: NonNullable<PhaseResults['growth']>,
  pollIntervalMs: number,
): Record<string, Target> {
  const rpsBound = (1000 / pollIntervalMs) * 1.1;
  const cpu = growth.map((g) => Math.max(CPU_FLOOR_SEC_PER_MIN, g.cpuSecondsPerMin));
  const rps = growth.map((g) => g.emRequestsPerSec);
  const cpuRatio = Math.max(...cpu) / Math.min(...cpu);
  return {
    growthEmRequestsFlat: {
      target: `EM requests/s flat in the number of watches: at most one GET /tasks per poll interval (≤ ${rpsBound.toFixed(2)}/s) at every size`,
      value: rps,
      met: rps.every((v) => v <= rpsBound),
    },
    growthCpuFlat: {
      target: `bot CPU s/min flat in the number of watches: largest/smallest ≤ ${FLAT_RATIO} (floor ${CPU_FLOOR_SEC_PER_MIN} s/min)`,
      value: growth.map((g) => g.cpuSecondsPerMin),
      ratio: Math.round(cpuRatio * 100) / 100,
      met: cpuRatio <= FLAT_RATIO,
    },
  };
}

/** Slash commands acknowledged in time over a slow EM, every one answered 200. */
function ackTargets(ack: NonNullable<PhaseResults['ack']>): Record<string, Target> {
  const ackP99 = Math.max(
    ack.coldBurst.ackLatencyMs.p99 ?? Number.POSITIVE_INFINITY,
    ack.warmBurst.ackLatencyMs.p99 ?? Number.POSITIVE_INFINITY,
  );
  return {
    ackP99Ms: {
      target: `< ${TARGET_ACK_P99_MS} ms for ${ACK.commands} concurrent commands with EM answering after ${ACK.emLatencyMs} ms (worse of the cold and warm bursts)`,
      value: ackP99,
      sequentialP99: ack.sequential.ackLatencyMs.p99,
      met:
        ackP99 < TARGET_ACK_P99_MS &&
        [ack.coldBurst, ack.warmBurst].every((b) => (b.httpStatuses['200'] ?? 0) === ACK.commands),
    },
  };
}

/** Our ack against bare Bolt's, on the same bursts: p99 within ACK_COST.targetRatio, cold and warm. */
function ackCostTargets(cost: NonNullable<PhaseResults['ackCost']>): Record<string, Target> {
  const { cold, warm } = cost.ratios.oursToBareBolt;
  const within = (ratio: number | null) => ratio !== null && ratio <= ACK_COST.targetRatio;
  return {
    ackCostP99RatioToBareBolt: {
      target: `our ack p99 ≤ ${ACK_COST.targetRatio}× a bare Bolt app's, ${ACK_COST.commands} concurrent /veeam ${ACK_COST.text} with EM at ${ACK_COST.emLatencyMs} ms (cold and warm bursts)`,
      value: { cold: cold.p99, warm: warm.p99 },
      oursToRaw: cost.ratios.oursToRaw,
      met:
        within(cold.p99) &&
        within(warm.p99) &&
        [cost.ours, cost.bareBolt, cost.raw].every((t) => Object.keys(t.httpStatuses).join() === '200'),
    },
  };
}

/** Under Slack 429s: no reply lost, none twice. */
function rateLimitTargets(rateLimited: NonNullable<PhaseResults['rateLimited']>): Record<string, Target> {
  return {
    rateLimitedLost: { target: 0, value: rateLimited.repliesLost, met: rateLimited.repliesLost === 0 },
    rateLimitedDuplicated: {
      target: 0,
      value: rateLimited.repliesDuplicated,
      met: rateLimited.repliesDuplicated === 0,
    },
  };
}

/** Targets of issue 11: a long-lived logon session, a busy night, a large estate listed over a slow EM. */
function estateTargets(r: PhaseResults): Record<string, Target> {
  const t: Record<string, Target> = {};
  const { history, busyNight, jobsList } = r;
  if (history) {
    t.historyCpuRatio = {
      target: history.target,
      value: history.cpuRatio,
      tasksListedAfterHistory: history.afterHistory.tasksListed,
      tasksPending: history.tasksPending,
      met: history.met,
    };
  }
  if (busyNight) {
    t.busyNightEveryFailureOnce = {
      target: busyNight.target,
      value: { announcedOnce: busyNight.announcedOnce, failures: busyNight.failures },
      pollSec: busyNight.pollSec,
      emRequests: busyNight.emRequests,
      queryPages: busyNight.queryPages,
      met: busyNight.met,
    };
  }
  if (jobsList) {
    t.jobsListFirstPageMs = {
      target: jobsList.target,
      value: jobsList.firstAnswerMs,
      blocks: jobsList.blocks,
      offersMore: jobsList.offersMore,
      met: jobsList.met,
    };
  }
  return t;
}

function machine() {
  return {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model ?? 'unknown',
    memGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

async function main(): Promise<void> {
  const began = performance.now();
  const progress = (message: string) =>
    process.stderr.write(`[bench ${((performance.now() - began) / 1000).toFixed(1)}s] ${message}\n`);
  const level = (process.env.BENCH_LOG_LEVEL ?? 'warn') as LogLevel;
  const logger = createLogger({ level });
  const phases = selectedPhases(process.argv.slice(2));

  const { link, urls } = await PeerLink.start(SIM);
  const ctx: PhaseContext = { link, urls, logger, progress };
  try {
    const results = await runPhases(ctx, phases);
    const targets = { ...watcherTargets(results), ...estateTargets(results) };
    const report = {
      machine: machine(),
      phases,
      settings: {
        watches: WATCHES,
        growth: GROWTH,
        ack: ACK,
        ackCost: ACK_COST,
        rateLimited: RATE_LIMITED,
        history: HISTORY,
        busyNight: BUSY_NIGHT,
        jobsList: JOBS_LIST,
        replicas: REPLICAS,
        sim: SIM,
      },
      ...results,
      targets,
      allTargetsMet: Object.values(targets).every((t) => t.met),
      processPeakRssMiB: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10,
      durationSec: Math.round((performance.now() - began) / 100) / 10,
    };
    await new Promise<void>((resolve) =>
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`, () => resolve()),
    );
  } finally {
    await link.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
