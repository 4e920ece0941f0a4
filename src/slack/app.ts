// The Bolt App: Socket Mode when an app token is configured (EM is on-premises; no inbound URL needed),
// otherwise HTTP mode with signature verification on POST /slack/events.

import { App, type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { RetryOptions } from '@slack/web-api';
import type { SlackConfig } from '../config.js';
import type { Logger } from '../log/logger.js';

export interface SlackAppOptions {
  config: SlackConfig;
  logger: Logger;
  /** WebClient retries (429 honours Retry-After; 5xx and network errors back off). Default: Slack's ~30 min. */
  retryConfig?: RetryOptions;
}

export function createSlackApp({ config, logger, retryConfig }: SlackAppOptions): App {
  const clientOptions = { slackApiUrl: config.apiUrl, ...(retryConfig ? { retryConfig } : {}) };
  const boltLogger = toBoltLogger(logger.child({ component: 'bolt' }));
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
    // Bolt's conversation store is per-request work this bot never reads.
    convoStore: false,
  });
}

/** Bolt and its WebClient log through our logger, so their lines are JSON and redacted too. */
function toBoltLogger(logger: Logger): BoltLogger {
  let level: LogLevel = LogLevel.INFO;
  const text = (parts: unknown[]) =>
    parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' ');
  return {
    debug: (...msg) => logger.debug(text(msg)),
    info: (...msg) => logger.info(text(msg)),
    warn: (...msg) => logger.warn(text(msg)),
    error: (...msg) => logger.error(text(msg)),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
