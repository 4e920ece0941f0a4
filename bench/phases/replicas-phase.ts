// Phase "replicas": two bot processes on one Redis, watches handed to the leader through the store, the leader
// killed with SIGKILL in the middle. Results lost and doubled (target 0 and 0), kill → new leader → its first
// round, notify latency across the failover, and Redis commands per polling round at two watch counts (flat).

import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { loadConfig } from '../../src/config.js';
import { EmClient } from '../../src/em/client.js';
import type { Job } from '../../src/em/types.js';
import { createLogger } from '../../src/log/logger.js';
import { SIM_DEFAULT_CREDENTIALS, SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { openStateStore } from '../../src/state/open-state-store.js';
import type { StateStore } from '../../src/state/state-store.js';
import type { PeerEvents } from '../peer-messages.js';
import { type LatencySummary, summarize } from '../percentiles.js';
import { threadKey } from '../watched-tasks.js';
import type { PhaseContext } from './phase-context.js';
import { sleep } from './phase-context.js';
import { type OpsSample, sampleRedisOps } from './replicas-ops.js';
import {
  type BenchReplica,
  hasRedisServer,
  isLeading,
  startBenchRedis,
  startBenchReplica,
} from './replicas-processes.js';

export interface ReplicasSettings {
  tasks: number;
  channels: number;
  minTaskMs: number;
  spreadMs: number;
  /** The leader is killed this long after the first watch was handed off. */
  killAtMs: number;
  leaderTtlMs: number;
  createConcurrency: number;
  /** Redis commands per round are counted over a window this long at each of these watch counts. */
  sampleMs: number;
  sampleWatches: number[];
  settleMs: number;
}

export const REPLICAS: ReplicasSettings = {
  tasks: 1_000,
  channels: 50,
  minTaskMs: 1_000,
  spreadMs: 59_000,
  killAtMs: 30_000,
  leaderTtlMs: 15_000,
  createConcurrency: 32,
  sampleMs: 8_000,
  sampleWatches: [100, 1_000],
  settleMs: 20_000,
};

type ReplicasResult =
  | { skipped: string }
  | {
      tasks: number;
      killAtSec: number;
      leaderTtlMs: number;
      lost: number;
      doubled: number;
      killToNewLeaderMs: number;
      killToFirstRoundMs: number | null;
      notifyLatencyMs: LatencySummary;
      /** Tasks that finished between the kill and the new leader's first round. */
      notifyLatencyAcrossFailoverMs: LatencySummary;
      /** Redis commands per watcher round at two watch counts, measured apart from the failover. */
      redisOpsPerRound?: OpsSample[];
      targets: {
        lost: { target: 0; value: number; met: boolean };
        doubled: { target: 0; value: number; met: boolean };
      };
    };

interface Feeder {
  em: EmClient;
  store: StateStore;
  redis: Redis;
}

export async function runReplicasPhase(ctx: PhaseContext, s: ReplicasSettings): Promise<ReplicasResult> {
  if (!hasRedisServer())
    return { skipped: "redis-server is not on the PATH (install Debian's redis-server)" };
  await ctx.link.knobs({
    taskDurationMs: s.minTaskMs,
    taskDurationJitterMs: s.spreadMs,
    latencyMs: 0,
    rateLimitFraction: 0,
  });
  const redis = await startBenchRedis();
  const env = { VEEAM_LEADER_TTL_MS: String(s.leaderTtlMs) };
  const replicas = ['bench-a', 'bench-b'].map((id) => startBenchReplica(id, ctx.urls, redis.url, env));
  let feeder: Feeder | undefined;
  try {
    const first = await Promise.any(replicas.map((r) => r.waitForLine(isLeading, 60_000).then(() => r)));
    const other = replicas.find((r) => r !== first) as BenchReplica;
    feeder = await startFeeder(ctx, redis.url);
    const result = await failover(ctx, s, feeder, first, other);
    await Promise.all(replicas.map((r) => r.kill('SIGTERM')));
    return { ...result, redisOpsPerRound: await sampleRedisOps(ctx, redis.url, s.sampleWatches, s.sampleMs) };
  } finally {
    await Promise.all(replicas.map((r) => r.kill('SIGTERM')));
    await feeder?.store.close();
    await feeder?.em.close();
    await redis.stop();
  }
}

/** The benchmark's own EM session creates the Tasks; its store connection hands the watches to the leader. */
async function startFeeder(ctx: PhaseContext, redisUrl: string): Promise<Feeder> {
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: 'bench-replica-secret',
    VEEAM_EM_URL: ctx.urls.simUrl,
    VEEAM_EM_USERNAME: SIM_DEFAULT_CREDENTIALS.username,
    VEEAM_EM_PASSWORD: SIM_DEFAULT_CREDENTIALS.password,
    VEEAM_STATE_URL: redisUrl,
    VEEAM_INSTANCE_ID: 'bench-feeder',
  });
  // Its lines go to stderr with the progress: stdout carries the JSON document alone.
  const logger = createLogger({ level: 'warn', write: (line) => process.stderr.write(`${line}\n`) });
  const em = new EmClient({ config: config.em, logger });
  await em.logon();
  const { store, redis } = openStateStore(config, logger);
  if (redis === undefined) throw new Error('the replicas phase needs the Redis store');
  if (redis.status !== 'ready') await once(redis, 'ready');
  return { em, store, redis };
}

async function failover(
  ctx: PhaseContext,
  s: ReplicasSettings,
  feeder: Feeder,
  leader: BenchReplica,
  other: BenchReplica,
): Promise<ReplicasResult> {
  await ctx.link.takeEvents();
  await ctx.link.trackTaskLists(true);
  const startedEpoch = Date.now();
  const tasks = await handOffTasks(feeder, s);
  ctx.progress(
    `replicas: ${s.tasks} watches handed off in ${((Date.now() - startedEpoch) / 1000).toFixed(1)} s`,
  );
  await sleep(Math.max(0, startedEpoch + s.killAtMs - Date.now()));
  const from = other.lines.length;
  await leader.kill('SIGKILL');
  const killedAt = Date.now();
  ctx.progress('replicas: leader killed');
  const ledAt = await other.waitForLine(isLeading, s.leaderTtlMs * 3, from);
  const deadline = startedEpoch + s.minTaskMs + s.spreadMs + s.settleMs;
  while (Date.now() < deadline && (await ctx.link.countPosts()) < s.tasks) await sleep(250);
  await sleep(500);
  await ctx.link.trackTaskLists(false);
  const events = await ctx.link.takeEvents();
  const firstRound = events.taskLists.find((at) => at >= ledAt);
  const outcome = matchPosts(tasks, events, killedAt, firstRound ?? ledAt);
  return {
    tasks: s.tasks,
    killAtSec: s.killAtMs / 1000,
    leaderTtlMs: s.leaderTtlMs,
    lost: outcome.lost,
    doubled: outcome.doubled,
    killToNewLeaderMs: ledAt - killedAt,
    killToFirstRoundMs: firstRound === undefined ? null : firstRound - killedAt,
    notifyLatencyMs: summarize(outcome.latencies),
    notifyLatencyAcrossFailoverMs: summarize(outcome.acrossFailover),
    targets: {
      lost: { target: 0, value: outcome.lost, met: outcome.lost === 0 },
      doubled: { target: 0, value: outcome.doubled, met: outcome.doubled === 0 },
    },
  };
}

interface HandedTask {
  taskId: string;
  channel: string;
  threadTs: string;
}

/** Toggles on the seeded agent jobs, each watched in a thread of its own, handed off as a non-leader would. */
async function handOffTasks(feeder: Feeder, s: ReplicasSettings): Promise<HandedTask[]> {
  const jobs = [SIM_JOB_IDS.serverBackup, SIM_JOB_IDS.serverBackupSql, SIM_JOB_IDS.linuxWeb];
  const entities: Job[] = [];
  for (const id of jobs) entities.push(await feeder.em.getJob(id, 'agent'));
  const out: HandedTask[] = new Array(s.tasks);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < s.tasks; i = next++) {
      const job = entities[i % entities.length] as Job;
      const channel = `CREPL${String(i % s.channels).padStart(3, '0')}`;
      const threadTs = `1800000000.${String(i).padStart(6, '0')}`;
      const requestedAt = Date.now();
      const task = await feeder.em.runJobAction(job, 'toggleScheduleEnabled');
      const target = { kind: 'job' as const, jobId: job.id, jobName: job.name };
      const spec = {
        taskId: task.id,
        action: 'toggle',
        target,
        channel,
        threadTs,
        requestedBy: 'UBENCH1',
        requestedAt,
      };
      await feeder.store.handOffWatch({ spec });
      out[i] = { taskId: task.id, channel, threadTs };
    }
  };
  await Promise.all(Array.from({ length: Math.min(s.createConcurrency, s.tasks) }, worker));
  return out;
}

function matchPosts(tasks: HandedTask[], events: PeerEvents, killedAt: number, firstRound: number) {
  const finishedAt = new Map(events.finished);
  const posts = new Map<string, number[]>();
  for (const [channel, threadTs, at] of events.posts) {
    const key = threadKey(channel, threadTs);
    posts.set(key, [...(posts.get(key) ?? []), at]);
  }
  const out = { lost: 0, doubled: 0, latencies: [] as number[], acrossFailover: [] as number[] };
  for (const t of tasks) {
    const list = posts.get(threadKey(t.channel, t.threadTs)) ?? [];
    out.doubled += Math.max(0, list.length - 1);
    const done = finishedAt.get(t.taskId);
    if (list.length === 0) out.lost += 1;
    if (list.length === 0 || done === undefined) continue;
    const latency = (list[0] as number) - done;
    out.latencies.push(latency);
    if (done >= killedAt && done <= firstRound) out.acrossFailover.push(latency);
  }
  return out;
}
