// The embedded default: the EM simulator, the Slack stand-in and the real bot in HTTP mode, all on loopback.
// The demo and the test harness both start exactly this.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RetryOptions } from '@slack/web-api';
import { Agent } from 'undici';
import { type Bot, createBot } from '../bot.js';
import { type Clock, systemClock } from '../clock.js';
import { type Config, loadConfig } from '../config.js';
import { EmClient } from '../em/client.js';
import type { Logger } from '../log/logger.js';
import { Metrics } from '../metrics/metrics.js';
import { slackCallObserver } from '../metrics/slack-call-metrics.js';
import { SIM_DEFAULT_CREDENTIALS } from '../sim/seed-ids.js';
import { type EmSimulator, startEmSimulator } from '../sim/simulator.js';
import type { SimOptions } from '../sim/types.js';
import { createSlackWebClient } from '../slack/web-client.js';
import { FakeSlackApi } from '../slack-standin/fake-slack-api.js';
import { SlackUserAgent } from '../slack-standin/slack-user.js';
import { openStateStore } from '../state/open-state-store.js';

interface LocalStackOptions {
  logger: Logger;
  /** Variables on top of the stack's own (Slack and EM endpoints, credentials, state file). undefined removes one. */
  env?: Record<string, string | undefined>;
  sim?: SimOptions;
  usergroups?: Record<string, string[]>;
  slackRetryConfig?: RetryOptions;
  signingSecret?: string;
  /** Approval expiry and other timestamps read this; tests pass a ManualClock. */
  clock?: Clock;
}

export interface LocalStack {
  sim: EmSimulator;
  slack: FakeSlackApi;
  em: EmClient;
  config: Config;
  readonly bot: Bot;
  /** Sends signed requests to the bot as Slack would. */
  readonly user: SlackUserAgent;
  /** The bot's HTTP port (/slack/events, /healthz, /metrics); changes on restartBot(). */
  readonly port: number;
  /** Stops the bot (state saved) and builds a new one on the same config, state file, EM client and simulator. */
  restartBot(): Promise<void>;
  close(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const signingSecret = options.signingSecret ?? 'local-stack-signing-secret';
  const sim = await startEmSimulator(options.sim);
  const slack = new FakeSlackApi({ usergroups: options.usergroups });
  await slack.listen();
  const stateDir = mkdtempSync(join(tmpdir(), 'veeam-chatops-'));

  const config = stackConfig({ sim, slack, signingSecret, stateDir, overrides: options.env });
  // Short keep-alive so idle sockets never hold the process (or vitest) open after close().
  const dispatcher = new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 });
  let metrics: Metrics | undefined;
  const em = stackEmClient(config, options.logger, dispatcher, () => metrics);

  const build = async () => {
    const bot = buildBot(config, em, options);
    metrics = bot.metrics;
    const { port } = await bot.start();
    const user = new SlackUserAgent(
      `http://127.0.0.1:${port}/slack/events`,
      signingSecret,
      slack,
      dispatcher,
      options.clock,
    );
    return { bot, user, port: port as number };
  };
  let current = await build();

  return {
    sim,
    slack,
    em,
    config,
    get bot() {
      return current.bot;
    },
    get user() {
      return current.user;
    },
    get port() {
      return current.port;
    },
    async restartBot() {
      await current.bot.stop();
      await current.bot.store.close();
      current = await build();
    },
    async close() {
      await current.bot.stop();
      await current.bot.store.close();
      await em.close();
      await dispatcher.close();
      await slack.close();
      await sim.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** EM's client outlives a restartBot(); its requests count in the metrics of whichever bot is current. */
function stackEmClient(
  config: Config,
  logger: Logger,
  dispatcher: Agent,
  metrics: () => Metrics | undefined,
): EmClient {
  return new EmClient({
    config: config.em,
    logger: logger.child({ component: 'em' }),
    dispatcher,
    observer: (route, status, seconds) => metrics()?.observeEm(route, status, seconds),
  });
}

/** The real bot, built as main.ts builds it, on loopback and with the stack's clock and Slack retry policy. */
function buildBot(config: Config, em: EmClient, options: LocalStackOptions): Bot {
  const metrics = new Metrics();
  return createBot(config, {
    em,
    store: openStateStore(config, options.logger, { clock: options.clock }).store,
    clock: options.clock ?? systemClock,
    slack: createSlackWebClient(config.slack, options.logger, {
      retryConfig: options.slackRetryConfig,
      observer: slackCallObserver(metrics),
    }),
    metrics,
    logger: options.logger,
    host: '127.0.0.1',
  });
}

/** The stack's own variables (Slack and EM endpoints, credentials, state file) with the caller's on top. */
function stackConfig(parts: {
  sim: EmSimulator;
  slack: FakeSlackApi;
  signingSecret: string;
  stateDir: string;
  overrides?: Record<string, string | undefined>;
}): Config {
  const env: Record<string, string | undefined> = {
    SLACK_BOT_TOKEN: 'xoxb-local-stack',
    SLACK_SIGNING_SECRET: parts.signingSecret,
    PORT: '0',
    SLACK_API_URL: parts.slack.url,
    VEEAM_EM_URL: parts.sim.url,
    VEEAM_EM_USERNAME: SIM_DEFAULT_CREDENTIALS.username,
    VEEAM_EM_PASSWORD: SIM_DEFAULT_CREDENTIALS.password,
    VEEAM_STATE_FILE: join(parts.stateDir, 'state.json'),
  };
  for (const [key, value] of Object.entries(parts.overrides ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return loadConfig(env);
}
