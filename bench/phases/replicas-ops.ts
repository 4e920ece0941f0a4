// Redis commands per polling round, at two watch counts: the bot built in this process as main.ts builds it on
// the Redis store (lease included), its own EM session creating long Tasks it watches, INFO commandstats read
// before and after a quiet window. Flat means the store costs the same per round for 100 watches as for 1,000.

import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { createBot } from '../../src/bot.js';
import { systemClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { EmClient } from '../../src/em/client.js';
import { createLogger } from '../../src/log/logger.js';
import { SIM_DEFAULT_CREDENTIALS } from '../../src/sim/seed-ids.js';
import { createSlackWebClient } from '../../src/slack/web-client.js';
import { RedisLeaderLease } from '../../src/state/leader-lease.js';
import { openStateStore } from '../../src/state/open-state-store.js';
import { createWatchedTasks } from '../watched-tasks.js';
import { type PhaseContext, sleep } from './phase-context.js';
import { commandCalls } from './replicas-processes.js';

export interface OpsSample {
  watches: number;
  pollingRounds: number;
  redisCommands: number;
  redisCommandsPerRound: number | null;
}

/** One sample per watch count, each on a fresh bot; Tasks outlast the window so every watch stays live. */
export async function sampleRedisOps(
  ctx: PhaseContext,
  redisUrl: string,
  counts: readonly number[],
  windowMs: number,
): Promise<OpsSample[]> {
  await ctx.link.knobs({ taskDurationMs: 10 * windowMs + 60_000, taskDurationJitterMs: 0 });
  const out: OpsSample[] = [];
  for (const count of counts) out.push(await sampleOnce(ctx, redisUrl, count, windowMs));
  return out;
}

async function sampleOnce(ctx: PhaseContext, redisUrl: string, count: number, windowMs: number) {
  const logger = createLogger({ level: 'warn', write: (line) => process.stderr.write(`${line}\n`) });
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: 'bench-replica-secret',
    PORT: '0',
    SLACK_API_URL: ctx.urls.slackApiUrl,
    VEEAM_EM_URL: ctx.urls.simUrl,
    VEEAM_EM_USERNAME: SIM_DEFAULT_CREDENTIALS.username,
    VEEAM_EM_PASSWORD: SIM_DEFAULT_CREDENTIALS.password,
    VEEAM_STATE_URL: redisUrl,
    VEEAM_INSTANCE_ID: `bench-ops-${count}`,
    VEEAM_OPERATORS: 'UBENCH1',
  });
  const em = new EmClient({ config: config.em, logger });
  const { store, redis } = openStateStore(config, logger);
  const client = redis as Redis;
  if (client.status !== 'ready') await once(client, 'ready');
  await client.flushdb();
  const leadership = new RedisLeaderLease({ redis: client, instanceId: config.state.instanceId, logger });
  const bot = createBot(config, {
    em,
    store,
    clock: systemClock,
    slack: createSlackWebClient(config.slack, logger),
    logger,
    host: '127.0.0.1',
    leadership,
  });
  await bot.start();
  try {
    await em.logon();
    while (!bot.isLeader) await sleep(20);
    const target = { bot, em, config, eventsUrl: '', close: async () => {} };
    await createWatchedTasks(target, { count, channels: 50, concurrency: 32, threadSeconds: 1_900_000_000 });
    // The saves of the creation burst are done; from here on nothing changes but the rounds.
    await sleep(2 * config.watch.pollIntervalMs);
    const calls = commandCalls(await client.info('commandstats'));
    const rounds = bot.watcher.stats().rounds;
    await sleep(windowMs);
    const redisCommands = commandCalls(await client.info('commandstats')) - calls;
    const pollingRounds = bot.watcher.stats().rounds - rounds;
    ctx.progress(`replicas: ${count} watches: ${redisCommands} Redis commands over ${pollingRounds} rounds`);
    const perRound = pollingRounds === 0 ? null : Math.round((redisCommands / pollingRounds) * 10) / 10;
    return { watches: count, pollingRounds, redisCommands, redisCommandsPerRound: perRound };
  } finally {
    await bot.stop();
    await store.close();
    await em.close();
  }
}
