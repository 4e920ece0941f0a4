// The Bolt App: Socket Mode when an app token is configured (EM is on-premises; no inbound URL needed),
// otherwise HTTP mode with signature verification, and a replay and clock-skew check, on POST /slack/events.

import { App, type CustomRoute } from '@slack/bolt';
import type { Clock } from '../clock.js';
import type { SlackConfig } from '../config.js';
import type { Logger } from '../log/logger.js';
import { guardedReceiver } from './guarded-receiver.js';
import { ReplayGuard } from './replay-guard.js';
import { toSlackLogger } from './web-client.js';

interface SlackAppOptions {
  config: SlackConfig;
  logger: Logger;
  /** HTTP mode: what "now" is for a request's timestamp and for how long a handled one is remembered. */
  clock: Clock;
  /** HTTP mode: extra routes served beside /slack/events (the health endpoints). */
  customRoutes?: CustomRoute[];
}

/**
 * Bolt's own WebClient only verifies the token (auth.test); every post and update goes through the WebClient
 * createBot is given, so one retry policy and one endpoint apply to all of them.
 */
export function createSlackApp({ config, logger, clock, customRoutes }: SlackAppOptions): App {
  const clientOptions = { slackApiUrl: config.apiUrl };
  const boltLogger = toSlackLogger(logger.child({ component: 'bolt' }));
  if (config.appToken !== undefined) {
    return new App({
      token: config.botToken,
      appToken: config.appToken,
      socketMode: true,
      clientOptions,
      logger: boltLogger,
    });
  }
  // loadConfig asks for one of the two; Bolt would refuse an HTTP app without the secret too.
  const { signingSecret } = config;
  if (signingSecret === undefined) throw new Error('HTTP mode needs SLACK_SIGNING_SECRET');
  const receiver = guardedReceiver(
    {
      signingSecret,
      logger: boltLogger,
      // On a long-running server the ack must not wait for the listener (slack-notes.md).
      processBeforeResponse: false,
      customRoutes,
    },
    new ReplayGuard(signingSecret, clock),
    logger.child({ component: 'slack-receiver' }),
  );
  return new App({
    token: config.botToken,
    receiver,
    clientOptions,
    logger: boltLogger,
    // Bolt's conversation store is per-request work this bot never reads.
    convoStore: false,
  });
}
