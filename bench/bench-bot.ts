// The bot under test, built in the benchmark's own process exactly as main.ts builds it: createBot in HTTP mode
// on 127.0.0.1, a real EmClient with its own logon session, config from loadConfig over an env object.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Bot, createBot } from '../src/bot.js';
import { systemClock } from '../src/clock.js';
import { type Config, loadConfig } from '../src/config.js';
import { EmClient } from '../src/em/client.js';
import type { Logger } from '../src/log/logger.js';
import { SIM_DEFAULT_CREDENTIALS } from '../src/sim/seed-ids.js';
import { createSlackWebClient } from '../src/slack/web-client.js';
import { FileStateStore } from '../src/state/file-state-store.js';
import type { PeerStarted } from './peer-messages.js';

export const BENCH_SIGNING_SECRET = 'bench-signing-secret';

export interface BenchBot {
  bot: Bot;
  em: EmClient;
  config: Config;
  /** Where Slack sends slash commands and clicks. */
  eventsUrl: string;
  /** Stops the bot, logs its EM session out (the simulator drops that session's Tasks) and removes its state. */
  close(): Promise<void>;
}

export async function startBenchBot(
  urls: PeerStarted,
  logger: Logger,
  env: Record<string, string> = {},
): Promise<BenchBot> {
  const stateDir = mkdtempSync(join(tmpdir(), 'veeam-chatops-bench-'));
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: BENCH_SIGNING_SECRET,
    PORT: '0',
    SLACK_API_URL: urls.slackApiUrl,
    VEEAM_EM_URL: urls.simUrl,
    VEEAM_EM_USERNAME: SIM_DEFAULT_CREDENTIALS.username,
    VEEAM_EM_PASSWORD: SIM_DEFAULT_CREDENTIALS.password,
    VEEAM_STATE_FILE: join(stateDir, 'state.json'),
    VEEAM_OPERATORS: 'UBENCH1',
    ...env,
  });
  const em = new EmClient({ config: config.em, logger });
  const bot = createBot(config, {
    em,
    store: new FileStateStore(config.watch.stateFile, logger.child({ component: 'state' })),
    clock: systemClock,
    slack: createSlackWebClient(config.slack, logger),
    logger,
    host: '127.0.0.1',
  });
  const { port } = await bot.start();
  return {
    bot,
    em,
    config,
    eventsUrl: `http://127.0.0.1:${port}/slack/events`,
    async close() {
      await bot.stop();
      await em.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
