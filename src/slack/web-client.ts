// The one Slack Web API client the bot sends with (listeners, watcher, monitor), and the logger Slack's libraries use.

import { LogLevel, type RetryOptions, type Logger as SlackLogger, WebClient } from '@slack/web-api';
import type { SlackConfig } from '../config.js';
import type { Logger } from '../log/logger.js';

interface SlackWebClientOptions {
  /** Retries (429 honours Retry-After; 5xx and network errors back off). Default: Slack's ~30 min. */
  retryConfig?: RetryOptions;
}

export function createSlackWebClient(
  config: SlackConfig,
  logger: Logger,
  { retryConfig }: SlackWebClientOptions = {},
): WebClient {
  return new WebClient(config.botToken, {
    slackApiUrl: config.apiUrl,
    logger: toSlackLogger(logger.child({ component: 'slack-web' })),
    ...(retryConfig ? { retryConfig } : {}),
  });
}

/** Bolt and the WebClient log through our logger, so their lines are JSON and redacted too. */
export function toSlackLogger(logger: Logger): SlackLogger {
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
