// Starts the EM simulator, the fake Slack Web API and the real bot (HTTP mode, port 0) for one test file,
// and speaks to the bot as Slack would: signed requests over a socket.

import type { Bot } from '../../src/bot.js';
import type { Clock } from '../../src/clock.js';
import type { Config } from '../../src/config.js';
import { startLocalStack } from '../../src/demo/local-stack.js';
import type { EmClient } from '../../src/em/client.js';
import { createMemoryLogger, type Logger } from '../../src/log/logger.js';
import type { EmSimulator } from '../../src/sim/simulator.js';
import type { SimOptions } from '../../src/sim/types.js';
import type { FakeMessage, FakeSlackApi } from '../../src/slack-standin/fake-slack-api.js';
import type { ButtonRef, SlackHttpResult } from '../../src/slack-standin/slack-user.js';
import { assertNoSecretLogged, stackSecrets } from './log-secrets.js';
import { waitFor } from './wait-for.js';

export { findButton, messageText } from '../../src/slack-standin/slack-user.js';
export { type WaitForOptions, waitFor } from './wait-for.js';

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

/** Not the simulator's default (chatops, also the user name): a password the log check can search for. */
const EM_PASSWORD = 'Harness-EM-Pa55word';

export interface HarnessOptions {
  /** Overrides of the default environment; a value of undefined removes the variable. */
  env?: Record<string, string | undefined>;
  sim?: SimOptions;
  clock?: Clock;
}

export interface Harness {
  sim: EmSimulator;
  slack: FakeSlackApi;
  bot: Bot;
  em: EmClient;
  config: Config;
  logger: Logger & { lines: Record<string, unknown>[] };
  command(text: string, opts?: { user?: string; channel?: string }): Promise<SlackHttpResult>;
  click(
    action: ButtonRef,
    opts?: { user?: string; channel?: string; message?: FakeMessage },
  ): Promise<SlackHttpResult>;
  sendSigned(
    rawBody: string,
    contentType: string,
    opts?: { timestampSec?: number; secret?: string },
  ): Promise<SlackHttpResult>;
  waitFor: typeof waitFor;
  /** http://127.0.0.1:<bot port>: /healthz, /metrics beside /slack/events. */
  readonly botUrl: string;
  restartBot(): Promise<void>;
  /** Stops everything, then fails if any log line of the run holds a secret the stack knows (log-secrets.ts). */
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const logger = createMemoryLogger('debug');
  const stack = await startLocalStack({
    logger,
    signingSecret: SIGNING_SECRET,
    clock: options.clock,
    sim: { taskDurationMs: 100, backupDurationMs: 300, password: EM_PASSWORD, ...options.sim },
    usergroups: { [GROUPS.oncall]: [USERS.groupMember] },
    slackRetryConfig: { retries: 5, factor: 1, minTimeout: 10, maxTimeout: 50 },
    env: {
      VEEAM_EM_TIMEOUT_MS: '5000',
      VEEAM_EM_PASSWORD: EM_PASSWORD,
      VEEAM_OPERATORS: `${USERS.operator},${USERS.operator2},${GROUPS.oncall}`,
      VEEAM_APPROVERS: `${USERS.approver},${USERS.approver2}`,
      VEEAM_ALLOWED_CHANNELS: `${CHANNELS.ops},${CHANNELS.incident}`,
      TASK_POLL_INTERVAL_MS: '50',
      // Tests repeat actions within seconds on purpose; the repeat guard has its own tests.
      VEEAM_REPEAT_WINDOW_SECONDS: '0',
      // Slack's per-channel pace (1 s) would only slow the flows down; its own tests use the default.
      VEEAM_SLACK_POST_INTERVAL_MS: '20',
      // Likewise previews before Confirm: test/slack/preview*.e2e.test.ts turn them on.
      VEEAM_CONFIRM_ACTIONS: 'none',
      LOG_LEVEL: 'debug',
      ...options.env,
    },
  });
  return {
    sim: stack.sim,
    slack: stack.slack,
    em: stack.em,
    config: stack.config,
    logger,
    get bot() {
      return stack.bot;
    },
    command: (text, opts = {}) =>
      stack.user.command(text, opts.user ?? USERS.operator, opts.channel ?? CHANNELS.ops),
    click: (action, opts = {}) =>
      stack.user.click(
        action,
        opts.user ?? USERS.operator,
        opts.channel ?? opts.message?.channel ?? CHANNELS.ops,
        opts.message,
      ),
    sendSigned: (rawBody, contentType, opts) => stack.user.sendSigned(rawBody, contentType, opts),
    waitFor,
    get botUrl() {
      return `http://127.0.0.1:${stack.port}`;
    },
    restartBot: () => stack.restartBot(),
    async close() {
      await stack.close();
      assertNoSecretLogged(logger.lines, stackSecrets(stack.config, stack.sim));
    },
  };
}
