// Starts the EM simulator, the fake Slack Web API and the real bot (HTTP mode, port 0) for one test file,
// and speaks to the bot as Slack would: signed requests over a socket.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { type Bot, createBot } from '../../src/bot.js';
import { type Config, loadConfig } from '../../src/config.js';
import { EmClient } from '../../src/em/client.js';
import { createMemoryLogger, type Logger } from '../../src/log/logger.js';
import { SIM_DEFAULT_CREDENTIALS } from '../../src/sim/seed-ids.js';
import { type EmSimulator, startEmSimulator } from '../../src/sim/simulator.js';
import type { SimOptions } from '../../src/sim/types.js';
import { type FakeMessage, FakeSlackApi } from '../../src/slack-standin/fake-slack-api.js';
import { type ButtonRef, SlackUserAgent, type SlackHttpResult } from '../../src/slack-standin/slack-user.js';

export { findButton, messageText } from '../../src/slack-standin/slack-user.js';

export const USERS = {
  operator: 'UOPER1',
  operator2: 'UOPER2',
  approver: 'UAPPR1',
  approver2: 'UAPPR2',
  viewer: 'UVIEW1',
  groupMember: 'UGRPM1',
} as const;

export const GROUPS = { oncall: 'SONCALL1' } as const;

export const CHANNELS = { ops: 'COPS1', incident: 'CINCID1', other: 'COTHER1' } as const;

export const SIGNING_SECRET = 'test-signing-secret';

export interface HarnessOptions {
  /** Overrides of the default environment; a value of undefined removes the variable. */
  env?: Record<string, string | undefined>;
  sim?: SimOptions;
}

export interface Harness {
  sim: EmSimulator;
  slack: FakeSlackApi;
  bot: Bot;
  em: EmClient;
  config: Config;
  logger: Logger & { lines: Record<string, unknown>[] };
  command(text: string, opts?: { user?: string; channel?: string }): Promise<SlackHttpResult>;
  click(action: ButtonRef, opts?: { user?: string; channel?: string; message?: FakeMessage }): Promise<SlackHttpResult>;
  sendSigned(
    rawBody: string,
    contentType: string,
    opts?: { timestampSec?: number; secret?: string },
  ): Promise<SlackHttpResult>;
  waitFor<T>(probe: () => T | undefined | null | false, opts?: { timeoutMs?: number; what?: string }): Promise<T>;
  restartBot(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const sim = await startEmSimulator({ taskDurationMs: 100, backupDurationMs: 300, ...options.sim });
  const slack = new FakeSlackApi({ usergroups: { [GROUPS.oncall]: [USERS.groupMember] } });
  await slack.listen();
  const stateDir = mkdtempSync(join(tmpdir(), 'veeam-chatops-test-'));

  const env: Record<string, string | undefined> = {
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    PORT: '0',
    SLACK_API_URL: slack.url,
    VEEAM_EM_URL: sim.url,
    VEEAM_EM_USERNAME: SIM_DEFAULT_CREDENTIALS.username,
    VEEAM_EM_PASSWORD: SIM_DEFAULT_CREDENTIALS.password,
    VEEAM_EM_TIMEOUT_MS: '5000',
    VEEAM_OPERATORS: `${USERS.operator},${USERS.operator2},${GROUPS.oncall}`,
    VEEAM_APPROVERS: `${USERS.approver},${USERS.approver2}`,
    VEEAM_ALLOWED_CHANNELS: `${CHANNELS.ops},${CHANNELS.incident}`,
    VEEAM_STATE_FILE: join(stateDir, 'state.json'),
    TASK_POLL_INTERVAL_MS: '50',
    LOG_LEVEL: 'debug',
  };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const config = loadConfig(env);
  const logger = createMemoryLogger('debug');
  // Short keep-alive so idle sockets never hold vitest open.
  const dispatcher = new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 });
  const em = new EmClient({ config: config.em, logger: logger.child({ component: 'em' }), dispatcher });

  const build = async () => {
    const bot = createBot({
      config,
      em,
      logger,
      host: '127.0.0.1',
      slackRetryConfig: { retries: 5, factor: 1, minTimeout: 10, maxTimeout: 50 },
    });
    const { port } = await bot.start();
    return { bot, user: new SlackUserAgent(`http://127.0.0.1:${port}/slack/events`, SIGNING_SECRET, slack, dispatcher) };
  };
  let current = await build();

  const harness: Harness = {
    sim,
    slack,
    em,
    config,
    logger,
    get bot() {
      return current.bot;
    },
    command: (text, opts = {}) => current.user.command(text, opts.user ?? USERS.operator, opts.channel ?? CHANNELS.ops),
    click: (action, opts = {}) =>
      current.user.click(action, opts.user ?? USERS.operator, opts.channel ?? opts.message?.channel ?? CHANNELS.ops, opts.message),
    sendSigned: (rawBody, contentType, opts) => current.user.sendSigned(rawBody, contentType, opts),
    waitFor,
    async restartBot() {
      await current.bot.stop();
      current = await build();
    },
    async close() {
      await current.bot.stop();
      await em.close();
      await dispatcher.close();
      await slack.close();
      await sim.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Polls until `probe` returns something truthy; fails with `what` after the timeout. */
export async function waitFor<T>(
  probe: () => T | undefined | null | false,
  { timeoutMs = 8_000, what = 'condition' }: { timeoutMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
