// The Bolt App: Socket Mode when an app token is configured (EM is on-premises; no inbound URL needed),
// otherwise HTTP mode with signature verification on POST /slack/events.

import { App, type CustomRoute } from '@slack/bolt';
import type { SlackConfig } from '../config.js';
import type { Logger } from '../log/logger.js';
import { toSlackLogger } from './web-client.js';

export interface SlackAppOptions {
  config: SlackConfig;
  logger: Logger;
  /** HTTP mode: extra routes served beside /slack/events (the health endpoints). */
  customRoutes?: CustomRoute[];
}

/**
 * Bolt's own WebClient only verifies the token (auth.test); every post and update goes through the WebClient
 * createBot is given, so one retry policy and one endpoint apply to all of them.
 */
export function createSlackApp({ config, logger, customRoutes }: SlackAppOptions): App {
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
  return new App({
    token: config.botToken,
    signingSecret: config.signingSecret,
    clientOptions,
    logger: boltLogger,
    // On a long-running server the ack must not wait for the listener (slack-notes.md).
    processBeforeResponse: false,
    customRoutes,
    // Bolt's conversation store is per-request work this bot never reads.
    convoStore: false,
  });
}
